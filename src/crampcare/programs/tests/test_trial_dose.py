"""The trial's dose is the default for all six weeks; progression only when the person asks."""

from datetime import timedelta

import pytest
from django.test import Client
from hypothesis import given, settings

from crampcare.accounts.models import User
from crampcare.programs import services
from crampcare.programs.catalogue import Catalogue
from crampcare.programs.dose import MAX_LEVEL, MIN_LEVEL
from crampcare.programs.models import ChangeKind, Program, ProgramChange
from crampcare.programs.plan import generate_plan
from crampcare.programs.progression import StepReason, WeekSummary, advance, next_step
from crampcare.programs.rules import Block
from crampcare.programs.tests.builders import do_sessions, evening, make_program, week_nights
from crampcare.programs.tests.catalogue_data import make_catalogue
from crampcare.programs.tests.people import TYPICAL
from crampcare.programs.tests.strategies import levels, profiles, week_summaries


@settings(max_examples=300, deadline=None)
@given(current=levels, summary=week_summaries())
def test_it_never_steps_up_without_the_persons_opt_in(current: int, summary: WeekSummary) -> None:
    step = next_step(current, summary, progression=False)

    assert step.change != "up"
    assert step.level == MIN_LEVEL


@settings(max_examples=200, deadline=None)
@given(profile=profiles, level_number=levels)
def test_it_keeps_the_trials_dose_and_only_the_core_at_bedtime_without_the_opt_in(
    profile: object, level_number: int
) -> None:
    plan = generate_plan(profile, make_catalogue(), level=level_number)  # type: ignore[arg-type]

    assert plan.level == MIN_LEVEL
    for item in plan.block(Block.BEDTIME):
        assert item.role == "core"
        assert (item.dose.hold_seconds, item.dose.reps, item.dose.rest_seconds) == (10, 3, 10)
        assert item.dose.per_side


def test_it_says_to_keep_going_after_a_good_week_on_the_trials_dose() -> None:
    good = WeekSummary(week=2, nights_planned=7, nights_done=7, max_pain=0)

    step = next_step(MIN_LEVEL, good, progression=False)

    assert (step.level, step.change, step.reason) == (MIN_LEVEL, "hold", StepReason.TRIAL_DOSE)
    assert "plan page" in step.message.en


def test_it_stays_at_the_trials_dose_through_six_good_weeks(catalogue: Catalogue) -> None:
    plan = generate_plan(TYPICAL, catalogue)
    for week in range(1, 7):
        summary = WeekSummary(week=week, nights_planned=7, nights_done=7, max_pain=0)
        plan = advance(plan, summary, catalogue).plan

        assert plan.level == MIN_LEVEL
        assert [item.slot for item in plan.block(Block.BEDTIME)] == ["calf", "hamstring"]


@pytest.mark.parametrize("age", [66, 80, None])
def test_it_leaves_out_step_stretches_at_bedtime_over_65(catalogue: Catalogue, age: int) -> None:
    profile = TYPICAL.model_copy(update={"age": age})

    plan = generate_plan(profile, catalogue, level=MAX_LEVEL, progression=True)

    calf = plan.item("calf")
    assert calf is not None
    assert calf.exercise_id == "calf-stretch-wall"
    assert any(
        note.rule == "no-step-stretch-at-bedtime" and note.exercise_id == "calf-stretch-step"
        for note in plan.notes
    )


def test_it_leaves_out_step_stretches_at_bedtime_with_balance_problems(
    catalogue: Catalogue,
) -> None:
    profile = TYPICAL.model_copy(update={"age": 40, "conditions": ("balance_problems",)})

    plan = generate_plan(profile, catalogue, level=MAX_LEVEL, progression=True)

    bedtime = {item.exercise_id for item in plan.block(Block.BEDTIME)}
    assert "calf-stretch-step" not in bedtime


def test_it_puts_heel_raises_in_the_daytime_for_everyone(catalogue: Catalogue) -> None:
    for progression in (False, True):
        plan = generate_plan(TYPICAL, catalogue, progression=progression)
        heel_raises = plan.item("heel-raises")
        assert heel_raises is not None
        assert heel_raises.block is Block.DAYTIME


def test_it_starts_every_program_on_the_trials_dose_with_progression_off(user: User) -> None:
    program = make_program(user)

    assert program.progression_opt_in is False
    plan = program.get_plan()
    assert not plan.progression
    assert [item.slot for item in plan.block(Block.BEDTIME)] == ["calf", "hamstring"]


def test_it_holds_the_trials_dose_after_a_good_week_without_the_opt_in(user: User) -> None:
    program = make_program(user)
    nights = week_nights(program)
    do_sessions(user, nights)

    later = services.current_program(user, user, evening(nights[-1] + timedelta(days=1)))

    assert later is not None
    assert (later.week, later.level) == (2, MIN_LEVEL)
    assert later.last_step == {"week": 1, "change": "hold", "reason": "trial_dose"}


def test_it_steps_up_after_a_good_week_once_asked_and_back_when_turned_off(user: User) -> None:
    program = make_program(user, progression=True)
    nights = week_nights(program)
    do_sessions(user, nights)
    the_next_evening = evening(nights[-1] + timedelta(days=1))
    later = services.current_program(user, user, the_next_evening)
    assert later is not None
    assert later.last_step == {"week": 1, "change": "up", "reason": "good_week"}
    assert later.level == 2
    soleus = later.get_plan().item("soleus")
    assert soleus is not None
    assert soleus.block is Block.BEDTIME

    program = services.set_progression(user, False, now=the_next_evening)

    assert (program.progression_opt_in, program.level) == (False, MIN_LEVEL)
    plan = program.get_plan()
    assert [item.slot for item in plan.block(Block.BEDTIME)] == ["calf", "hamstring"]
    change = (
        ProgramChange.objects.for_user(user)
        .filter(kind=ChangeKind.PROGRESSION)
        .order_by("id")
        .last()
    )
    assert change is not None
    before: dict[str, object] = change.before or {}
    after: dict[str, object] = change.after or {}
    assert before["level"] == 2
    assert (after["progression"], after["level"]) == (False, MIN_LEVEL)


def test_it_records_nothing_when_the_opt_in_does_not_change(user: User) -> None:
    make_program(user)
    before = ProgramChange.objects.for_user(user).count()

    services.set_progression(user, False)

    assert ProgramChange.objects.for_user(user).count() == before


def test_it_lets_the_person_ask_for_progression_on_the_plan_page(
    owner_client: Client, user: User
) -> None:
    make_program(user)
    page = owner_client.get("/program/plan/").content.decode()
    assert "Let my routine grow" in page
    assert 'name="progression"' in page
    assert "checked" not in page.split('name="progression"')[1].split(">")[0]

    response = owner_client.post("/program/plan/progression/", {"progression": "on"})

    assert response.status_code == 302
    assert Program.objects.for_user(user).get().progression_opt_in is True
    owner_client.post("/program/plan/progression/", {})
    assert Program.objects.for_user(user).get().progression_opt_in is False


def test_it_sets_the_opt_in_through_the_api(owner_client: Client, user: User) -> None:
    make_program(user)

    response = owner_client.patch(
        "/api/v1/program", {"progression": True}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["progression"] is True
    assert Program.objects.for_user(user).get().progression_opt_in is True
