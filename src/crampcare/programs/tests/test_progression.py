import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from crampcare.programs.catalogue import Catalogue
from crampcare.programs.dose import MAX_LEVEL, MIN_LEVEL, Days, level
from crampcare.programs.plan import Plan, generate_plan
from crampcare.programs.progression import (
    PAINFUL_FROM,
    PROGRAM_WEEKS,
    Step,
    StepReason,
    WeekSummary,
    advance,
    maintenance_check,
    maintenance_plan,
    next_step,
    nights_per_week,
)
from crampcare.programs.rules import Block
from crampcare.programs.tests.catalogue_data import make_catalogue
from crampcare.programs.tests.people import TYPICAL
from crampcare.programs.tests.strategies import levels, week_summaries


def _week(done: int, planned: int = 7, max_pain: int | None = 2, painful: int = 0) -> WeekSummary:
    return WeekSummary(
        week=1,
        nights_planned=planned,
        nights_done=done,
        max_pain=max_pain,
        painful_sessions=painful,
    )


@pytest.mark.parametrize("reason", list(StepReason))
def test_it_explains_every_step_in_plain_words(reason: StepReason) -> None:
    message = Step(level=2, change="hold", reason=reason).message

    assert message.en.strip()


def test_it_steps_up_after_a_good_week() -> None:
    step = next_step(2, _week(done=6), progression=True)

    assert (step.level, step.change, step.reason) == (3, "up", StepReason.GOOD_WEEK)
    assert step.message.en


@pytest.mark.parametrize(
    ("done", "change"),
    [(7, "up"), (5, "up"), (4, "hold"), (3, "hold"), (2, "down"), (0, "down")],
)
def test_it_judges_adherence_by_nights_done_out_of_seven(done: int, change: str) -> None:
    # 5/7 = 71% steps up (>= 70%); 3/7 = 43% holds; 2/7 = 29% steps back (< 40%).
    assert next_step(3, _week(done=done), progression=True).change == change


def test_it_holds_when_adherence_is_middling() -> None:
    step = next_step(3, _week(done=4), progression=True)

    assert (step.level, step.change, step.reason) == (3, "hold", StepReason.KEEP_GOING)


def test_it_steps_back_when_adherence_is_low() -> None:
    step = next_step(3, _week(done=1), progression=True)

    assert (step.level, step.change, step.reason) == (2, "down", StepReason.LOW_ADHERENCE)


def test_it_steps_back_after_a_painful_session_even_in_a_perfect_week() -> None:
    step = next_step(4, _week(done=7, max_pain=6, painful=1), progression=True)

    assert (step.level, step.change, step.reason) == (3, "down", StepReason.PAINFUL)


def test_it_counts_a_pain_rating_of_five_as_painful() -> None:
    assert PAINFUL_FROM == 5
    assert next_step(4, _week(done=7, max_pain=5), progression=True).reason is StepReason.PAINFUL
    assert next_step(4, _week(done=7, max_pain=4), progression=True).change == "up"


def test_it_holds_at_the_top_level_after_a_good_week() -> None:
    step = next_step(MAX_LEVEL, _week(done=7), progression=True)

    assert (step.level, step.change, step.reason) == (MAX_LEVEL, "hold", StepReason.TOP_LEVEL)


def test_it_cannot_step_below_the_first_level_but_still_says_why() -> None:
    painful = next_step(MIN_LEVEL, _week(done=7, max_pain=8, painful=2), progression=True)
    missed = next_step(MIN_LEVEL, _week(done=0, max_pain=None), progression=True)

    assert (painful.level, painful.change, painful.reason) == (1, "hold", StepReason.PAINFUL)
    assert (missed.level, missed.change, missed.reason) == (1, "hold", StepReason.LOW_ADHERENCE)


def test_it_holds_through_a_paused_week() -> None:
    step = next_step(3, _week(done=0, planned=0, max_pain=None), progression=True)

    assert (step.level, step.change, step.reason) == (3, "hold", StepReason.PAUSED)


