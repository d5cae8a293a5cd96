"""Plans whose cited lines were recorded from the code that kept them as Python literals
(golden/plan_english.json), to prove that rendering them from ids says the same words."""

from __future__ import annotations

from typing import Any

from crampcare.programs.profile import PlanProfile
from crampcare.programs.tests.people import TYPICAL

PLAN_CASES: dict[str, tuple[PlanProfile, dict[str, Any]]] = {
    "typical": (TYPICAL, {}),
    "typical-progression-level-4": (TYPICAL, {"progression": True, "level": 4}),
    "pregnant": (
        PlanProfile(age=31, pregnant=True, pregnancy_weeks=30, muscles=("calf", "foot")),
        {"progression": True},
    ),
    "hip-replacement": (
        PlanProfile(age=72, conditions=("hip_replacement",), muscles=("calf", "hamstring")),
        {"progression": True, "level": 3},
    ),
    "knee-and-balance": (
        PlanProfile(age=80, conditions=("knee_pain", "balance_problems"), muscles=("quadriceps",)),
        {"progression": True},
    ),
    "limited-mobility": (
        PlanProfile(age=58, conditions=("limited_mobility",), sitting_hours_per_day=10),
        {},
    ),
    "in-bed": (PlanProfile(age=45, prefers_in_bed=True), {"progression": True}),
    "athlete": (
        PlanProfile(
            age=24,
            cramp_times=("during_exercise", "after_exercise"),
            muscles=("calf", "quadriceps", "foot"),
            exercise_level="intense",
            sitting_hours_per_day=9,
        ),
        {"progression": True, "level": 5},
    ),
    "knee-replacement-many-extras": (
        PlanProfile(
            age=66,
            conditions=("knee_replacement",),
            muscles=("calf", "quadriceps", "foot", "hamstring"),
            exercise_level="moderate",
        ),
        {"progression": True, "level": 6},
    ),
}
