"""Safety properties every generated plan must have, written independently of rules.py."""

from __future__ import annotations

from crampcare.programs.catalogue import Catalogue
from crampcare.programs.plan import Plan
from crampcare.programs.rules import Block
from crampcare.programs.slots import SLOTS_BY_ID

BEDTIME_LIMIT = 10 * 60
KNEE_BENDING_A_LONG_WAY = {
    "quad-stretch-standing",
    "quad-stretch-side-lying",
    "pigeon-pose",
    "hip-flexor-stretch-half-kneeling",
    "knee-to-chest",
}


def assert_plan_is_safe(plan: Plan, catalogue: Catalogue) -> None:
    profile = plan.profile
    in_bed = (
        profile.prefers_in_bed
        or "balance_problems" in profile.conditions
        or "limited_mobility" in profile.conditions
    )
    for item in plan.items:
        exercise = catalogue[item.exercise_id]
        chosen_for = SLOTS_BY_ID[item.slot].block
        if profile.pregnant and (profile.pregnancy_weeks is None or profile.pregnancy_weeks >= 13):
            assert exercise.lying_on != "back", item
        if "hip_replacement" in profile.conditions:
            assert item.exercise_id not in {"pigeon-pose", "knee-to-chest"}, item
            # Stretches bending the hip to a right angle give way to hip-safe variants.
            assert item.exercise_id not in {
                "calf-stretch-towel-bed",
                "hamstring-stretch-seated",
                "hamstring-stretch-supine",
            }, item
            if not profile.cleared_for_hip_rotation:
                assert item.exercise_id not in {"figure-four-supine", "figure-four-seated"}, item
        if {"knee_pain", "knee_replacement"} & set(profile.conditions):
            assert item.exercise_id not in KNEE_BENDING_A_LONG_WAY, item
        if in_bed and chosen_for is Block.BEDTIME:
            lying = exercise.lying_on is not None
            assert exercise.position in ("in_bed", "seated") or lying, item
        applicable = {key for key in profile.caution_keys if key in exercise.cautions}
        assert all(exercise.cautions[key].action != "avoid" for key in applicable), item
        # Every "modify" caution that concerns the person travels with the item.
        assert {caution.condition for caution in item.cautions} == applicable, item
    core = {item.slot for item in plan.block(Block.BEDTIME) if item.role == "core"}
    assert core == {"calf", "hamstring"}, plan.items
    assert plan.bedtime_seconds <= BEDTIME_LIMIT
