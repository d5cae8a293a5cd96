"""Who a plan is for: the assessment answers that shape a program, plus bedtime preferences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crampcare.vocabulary import ConditionId as Condition
from crampcare.vocabulary import CrampArea as MuscleArea
from crampcare.vocabulary import CrampTime, ExerciseLevel

CONDITIONS: tuple[str, ...] = get_args(Condition)
CRAMP_TIMES: tuple[str, ...] = get_args(CrampTime)
MUSCLE_AREAS: tuple[str, ...] = get_args(MuscleArea)
EXERCISE_LEVELS: tuple[str, ...] = get_args(ExerciseLevel)

# Conditions that are also caution keys on exercises (the shared vocabulary).
_CONDITION_CAUTIONS = frozenset(
    {
        "hip_replacement",
        "knee_replacement",
        "balance_problems",
        "knee_pain",
        "limited_mobility",
    }
)
PREGNANCY_CAUTION = "pregnancy_after_first_trimester"
# The first trimester is weeks 1 to 12; the pregnancy caution starts after it.
SECOND_TRIMESTER_STARTS_WEEK = 13
# Same threshold as the assessment's "sitting" risk contributor (contributors.yaml).
SITS_A_LOT_HOURS = 6.0
# Over this age, no step or stair stretches at bedtime (tired, low light: a fall risk) [R1, R41].
OLDER_ADULT_AGE = 65

_ASSESSMENT_FIELDS = (
    "age",
    "pregnant",
    "pregnancy_weeks",
    "conditions",
    "cramp_times",
    "muscles",
    "sitting_hours_per_day",
    "exercise_level",
)
_PREFERENCE_FIELDS = (
    "bedtime",
    "reminder_minutes_before",
    "prefers_in_bed",
    "cleared_for_hip_rotation",
)


class PlanProfile(BaseModel):
    """Everything plan generation looks at. Lists are kept sorted so equal profiles compare equal
    and serialise identically."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    age: int | None = Field(default=None, ge=18, le=120)
    pregnant: bool = False
    pregnancy_weeks: int | None = Field(default=None, ge=0, le=45)
    conditions: tuple[Condition, ...] = ()
    cramp_times: tuple[CrampTime, ...] = ()
    muscles: tuple[MuscleArea, ...] = ()
    sitting_hours_per_day: float | None = Field(default=None, ge=0, le=24)
    exercise_level: ExerciseLevel | None = None
    # Preferences.
    bedtime: time = time(22, 0)
    reminder_minutes_before: int = Field(default=15, ge=0, le=240)
    prefers_in_bed: bool = False
    # After a hip replacement, lying hip-rotation stretches only once the surgeon has said so.
    cleared_for_hip_rotation: bool = False

    @field_validator("conditions", "cramp_times", "muscles", mode="after")
    @classmethod
    def _sorted_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(value)))

    def has(self, condition: Condition) -> bool:
        return condition in self.conditions

    @property
    def after_first_trimester(self) -> bool:
        """Pregnant and past week 12; unknown weeks count as yes, the cautious reading."""
        if not self.pregnant:
            return False
        return self.pregnancy_weeks is None or self.pregnancy_weeks >= SECOND_TRIMESTER_STARTS_WEEK

    @property
    def caution_keys(self) -> frozenset[str]:
        """The exercise-caution keys that apply to this person."""
        keys: set[str] = {c for c in self.conditions if c in _CONDITION_CAUTIONS}
        if self.after_first_trimester:
            keys.add(PREGNANCY_CAUTION)
        return frozenset(keys)

    @property
    def older_adult(self) -> bool:
        """Over 65, or age unknown (the cautious reading)."""
        return self.age is None or self.age > OLDER_ADULT_AGE

    @property
    def sits_a_lot(self) -> bool:
        return (self.sitting_hours_per_day or 0) >= SITS_A_LOT_HOURS

    @property
    def cramps_with_exercise(self) -> bool:
        return "during_exercise" in self.cramp_times or "after_exercise" in self.cramp_times


def profile_from_assessment(
    data: Mapping[str, Any], preferences: Mapping[str, Any] | None = None
) -> PlanProfile:
    """Build a profile from assessment JSON (issue 4's input object).

    Keys the plan does not use (sex, symptoms, medications, ...) are ignored; missing or null
    answers take the profile's defaults. Preferences may come in ``data`` or, taking precedence,
    in ``preferences``. Raises pydantic's ``ValidationError`` on out-of-range values.
    """
    merged = {**data, **(preferences or {})}
    values = {
        key: merged[key]
        for key in (*_ASSESSMENT_FIELDS, *_PREFERENCE_FIELDS)
        if merged.get(key) is not None
    }
    return PlanProfile.model_validate(values)
