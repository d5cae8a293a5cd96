"""Helpers that drive the questionnaire pages through Django's test client."""

from __future__ import annotations

from typing import Any

from django.test import Client

from crampcare.assessment.questionnaire import STEPS

# What a person might send from each page, as form fields.
TYPICAL_PAGES: dict[str, dict[str, Any]] = {
    "about-you": {"age": "67", "sex": "female", "pregnant": "no"},
    "your-cramps": {
        "cramp_times": ["night"],
        "muscles": ["calf"],
        "sides": "alternating",
        "cramps_per_week": "2",
        "typical_severity": "6",
        "typical_duration_minutes": "2",
        "months_since_onset": "12",
        "sleep_disrupted": "no",
    },
    "medicines": {"medications": "", "started_medication_recently": "no"},
    "health": {},
    "daily-life": {
        "sitting_hours_per_day": "3",
        "fluid_cups_per_day": "7",
        "exercise_level": "light",
        "exercise_in_heat": "no",
        "footwear": "supportive",
        "sleeping_position": "side",
    },
}


def all_no(step_slug: str, **answers: str) -> dict[str, str]:
    step = next(step for step in STEPS if step.slug == step_slug)
    return {**dict.fromkeys(step.flag_ids, "no"), **answers}


def complete(client: Client, **overrides: dict[str, Any]) -> Any:
    """Answer every page (typical answers, every warning sign "no") and return the last response."""
    response = None
    for step in STEPS:
        data = TYPICAL_PAGES.get(step.slug) or (all_no(step.slug) if step.asks_red_flags else {})
        data = {**data, **overrides.get(step.slug, {})}
        response = client.post(f"/assessment/step/{step.slug}/", data)
        assert response.status_code == 302, (step.slug, response.content.decode()[:2000])
    return response
