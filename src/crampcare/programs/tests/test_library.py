"""Plans against the real exercise library (skipped only while its file does not exist)."""

import pytest
from hypothesis import given, settings

from crampcare.knowledge.base import read_yaml
from crampcare.knowledge.exercise_schema import load_exercises
from crampcare.programs.catalogue import default_catalogue
from crampcare.programs.dose import BEDTIME_LIMIT_SECONDS, Dose
from crampcare.programs.plan import generate_plan
from crampcare.programs.profile import PlanProfile
from crampcare.programs.reasons import plan_reasons, render_why
from crampcare.programs.rules import (
    DEEP_HIP_FLEXION,
    DEEP_KNEE_BENDING,
    FIGURE_FOUR_LYING,
    PIGEON_POSE,
    RULES,
)
from crampcare.programs.slots import SLOTS, every_exercise_id
from crampcare.programs.tests.catalogue_data import LIBRARY_FILE
from crampcare.programs.tests.checks import assert_plan_is_safe
from crampcare.programs.tests.strategies import levels, profiles

pytestmark = pytest.mark.skipif(
    not LIBRARY_FILE.exists(), reason="the exercise library (content/exercises/) is not written yet"
)


def test_it_finds_every_exercise_the_rules_use_in_the_library() -> None:
    used = every_exercise_id() | DEEP_HIP_FLEXION | DEEP_KNEE_BENDING
    used |= {FIGURE_FOUR_LYING, PIGEON_POSE}

    assert sorted(used - set(default_catalogue())) == []


def test_it_times_a_dose_exactly_as_the_library_does() -> None:
    for exercise in load_exercises().values():
        dose = Dose(
            hold_seconds=exercise.hold_seconds,
            reps=exercise.reps,
            sets=exercise.sets,
            rest_seconds=exercise.rest_seconds,
            per_side=exercise.per_side,
        )
        assert dose.seconds == exercise.estimated_seconds, exercise.id


def test_it_cites_only_references_that_exist() -> None:
    known = {entry["id"] for entry in read_yaml("references.yaml")["references"]}
    cited = {ref for reason in plan_reasons().values() for ref in reason.references}
    cited |= {ref for rule in RULES for ref in render_why(rule.why).references}
    cited |= {ref for slot in SLOTS for ref in render_why(slot.why).references}

    assert cited
    assert sorted(cited - known) == []


@settings(max_examples=300, deadline=None)
@given(profile=profiles, level_number=levels)
def test_it_builds_safe_plans_within_10_minutes_from_the_real_library(
    profile: PlanProfile, level_number: int
) -> None:
    catalogue = default_catalogue()

    plan = generate_plan(profile, catalogue, level=level_number)

    assert plan.bedtime_seconds <= BEDTIME_LIMIT_SECONDS
    assert_plan_is_safe(plan, catalogue)


def test_it_shares_one_read_only_catalogue() -> None:
    catalogue = default_catalogue()

    assert default_catalogue() is catalogue
    with pytest.raises(TypeError):
        catalogue["new-exercise"] = catalogue["calf-stretch-wall"]  # type: ignore[index]
