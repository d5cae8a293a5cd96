"""Each tailoring rule, on its own and through the notes it leaves in a plan."""

import pytest

from crampcare.knowledge.base import Text
from crampcare.programs.catalogue import Catalogue, CautionInfo
from crampcare.programs.dose import MAX_LEVEL
from crampcare.programs.plan import Plan, generate_plan, swap_options
from crampcare.programs.profile import PlanProfile
from crampcare.programs.rules import RULES, Block, bed_friendly
from crampcare.programs.tests.catalogue_data import changed
from crampcare.programs.tests.checks import assert_plan_is_safe
from crampcare.programs.tests.people import TYPICAL

SECOND_TRIMESTER = TYPICAL.model_copy(update={"pregnant": True, "pregnancy_weeks": 20})


def _with(**changes: object) -> PlanProfile:
    return TYPICAL.model_copy(update=changes)


def _bedtime(plan: Plan) -> dict[str, str]:
    return {item.slot: item.exercise_id for item in plan.block(Block.BEDTIME)}


def _noted(plan: Plan, rule: str, exercise_id: str) -> bool:
    return any(note.rule == rule and note.exercise_id == exercise_id for note in plan.notes)


# One profile per rule that makes it fire; each must leave its rule id in the notes.
RULE_SCENARIOS = {
    "pregnancy-no-lying-on-back": _with(pregnant=True, pregnancy_weeks=20, prefers_in_bed=True),
    "hip-replacement-precautions": _with(conditions=("hip_replacement",)),
    "knee-no-deep-bending": _with(conditions=("knee_pain",), muscles=("quadriceps",)),
    "balance-seated-or-in-bed": _with(conditions=("balance_problems",)),
    "limited-mobility-in-bed": _with(conditions=("limited_mobility",)),
    "prefers-in-bed": _with(prefers_in_bed=True),
    "gentler-hip-stretch": TYPICAL,
    # At the top level the wall calf stretch's harder variant is the step stretch.
    "no-step-stretch-at-bedtime": TYPICAL,
}
# Rules whose scenario needs a level other than the first.
RULE_LEVELS = {"no-step-stretch-at-bedtime": MAX_LEVEL}


def test_it_has_a_scenario_for_every_rule() -> None:
    assert set(RULE_SCENARIOS) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", sorted(RULE_SCENARIOS))
def test_it_records_which_rule_removed_what(catalogue: Catalogue, rule_id: str) -> None:
    plan = generate_plan(
        RULE_SCENARIOS[rule_id], catalogue, level=RULE_LEVELS.get(rule_id, 1), progression=True
    )

    notes = [note for note in plan.notes if note.rule == rule_id]
    assert notes
    rule = next(rule for rule in RULES if rule.id == rule_id)
    for note in notes:
        assert note.why == rule.why
        assert note.shown_why.references
        assert note.exercise_id not in {item.exercise_id for item in plan.items}
    assert_plan_is_safe(plan, catalogue)


def test_it_leaves_out_lying_on_the_back_after_the_first_trimester(catalogue: Catalogue) -> None:
    profile = SECOND_TRIMESTER.model_copy(update={"prefers_in_bed": True})

    plan = generate_plan(profile, catalogue, progression=True)

    assert _bedtime(plan)["hamstring"] == "hamstring-stretch-side-lying"
    assert _bedtime(plan)["hip"] == "figure-four-seated"
    assert all(catalogue[item.exercise_id].lying_on != "back" for item in plan.items)
    assert _noted(plan, "pregnancy-no-lying-on-back", "hamstring-stretch-supine")


@pytest.mark.parametrize(("weeks", "allowed"), [(10, True), (12, True), (13, False), (None, False)])
def test_it_allows_lying_on_the_back_only_in_the_first_trimester(
    catalogue: Catalogue, weeks: int | None, allowed: bool
) -> None:
    profile = _with(pregnant=True, pregnancy_weeks=weeks, prefers_in_bed=True)

    plan = generate_plan(profile, catalogue, progression=True)

    assert (_bedtime(plan)["hamstring"] == "hamstring-stretch-supine") is allowed


def test_it_leaves_a_slot_empty_rather_than_lie_on_the_back(catalogue: Catalogue) -> None:
    # If every option for a slot lies on the back, the slot goes, with a note.
    on_back = changed(catalogue, "clamshell", lying_on="back")

    plan = generate_plan(SECOND_TRIMESTER, on_back, progression=True)

    assert plan.item("glutes") is None
    assert _noted(plan, "pregnancy-no-lying-on-back", "clamshell")
    assert _noted(plan, "pregnancy-no-lying-on-back", "glute-bridge")
    assert all(note.action == "left_out" for note in plan.notes if note.exercise_id == "clamshell")


