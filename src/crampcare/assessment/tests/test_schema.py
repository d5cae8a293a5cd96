"""Input validation: every bad field is named, all at once; nothing is silently coerced."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from crampcare.assessment.schema import (
    FIELD_KINDS,
    SYMPTOM_IDS,
    AssessmentInput,
    TriageLevel,
    field_errors,
    validate_payload,
)
from crampcare.assessment.tests.builders import typical_payload


def errors_for(payload: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        validate_payload(payload)
    return field_errors(caught.value)


def test_it_accepts_an_empty_payload_with_everything_unanswered() -> None:
    data = validate_payload({})

    assert data.age is None
    assert data.symptoms == {}
    assert data.medications == []


def test_it_accepts_a_full_payload() -> None:
    data = validate_payload(typical_payload())

    assert data.age == 67
    assert set(data.symptoms) == set(SYMPTOM_IDS)


def test_it_names_each_bad_field_in_one_error() -> None:
    payload = typical_payload(
        age=12,
        sex="robot",
        cramp_times=["night", "lunchtime"],
        typical_severity=11,
        cramps_per_week=-1,
        footwear="clogs",
        conditions=["diabetes", "gout"],
        favourite_colour="blue",
    )
    payload["symptoms"] = {"calf_red_warm": True, "sore_toe": True, "weakness": "yes"}

    errors = errors_for(payload)

    assert set(errors) == {
        "age",
        "sex",
        "cramp_times.1",
        "typical_severity",
        "cramps_per_week",
        "footwear",
        "conditions.1",
        "favourite_colour",
        "symptoms.sore_toe",
        "symptoms.weakness",
    }
    assert errors["symptoms.sore_toe"] == [
        "Unknown symptom id (the ids are listed in docs/assessment.md)"
    ]
    assert errors["favourite_colour"] == ["Extra inputs are not permitted"]


@pytest.mark.parametrize(("age", "valid"), [(17, False), (18, True), (120, True), (121, False)])
def test_it_keeps_age_between_18_and_120(age: int, valid: bool) -> None:
    if valid:
        assert validate_payload({"age": age}).age == age
    else:
        assert "age" in errors_for({"age": age})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", "45"),
        ("age", 45.5),
        ("age", True),
        ("pregnant", "yes"),
        ("pregnant", 1),
        ("sleep_disrupted", "false"),
        ("cramps_per_week", "3"),
        ("muscles", "calf"),
        ("symptoms", ["dark_urine"]),
        ("medications", "Lipitor"),
    ],
)
def test_it_does_not_coerce_values_of_the_wrong_type(field: str, value: Any) -> None:
    assert field in errors_for({field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("typical_severity", 10.5),
        ("typical_duration_minutes", -0.5),
        ("months_since_onset", -1),
        ("sitting_hours_per_day", 25),
        ("fluid_cups_per_day", -2),
        ("pregnancy_weeks", 50),
        ("cramps_per_week", float("nan")),
        ("cramps_per_week", float("inf")),
    ],
)
def test_it_rejects_out_of_range_numbers(field: str, value: float) -> None:
    assert field in errors_for({field: value})


@pytest.mark.parametrize("position", ["back", "side", "front", "varies", None])
def test_it_accepts_each_sleeping_position_or_null(position: str | None) -> None:
    assert validate_payload({"sleeping_position": position}).sleeping_position == position


def test_it_leaves_a_missing_sleeping_position_unanswered() -> None:
    assert validate_payload({}).sleeping_position is None


@pytest.mark.parametrize("position", ["stomach", "Front", "", 1, True, ["front"]])
def test_it_rejects_a_sleeping_position_it_does_not_know(position: Any) -> None:
    assert "sleeping_position" in errors_for({"sleeping_position": position})


def test_it_allows_null_for_an_unanswered_red_flag() -> None:
    data = validate_payload({"symptoms": {"dark_urine": None}})

    assert data.symptom("dark_urine") is None
    assert data.symptom("coughing_blood") is None


def test_it_rejects_pregnancy_weeks_when_not_pregnant() -> None:
    errors = errors_for({"pregnant": False, "pregnancy_weeks": 20})

    assert errors == {"pregnancy_weeks": ["pregnancy weeks are given but pregnant is false"]}


def test_it_trims_medicine_names_and_rejects_blank_ones() -> None:
    assert validate_payload({"medications": ["  Lipitor "]}).medications == ["Lipitor"]
    assert "medications.1" in errors_for({"medications": ["Lipitor", "   "]})


def test_it_describes_every_plain_field_for_the_rule_language() -> None:
    list_fields = {"medications", "conditions", "symptoms"}
    assert set(FIELD_KINDS) == set(AssessmentInput.model_fields) - list_fields


def test_it_orders_the_levels_from_self_care_to_emergency() -> None:
    ranked = sorted(TriageLevel, key=lambda level: level.rank)

    assert [level.value for level in ranked] == [
        "self_care",
        "see_doctor",
        "urgent",
        "emergency",
    ]
