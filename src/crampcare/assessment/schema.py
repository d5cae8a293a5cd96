"""The stable JSON interface of the assessment: what goes in and what comes out.

Field names, choices and ranges are the public contract documented in docs/assessment.md; the
page, the API and the CLI all validate through :func:`validate_payload`. The model is strict: a
string is not silently turned into a number, and an unknown field is an error rather than ignored,
because a mistyped red-flag answer that vanished quietly could hide an emergency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from crampcare.vocabulary import ConditionId, CrampTime, ExerciseLevel
from crampcare.vocabulary import CrampArea as Muscle

Sex = Literal["female", "male", "other"]
Side = Literal["left", "right", "both", "alternating"]
Footwear = Literal["supportive", "unsupportive", "high_heels", "barefoot"]
SleepingPosition = Literal["back", "side", "front", "varies"]


# Every red-flag question, in the order they are asked; red_flags.yaml holds the wording and must
# list exactly these ids in this order (checked when the content loads). Kept as a Literal so
# OpenAPI and type checkers see them.
SymptomId = Literal[
    "calf_swelling_one_side",
    "calf_red_warm",
    "recent_clot_risk",
    "breathless_or_chest_pain",
    "coughing_blood",
    "dark_urine",
    "extreme_muscle_pain_or_weakness",
    "dirty_wound_or_toxin",
    "leg_cold_pale_numb",
    "saddle_numbness_or_bladder_bowel",
    "injury_at_onset",
    "fever_spreading_redness",
    "confusion_drowsiness_or_fit",
    "cramp_over_10_min_despite_stretching",
    "weakness",
    "numbness_or_tingling",
    "twitching",
    "trunk_or_arm_cramps",
    "heavy_fluid_loss",
    "muscle_wasting",
    "calf_pain_walking_eases_with_rest",
    "leg_pain_at_rest",
    "both_legs_swollen",
    "daytime_or_widespread_cramps",
    "urge_to_move_relieved_by_moving",
    "pregnancy_bleeding_or_fluid_leak",
    "pregnancy_contractions_or_dizziness",
    "pregnancy_headache_or_vision",
    "pregnancy_sudden_swelling",
]

SYMPTOM_IDS: tuple[str, ...] = get_args(SymptomId)
CONDITION_IDS: tuple[str, ...] = get_args(ConditionId)

MedicationName = Annotated[str, Field(min_length=1, max_length=100)]


class TriageLevel(StrEnum):
    """Urgency, from most to least urgent. ``rank`` orders them (higher is more urgent)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SEE_DOCTOR = "see_doctor"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {
    TriageLevel.SELF_CARE: 0,
    TriageLevel.SEE_DOCTOR: 1,
    TriageLevel.URGENT: 2,
    TriageLevel.EMERGENCY: 3,
}