def test_it_rejects_a_level_outside_the_table() -> None:
    with pytest.raises(ValueError, match="level must be"):
        next_step(MAX_LEVEL + 1, _week(done=7), progression=True)


@settings(max_examples=500)
@given(current=levels, summary=week_summaries())
def test_it_keeps_the_level_in_range_and_never_steps_up_after_a_painful_week(
    current: int, summary: WeekSummary
) -> None:
    for step in (
        next_step(current, summary, progression=True),
        maintenance_check(current, summary, progression=True),
    ):
        assert MIN_LEVEL <= step.level <= MAX_LEVEL
        assert abs(step.level - current) <= 1
        assert step.change == {1: "up", 0: "hold", -1: "down"}[step.level - current]
        if summary.painful:
            assert step.change != "up"
            assert step.level <= current


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"painful_sessions": 3, "nights_done": 2}, "more painful sessions"),
        ({"painful_sessions": 1, "max_pain": 3}, "pain rating of 5"),
        ({"nights_done": 8}, "less than or equal"),
        ({"max_pain": 11}, "less than or equal"),
    ],
)
def test_it_rejects_an_inconsistent_week(changes: dict[str, int], message: str) -> None:
    values = {"week": 1, "nights_planned": 7, "nights_done": 5, **changes}

    with pytest.raises(ValidationError, match=message):
        WeekSummary.model_validate(values)


def test_it_caps_adherence_when_more_nights_were_done_than_planned() -> None:
    assert _week(done=7, planned=5).adherence == 1.0
    assert _week(done=0, planned=0).adherence is None


def test_it_keeps_the_routine_and_level_for_maintenance_on_most_nights(
    catalogue: Catalogue,
) -> None:
    sitter = TYPICAL.model_copy(update={"sitting_hours_per_day": 8})
    plan = generate_plan(sitter, catalogue, week=6, level=4, progression=True)

    kept = maintenance_plan(plan)

    assert kept.phase == "maintenance"
    assert kept.level == plan.level
    assert [item.exercise_id for item in kept.items] == [item.exercise_id for item in plan.items]
    for before, after in zip(plan.items, kept.items, strict=True):
        assert after.dose.hold_seconds == before.dose.hold_seconds
        assert after.dose.reps == before.dose.reps
        if before.block is Block.BEDTIME and before.dose.days is Days.EVERY:
            assert after.dose.days is Days.MOST
        else:
            assert after.dose.days is before.dose.days
    assert kept.bedtime_seconds == plan.bedtime_seconds
    assert (nights_per_week(plan), nights_per_week(kept)) == (7, 5)
    assert maintenance_plan(kept) == kept


def test_it_never_steps_up_in_maintenance() -> None:
    good = maintenance_check(3, _week(done=7), progression=True)
    painful = maintenance_check(3, _week(done=7, max_pain=7, painful=1), progression=True)

    assert (good.level, good.change, good.reason) == (3, "hold", StepReason.MAINTENANCE)
    assert (painful.level, painful.change, painful.reason) == (2, "down", StepReason.PAINFUL)


def test_it_reaches_the_top_level_in_week_six_after_good_weeks(catalogue: Catalogue) -> None:
    plan = generate_plan(TYPICAL, catalogue, progression=True)
    for week in range(1, PROGRAM_WEEKS):
        summary = WeekSummary(week=week, nights_planned=7, nights_done=7, max_pain=2)
        plan = advance(plan, summary, catalogue).plan

    assert (plan.week, plan.level, plan.phase) == (PROGRAM_WEEKS, MAX_LEVEL, "program")
    calf = plan.item("calf")
    assert calf is not None
    assert calf.dose.hold_seconds == level(MAX_LEVEL).hold_seconds