def test_it_leaves_out_hip_turning_stretches_after_a_hip_replacement_until_cleared(
    catalogue: Catalogue,
) -> None:
    # Both figure-4s cross the legs and turn the hip: the library says either needs the surgeon's
    # clearance, so neither is offered without it (no plan contradicts its own caution).
    plan = generate_plan(_with(conditions=("hip_replacement",)), catalogue, progression=True)

    assert "hip" not in _bedtime(plan)
    assert _noted(plan, "hip-replacement-precautions", "pigeon-pose")
    assert _noted(plan, "hip-replacement-precautions", "figure-four-supine")
    assert _noted(plan, "hip-replacement-precautions", "figure-four-seated")
    assert {"calf", "hamstring", "glutes"} <= set(_bedtime(plan))


def test_it_carries_the_librarys_hip_advice_with_a_cleared_figure_4(catalogue: Catalogue) -> None:
    profile = _with(
        conditions=("hip_replacement",), cleared_for_hip_rotation=True, prefers_in_bed=True
    )

    plan = generate_plan(profile, catalogue, progression=True)

    assert _bedtime(plan)["hip"] == "figure-four-supine"
    # The library's advice on changing it goes with it.
    hip = plan.item("hip")
    assert hip is not None
    assert [caution.condition for caution in hip.cautions] == ["hip_replacement"]


def test_it_allows_the_lying_figure_4_once_the_surgeon_has_cleared_it(
    catalogue: Catalogue,
) -> None:
    profile = _with(conditions=("hip_replacement",), cleared_for_hip_rotation=True)

    plan = generate_plan(profile, catalogue, progression=True)

    assert _bedtime(plan)["hip"] == "figure-four-supine"
    assert not _noted(plan, "hip-replacement-precautions", "figure-four-supine")


def test_it_never_gives_pigeon_pose_after_a_hip_replacement(catalogue: Catalogue) -> None:
    # Young and active would otherwise get pigeon pose; clearance covers the figure-4 only.
    profile = PlanProfile(
        age=35,
        exercise_level="intense",
        conditions=("hip_replacement",),
        cleared_for_hip_rotation=True,
    )

    plan = generate_plan(profile, catalogue, progression=True)

    assert _bedtime(plan)["hip"] == "figure-four-supine"
    assert _noted(plan, "hip-replacement-precautions", "pigeon-pose")


@pytest.mark.parametrize("condition", ["balance_problems", "limited_mobility"])
def test_it_makes_the_bedtime_routine_seated_or_in_bed(
    catalogue: Catalogue, condition: str
) -> None:
    plan = generate_plan(_with(conditions=(condition,)), catalogue, progression=True)

    assert all(bed_friendly(catalogue[item.exercise_id]) for item in plan.block(Block.BEDTIME))
    assert _bedtime(plan)["calf"] == "calf-stretch-towel-bed"
    assert "heel-raises" not in _bedtime(plan)  # heel raises are daytime work
    rule = (
        "balance-seated-or-in-bed" if condition == "balance_problems" else "limited-mobility-in-bed"
    )
    assert _noted(plan, rule, "calf-stretch-wall")
    assert _noted(plan, rule, "soleus-stretch-wall")


def test_it_keeps_supported_standing_work_outside_bedtime_with_its_advice(
    catalogue: Catalogue,
) -> None:
    profile = _with(conditions=("balance_problems",), cramp_times=("during_exercise",))

    plan = generate_plan(profile, catalogue, progression=True)

    cool_down = {item.exercise_id: item for item in plan.block(Block.EXERCISE)}
    wall = cool_down["calf-stretch-wall"]
    assert [caution.condition for caution in wall.cautions] == ["balance_problems"]


def test_it_builds_an_in_bed_routine_for_someone_who_prefers_it(catalogue: Catalogue) -> None:
    plan = generate_plan(_with(prefers_in_bed=True), catalogue, progression=True)

    assert _bedtime(plan)["calf"] == "calf-stretch-towel-bed"
    assert _bedtime(plan)["hamstring"] == "hamstring-stretch-supine"
    assert _noted(plan, "prefers-in-bed", "calf-stretch-wall")
    assert all(bed_friendly(catalogue[item.exercise_id]) for item in plan.block(Block.BEDTIME))


@pytest.mark.parametrize("condition", ["knee_pain", "knee_replacement"])
def test_it_leaves_out_deep_knee_bending(catalogue: Catalogue, condition: str) -> None:
    profile = PlanProfile.model_validate(
        {
            "age": 40,
            "exercise_level": "moderate",
            "muscles": ["quadriceps"],
            "conditions": [condition],
        }
    )

    plan = generate_plan(profile, catalogue, progression=True)

    # Heel-to-buttock stretches give way to a hip flexor stretch; pigeon to the figure-4.
    assert _bedtime(plan)["quadriceps"] == "hip-flexor-stretch-standing"
    assert _bedtime(plan)["hip"] == "figure-four-supine"
    assert _noted(plan, "knee-no-deep-bending", "quad-stretch-standing")
    assert _noted(plan, "knee-no-deep-bending", "quad-stretch-side-lying")
    assert _noted(plan, "knee-no-deep-bending", "pigeon-pose")