class AssessmentInput(BaseModel):
    """One person's answers. Every field is optional; a missing answer is never read as "no"."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        str_strip_whitespace=True,
    )

    age: int | None = Field(default=None, ge=18, le=120)
    sex: Sex | None = None
    pregnant: bool | None = None
    pregnancy_weeks: int | None = Field(default=None, ge=0, le=45)
    cramp_times: list[CrampTime] = Field(default_factory=list, max_length=4)
    muscles: list[Muscle] = Field(default_factory=list, max_length=5)
    sides: Side | None = None
    cramps_per_week: float | None = Field(default=None, ge=0, le=500)
    typical_severity: float | None = Field(default=None, ge=0, le=10)
    typical_duration_minutes: float | None = Field(default=None, ge=0, le=1440)
    months_since_onset: float | None = Field(default=None, ge=0, le=1200)
    sleep_disrupted: bool | None = None
    medications: list[MedicationName] = Field(default_factory=list, max_length=50)
    started_medication_recently: bool | None = None
    conditions: list[ConditionId] = Field(default_factory=list, max_length=12)
    sitting_hours_per_day: float | None = Field(default=None, ge=0, le=24)
    fluid_cups_per_day: float | None = Field(default=None, ge=0, le=100)
    exercise_level: ExerciseLevel | None = None
    exercise_in_heat: bool | None = None
    footwear: Footwear | None = None
    sleeping_position: SleepingPosition | None = None
    symptoms: dict[SymptomId, bool | None] = Field(default_factory=dict)

    @field_validator("pregnancy_weeks")
    @classmethod
    def _weeks_need_pregnancy(cls, value: int | None, info: ValidationInfo) -> int | None:
        # Weeks with "not pregnant" is a contradiction we cannot resolve safely either way.
        if value is not None and info.data.get("pregnant") is False:
            raise ValueError(_("pregnancy weeks are given but pregnant is false"))
        return value

    def symptom(self, symptom_id: str) -> bool | None:
        """The answer to one red-flag question: True, False, or None when not answered."""
        return self.symptoms.get(symptom_id)  # type: ignore[call-overload]


# How each plain field may be tested by a rule condition (see logic.FieldTest).
FieldKind = Literal["bool", "number", "choice", "choices"]
FIELD_KINDS: dict[str, FieldKind] = {
    "age": "number",
    "sex": "choice",
    "pregnant": "bool",
    "pregnancy_weeks": "number",
    "cramp_times": "choices",
    "muscles": "choices",
    "sides": "choice",
    "cramps_per_week": "number",
    "typical_severity": "number",
    "typical_duration_minutes": "number",
    "months_since_onset": "number",
    "sleep_disrupted": "bool",
    "started_medication_recently": "bool",
    "sitting_hours_per_day": "number",
    "fluid_cups_per_day": "number",
    "exercise_level": "choice",
    "exercise_in_heat": "bool",
    "footwear": "choice",
    "sleeping_position": "choice",
}
FIELD_CHOICES: dict[str, tuple[str, ...]] = {
    "sex": get_args(Sex),
    "cramp_times": get_args(CrampTime),
    "muscles": get_args(Muscle),
    "sides": get_args(Side),
    "exercise_level": get_args(ExerciseLevel),
    "footwear": get_args(Footwear),
    "sleeping_position": get_args(SleepingPosition),
}

# An answer quoted back in ``fired_by``: a symptom or field value, or the matching list items.
Answer = bool | int | float | str | list[str]


class Reason(BaseModel):
    """One triage rule that fired, and the answers that made it fire."""

    model_config = ConfigDict(frozen=True)

    rule: str
    level: TriageLevel
    message: str
    action: str
    references: list[str]
    fired_by: dict[str, Answer]


class Contributor(BaseModel):
    """One factor in the risk profile; ``modifiable``: something you can change yourself."""

    model_config = ConfigDict(frozen=True)

    id: str
    modifiable: bool
    message: str
    action: str
    references: list[str]


# What the result says first: the triage level, except that a check with red-flag questions still
# unanswered and nothing found is "incomplete", never "self_care" (it cannot be called green).
ResultStatus = Literal["emergency", "urgent", "see_doctor", "incomplete", "self_care"]


def result_status(triage: str, incomplete: Sequence[str]) -> ResultStatus:
    """``triage``, or "incomplete" when nothing fired but red-flag questions are unanswered."""
    if triage == TriageLevel.SELF_CARE and incomplete:
        return "incomplete"
    return TriageLevel(triage).value  # type: ignore[return-value]


class AssessmentResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    triage: TriageLevel
    # Added after triage; results stored before it existed get it filled in when read.
    status: ResultStatus
    incomplete: list[SymptomId]
    reasons: list[Reason]
    contributors: list[Contributor]
    unrecognised_medications: list[str]

    @model_validator(mode="before")
    @classmethod
    def _fill_status(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "status" not in data and "triage" in data:
            return {**data, "status": result_status(data["triage"], data.get("incomplete") or [])}
        return data


def validate_payload(payload: Mapping[str, Any]) -> AssessmentInput:
    """Parse decoded JSON into answers; a ValidationError lists every bad field at once."""
    return AssessmentInput.model_validate(dict(payload))


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """Messages per field, keyed by a dotted path such as ``age`` or ``symptoms.bogus``.

    Errors that concern the whole object (a contradiction between fields) are keyed ``__all__``.
    """
    errors: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        # pydantic marks a rejected dict key with a trailing "[key]"; the key itself names it.
        bad_key = "[key]" in item["loc"]
        parts = [str(part) for part in item["loc"] if part != "[key]"]
        key = ".".join(parts) or "__all__"
        message = item["msg"].removeprefix("Value error, ")
        if bad_key and parts[:1] == ["symptoms"]:
            message = "Unknown symptom id (the ids are listed in docs/assessment.md)"
        errors.setdefault(key, []).append(message)
    return errors
