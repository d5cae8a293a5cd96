"""Builders for assessment answers used across the tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crampcare.assessment.schema import SYMPTOM_IDS, AssessmentInput, validate_payload


def typical_payload(**fields: Any) -> dict[str, Any]:
    """A 67-year-old with ordinary night calf cramps, every red flag answered "no"."""
    payload: dict[str, Any] = {
        "age": 67,
        "sex": "female",
        "pregnant": False,
        "cramp_times": ["night"],
        "muscles": ["calf"],
        "sides": "alternating",
        "cramps_per_week": 2,
        "typical_severity": 6,
        "typical_duration_minutes": 2,
        "months_since_onset": 12,
        "sleep_disrupted": False,
        "medications": [],
        "started_medication_recently": False,
        "conditions": [],
        "sitting_hours_per_day": 3,
        "fluid_cups_per_day": 7,
        "exercise_level": "light",
        "exercise_in_heat": False,
        "footwear": "supportive",
        "sleeping_position": "side",
        "symptoms": dict.fromkeys(SYMPTOM_IDS, False),
    }
    payload.update(fields)
    return payload


def answers(
    *yes: str,
    unanswered: Iterable[str] = (),
    missing: Iterable[str] = (),
    **fields: Any,
) -> AssessmentInput:
    """Typical answers with red flags changed and ``fields`` replaced.

    ``yes``: answered true; ``unanswered``: sent as null; ``missing``: left out of the payload.
    """
    payload = typical_payload(**fields)
    symptoms = {**payload["symptoms"], **dict.fromkeys(yes, True)}
    symptoms.update(dict.fromkeys(unanswered, None))
    for symptom_id in missing:
        symptoms.pop(symptom_id, None)
    payload["symptoms"] = symptoms
    return validate_payload(payload)
