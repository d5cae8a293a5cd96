"""The person's plan profile from their answers: the assessment when there is one, otherwise the
short "about you" form, with their preferences (bedtime, in bed, ...) on top."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from crampcare.assessment.services import latest_for
from crampcare.programs.profile import PlanProfile, profile_from_assessment

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser
    from crampcare.programs.models import Program

# "About you" answers that stand in for an assessment when there is none.
ABOUT_YOU_FIELDS = ("age", "pregnant", "pregnancy_weeks", "conditions")
PREFERENCE_FIELDS = (
    "bedtime",
    "reminder_minutes_before",
    "prefers_in_bed",
    "cleared_for_hip_rotation",
)


def latest_answers(user: AnyUser) -> Mapping[str, Any] | None:
    """The answers of the person's latest finished assessment, if they have one."""
    assessment = latest_for(user, user)
    return None if assessment is None else assessment.answers


def build_profile(user: AnyUser, preferences: Mapping[str, Any]) -> PlanProfile:
    """The plan profile: assessment answers when there are any (they are the fuller, validated
    account of the person's health), else the short "about you" answers; preferences on top."""
    answers = latest_answers(user)
    chosen = {key: preferences[key] for key in PREFERENCE_FIELDS if key in preferences}
    if answers is None:
        data: Mapping[str, Any] = {k: preferences[k] for k in ABOUT_YOU_FIELDS if k in preferences}
    else:
        data = answers
    try:
        return profile_from_assessment(data, chosen)
    except PydanticValidationError as error:
        raise ValidationError(
            {
                ".".join(str(part) for part in problem["loc"]) or "preferences": problem["msg"]
                for problem in error.errors()
            }
        ) from None


def clean_preferences(preferences: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe copy of the known keys (times as "HH:MM")."""
    known = (*ABOUT_YOU_FIELDS, *PREFERENCE_FIELDS)
    unknown = sorted(set(preferences) - set(known))
    if unknown:
        raise ValidationError(
            {key: _("This is not something the plan asks about.") for key in unknown}
        )
    return {
        key: value.strftime("%H:%M") if isinstance(value, time) else value
        for key, value in preferences.items()
        if value is not None
    }


def profile_is_stale(user: AnyUser, program: Program) -> bool:
    """Whether the person's latest answers would now give a different profile than the one the
    plan was built from (say, a new pregnancy or an operation), so the plan should be rebuilt."""
    try:
        fresh = build_profile(user, program.preferences)
    except ValidationError:
        return False
    return fresh.model_dump(mode="json") != program.profile
