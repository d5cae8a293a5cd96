"""The rule condition language: three-valued logic, evidence, and checks on rule authors."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from crampcare.assessment.logic import (
    Condition,
    Facts,
    evaluate_condition,
    negated_symptoms,
    symptoms_in,
)
from crampcare.assessment.schema import validate_payload

CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


def outcome(condition: dict[str, Any], payload: dict[str, Any]) -> tuple[bool | None, dict]:
    result = evaluate_condition(
        CONDITION.validate_python(condition), Facts(validate_payload(payload))
    )
    return result.truth, dict(result.evidence)


def symptoms(**answers: bool | None) -> dict[str, Any]:
    return {"symptoms": answers}


A = {"symptom": "dark_urine"}
B = {"symptom": "coughing_blood"}


@pytest.mark.parametrize(
    ("a", "b", "all_of", "any_of"),
    [
        (True, True, True, True),
        (True, False, False, True),
        (False, False, False, False),
        (True, None, None, True),
        (False, None, False, None),
        (None, None, None, None),
    ],
)
def test_it_combines_answers_with_three_valued_logic(
    a: bool | None, b: bool | None, all_of: bool | None, any_of: bool | None
) -> None:
    payload = symptoms(dark_urine=a, coughing_blood=b)

    assert outcome({"all": [A, B]}, payload)[0] is all_of
    assert outcome({"all": [B, A]}, payload)[0] is all_of
    assert outcome({"any": [A, B]}, payload)[0] is any_of
    assert outcome({"any": [B, A]}, payload)[0] is any_of


@pytest.mark.parametrize(("answer", "negated"), [(True, False), (False, True), (None, None)])
def test_it_keeps_unknown_unknown_under_not(answer: bool | None, negated: bool | None) -> None:
    assert outcome({"not": A}, symptoms(dark_urine=answer))[0] is negated


def test_it_treats_a_missing_answer_as_unknown_not_as_no() -> None:
    assert outcome(A, {})[0] is None
    assert outcome({"field": "pregnant", "eq": False}, {})[0] is None
    assert outcome({"field": "cramps_per_week", "lt": 3}, {})[0] is None


def test_it_reports_every_answer_that_made_an_any_true() -> None:
    truth, evidence = outcome(
        {"any": [A, B, {"symptom": "twitching"}]},
        symptoms(dark_urine=True, coughing_blood=True, twitching=False),
    )

    assert truth is True
    assert evidence == {"symptoms.coughing_blood": True, "symptoms.dark_urine": True}


def test_it_reports_the_matching_items_of_a_list_answer() -> None:
    truth, evidence = outcome(
        {"field": "muscles", "contains_any": ["hamstring", "quadriceps"]},
        {"muscles": ["quadriceps", "calf", "hamstring"]},
    )

    assert truth is True
    assert evidence == {"muscles": ["hamstring", "quadriceps"]}


@pytest.mark.parametrize(
    ("condition", "payload", "expected"),
    [
        ({"field": "cramps_per_week", "gte": 3}, {"cramps_per_week": 3}, True),
        ({"field": "cramps_per_week", "gt": 3}, {"cramps_per_week": 3}, False),
        ({"field": "age", "lte": 50}, {"age": 50}, True),
        ({"field": "age", "lt": 50}, {"age": 50}, False),
        ({"field": "age", "eq": 50}, {"age": 50}, True),
        ({"field": "footwear", "in": ["barefoot", "high_heels"]}, {"footwear": "barefoot"}, True),
        ({"field": "sex", "eq": "male"}, {"sex": "female"}, False),
        ({"field": "pregnant", "eq": True}, {"pregnant": True}, True),
        ({"field": "cramp_times", "contains": "day"}, {"cramp_times": ["night"]}, False),
        ({"field": "cramp_times", "contains": "day"}, {}, False),
    ],
)
def test_it_compares_plain_answers(
    condition: dict[str, Any], payload: dict[str, Any], expected: bool
) -> None:
    assert outcome(condition, payload)[0] is expected


def test_it_matches_medicine_classes_and_conditions() -> None:
    facts = Facts(
        validate_payload({"medications": ["Lipitor"], "conditions": ["diabetes"]}),
        medication_classes={"statin": ("Lipitor",)},
    )
    statin = evaluate_condition(CONDITION.validate_python({"medication_class": "statin"}), facts)
    laba = evaluate_condition(CONDITION.validate_python({"medication_class": "laba"}), facts)
    diabetes = evaluate_condition(CONDITION.validate_python({"condition": "diabetes"}), facts)

    assert (statin.truth, dict(statin.evidence)) == (True, {"medications": ["Lipitor"]})
    assert laba.truth is False
    assert (diabetes.truth, dict(diabetes.evidence)) == (True, {"conditions": ["diabetes"]})


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "age", "eq": "old"}, "is a number"),
        ({"field": "pregnant", "eq": "yes"}, "is yes/no"),
        ({"field": "sex", "eq": "robot"}, "are not choices of 'sex'"),
        ({"field": "muscles", "contains": "neck"}, "are not choices of 'muscles'"),
        ({"field": "age", "contains": "x"}, "does not apply to 'age'"),
        ({"field": "age", "gte": 3, "lte": 9}, "exactly one operator"),
        ({"field": "shoe_size", "eq": 9}, "unknown answer field"),
        ({"symptom": "sore_toe"}, "Input should be"),
        ({"condition": "gout"}, "Input should be"),
        ({"all": []}, "at least 1 item"),
        ({"symptom": "dark_urine", "extra": 1}, "Extra inputs are not permitted"),
        ({"sometimes": "dark_urine"}, "Unable to extract tag"),
    ],
)
def test_it_rejects_a_badly_written_condition(condition: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CONDITION.validate_python(condition)


def test_it_finds_symptoms_under_not() -> None:
    condition = CONDITION.validate_python({"all": [A, {"not": {"any": [B]}}, {"not": {"not": A}}]})

    assert symptoms_in(condition) == {"dark_urine", "coughing_blood"}
    assert negated_symptoms(condition) == {"coughing_blood"}
