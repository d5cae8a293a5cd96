"""A few whole-person vignettes for the interface tests (the triage itself is tested in
test_vignettes.py); each exercises a different part of the output."""

from __future__ import annotations

from typing import Any

from crampcare.assessment.schema import SYMPTOM_IDS
from crampcare.assessment.tests.builders import typical_payload


def _with_symptoms(**changes: bool | None) -> dict[str, bool | None]:
    return {**dict.fromkeys(SYMPTOM_IDS, False), **changes}


VIGNETTES: dict[str, tuple[dict[str, Any], str]] = {
    "emergency: swollen calf and breathless": (
        typical_payload(
            symptoms=_with_symptoms(calf_swelling_one_side=True, breathless_or_chest_pain=True)
        ),
        "emergency",
    ),
    "urgent: pain at rest, on a statin": (
        typical_payload(
            medications=["Lipitor 20 mg", "Metformin"],
            symptoms=_with_symptoms(leg_pain_at_rest=True),
        ),
        "urgent",
    ),
    "see a doctor, one flag not sure": (
        typical_payload(
            cramps_per_week=4, sleep_disrupted=True, symptoms=_with_symptoms(muscle_wasting=None)
        ),
        "see_doctor",
    ),
    "incomplete: no red flag answered": (
        {"age": 58, "sex": "male", "cramp_times": ["night"], "muscles": ["calf"]},
        "self_care",
    ),
    "self care: ordinary night cramps": (typical_payload(), "self_care"),
    "self care: sleeps on the front": (typical_payload(sleeping_position="front"), "self_care"),
    "pregnancy with bleeding": (
        typical_payload(
            age=31,
            pregnant=True,
            pregnancy_weeks=30,
            symptoms=_with_symptoms(pregnancy_bleeding_or_fluid_leak=True),
        ),
        "urgent",
    ),
}