@pytest.mark.parametrize(
    ("pain", "painful", "expected_level"), [(2, 0, 4), (7, 1, 3)], ids=["comfortable", "painful"]
)
def test_it_moves_to_maintenance_after_week_six_at_the_last_comfortable_level(
    catalogue: Catalogue, pain: int, painful: int, expected_level: int
) -> None:
    week_six = generate_plan(TYPICAL, catalogue, week=PROGRAM_WEEKS, level=4, progression=True)
    summary = WeekSummary(
        week=PROGRAM_WEEKS, nights_planned=7, nights_done=7, max_pain=pain, painful_sessions=painful
    )

    result = advance(week_six, summary, catalogue)

    assert result.plan.phase == "maintenance"
    assert result.plan.week == PROGRAM_WEEKS + 1
    assert result.plan.level == expected_level
    assert result.step.change != "up"


def test_it_stays_in_maintenance_week_after_week(catalogue: Catalogue) -> None:
    plan = maintenance_plan(generate_plan(TYPICAL, catalogue, week=9, level=3, progression=True))

    result = advance(plan, WeekSummary(week=9, nights_planned=5, nights_done=5), catalogue)

    assert (result.plan.phase, result.plan.week, result.plan.level) == ("maintenance", 10, 3)


def test_it_carries_swaps_into_the_next_week(catalogue: Catalogue) -> None:
    swaps = {"hamstring": "hamstring-stretch-seated"}
    plan = generate_plan(TYPICAL, catalogue, swaps=swaps, progression=True)

    result = advance(plan, _week(done=7), catalogue)

    assert result.plan.swaps == swaps
    hamstring = result.plan.item("hamstring")
    assert hamstring is not None
    assert hamstring.exercise_id == "hamstring-stretch-seated"


def test_it_rejects_a_summary_for_another_week(catalogue: Catalogue) -> None:
    plan = generate_plan(TYPICAL, catalogue, week=2, progression=True)

    with pytest.raises(ValueError, match="week 1"):
        advance(plan, _week(done=7), catalogue)


def test_it_steps_back_from_the_harder_variant_to_the_usual_one(catalogue: Catalogue) -> None:
    younger = TYPICAL.model_copy(update={"age": 60})  # the step stretch is theirs to use
    top = generate_plan(younger, catalogue, week=3, level=MAX_LEVEL, progression=True)
    painful = WeekSummary(week=3, nights_planned=7, nights_done=7, max_pain=6, painful_sessions=1)

    result = advance(top, painful, catalogue)

    assert result.plan.level == MAX_LEVEL - 1
    before, after = top.item("calf"), result.plan.item("calf")
    assert before is not None
    assert after is not None
    assert after.exercise_id in catalogue[before.exercise_id].easier
    assert after.dose.hold_seconds == before.dose.hold_seconds


def _core_dose(plan: Plan) -> dict[str, tuple[str, int | None, int]]:
    return {
        item.slot: (item.exercise_id, item.dose.hold_seconds, item.dose.reps)
        for item in plan.items
        if item.role == "core"
    }


@settings(max_examples=100, deadline=None)
@given(start=levels, summaries=st.lists(week_summaries(), min_size=1, max_size=10))
def test_it_never_increases_more_than_one_thing_in_a_week(
    start: int, summaries: list[WeekSummary]
) -> None:
    catalogue = make_catalogue()
    plan = generate_plan(TYPICAL, catalogue, level=start, progression=True)
    for summary in summaries:
        result = advance(plan, summary.model_copy(update={"week": plan.week}), catalogue)
        before, after = _core_dose(plan), _core_dose(result.plan)
        increased = set()
        for slot, (exercise, hold, reps) in after.items():
            old_exercise, old_hold, old_reps = before[slot]
            if (hold or 0) > (old_hold or 0):
                increased.add("hold")
            if reps > old_reps:
                increased.add("reps")
            if exercise in catalogue[old_exercise].harder:
                increased.add("variant")
        assert len(increased) <= 1
        if result.step.change != "up":
            assert not increased
        plan = result.plan