@pytest.mark.parametrize(
    ("age", "exercise_level", "hip_stretch"),
    [
        (40, "moderate", "pigeon-pose"),
        (54, "intense", "pigeon-pose"),
        (55, "intense", "figure-four-supine"),
        (40, "light", "figure-four-supine"),
        (40, None, "figure-four-supine"),
        (None, "intense", "figure-four-supine"),
        (67, "light", "figure-four-supine"),
    ],
)
def test_it_keeps_pigeon_pose_for_the_young_and_active(
    catalogue: Catalogue, age: int | None, exercise_level: str | None, hip_stretch: str
) -> None:
    profile = PlanProfile.model_validate({"age": age, "exercise_level": exercise_level})

    plan = generate_plan(profile, catalogue, progression=True)

    assert _bedtime(plan)["hip"] == hip_stretch
    assert _noted(plan, "gentler-hip-stretch", "pigeon-pose") is (hip_stretch != "pigeon-pose")


def test_it_follows_the_librarys_avoid_marks_as_well_as_its_own_lists(
    catalogue: Catalogue,
) -> None:
    avoid = CautionInfo("avoid", Text(en="Not with a sore knee."), ("R28",))
    marked = changed(catalogue, "calf-stretch-wall", cautions={"knee_pain": avoid})

    plan = generate_plan(_with(conditions=("knee_pain",)), marked, progression=True)

    assert _bedtime(plan)["calf"] == "calf-stretch-seated"
    assert _noted(plan, "knee-no-deep-bending", "calf-stretch-wall")


def test_it_shows_modify_advice_only_to_people_it_concerns(catalogue: Catalogue) -> None:
    plain = generate_plan(TYPICAL, catalogue, progression=True)
    hip = generate_plan(_with(conditions=("hip_replacement",)), catalogue, progression=True)

    assert all(item.cautions == () for item in plain.items)
    hamstring = hip.item("hamstring")
    assert hamstring is not None
    advice = catalogue["hamstring-stretch-standing"].cautions["hip_replacement"].advice
    assert [caution.advice for caution in hamstring.cautions] == [advice]


def test_it_combines_rules_for_someone_with_several_conditions(catalogue: Catalogue) -> None:
    profile = PlanProfile(
        age=72,
        pregnant=False,
        conditions=("hip_replacement", "knee_replacement", "balance_problems"),
        muscles=("calf", "quadriceps", "foot"),
        sitting_hours_per_day=10,
        cramp_times=("night", "during_exercise"),
    )

    plan = generate_plan(profile, catalogue, progression=True)

    assert_plan_is_safe(plan, catalogue)
    assert _bedtime(plan)["calf"] == "calf-stretch-towel-reclined"
    assert _bedtime(plan)["hamstring"] == "hamstring-stretch-lying-hip-safe"
    assert plan.item("quadriceps") is not None
    assert {note.rule for note in plan.notes} >= {
        "hip-replacement-precautions",
        "knee-no-deep-bending",
        "balance-seated-or-in-bed",
    }


@pytest.mark.parametrize(
    ("conditions", "calf", "hamstring"),
    [
        # In bed (balance problems): the reclined towel stretch and the low lying strap stretch.
        (
            ("hip_replacement", "balance_problems"),
            "calf-stretch-towel-reclined",
            "hamstring-stretch-lying-hip-safe",
        ),
        # Standing is fine for the hip: the trial's wall and standing stretches stay.
        (("hip_replacement",), "calf-stretch-wall", "hamstring-stretch-standing"),
    ],
)
def test_it_picks_hip_safe_positions_after_a_hip_replacement(
    any_catalogue: Catalogue, conditions: tuple[str, ...], calf: str, hamstring: str
) -> None:
    plan = generate_plan(_with(conditions=conditions), any_catalogue)

    assert _bedtime(plan) == {"calf": calf, "hamstring": hamstring}
    assert_plan_is_safe(plan, any_catalogue)
    if "balance_problems" in conditions:
        assert _noted(plan, "hip-replacement-precautions", "calf-stretch-towel-bed")
        assert _noted(plan, "hip-replacement-precautions", "hamstring-stretch-supine")


def test_it_swaps_the_seated_hamstring_stretch_for_the_lying_hip_safe_one(
    any_catalogue: Catalogue,
) -> None:
    hip = _with(conditions=("hip_replacement",))

    options = swap_options(hip, "hamstring", any_catalogue)

    assert "hamstring-stretch-seated" not in options
    assert "hamstring-stretch-supine" not in options
    assert "hamstring-stretch-lying-hip-safe" in options
    assert "calf-stretch-towel-reclined" in swap_options(hip, "calf", any_catalogue)
    assert "calf-stretch-towel-bed" not in swap_options(hip, "calf", any_catalogue)


def test_it_keeps_a_pregnant_person_with_a_hip_replacement_off_their_back(
    any_catalogue: Catalogue,
) -> None:
    profile = _with(
        conditions=("hip_replacement",), pregnant=True, pregnancy_weeks=24, prefers_in_bed=True
    )

    plan = generate_plan(profile, any_catalogue)

    assert _bedtime(plan) == {
        "calf": "calf-stretch-towel-reclined",
        "hamstring": "hamstring-stretch-side-lying",
    }
