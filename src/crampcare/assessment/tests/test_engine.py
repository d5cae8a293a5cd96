"""The entry point: output shape, the answers behind each reason, and docs/assessment.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from crampcare.assessment.clinical import MEDICINE_CLASS_IDS, load_clinical
from crampcare.assessment.engine import evaluate, evaluate_payload
from crampcare.assessment.schema import (
    CONDITION_IDS,
    SYMPTOM_IDS,
    AssessmentInput,
    TriageLevel,
    field_errors,
)
from crampcare.assessment.tests.builders import answers, typical_payload

DOCS = Path(__file__).resolve().parents[4] / "docs" / "assessment.md"


def test_it_returns_exactly_the_documented_output_fields() -> None:
    output = evaluate(answers()).model_dump(mode="json")

    assert list(output) == [
        "triage",
        "status",
        "incomplete",
        "reasons",
        "contributors",
        "unrecognised_medications",
    ]


def test_it_quotes_the_answers_that_fired_each_rule() -> None:
    result = evaluate(
        answers(
            "calf_swelling_one_side",
            "breathless_or_chest_pain",
            muscles=["calf", "quadriceps", "other"],
            medications=["Qualaquin", "quinine 200 mg"],
        )
    )
    fired_by = {reason.rule: reason.fired_by for reason in result.reasons}

    assert result.triage == TriageLevel.EMERGENCY
    assert fired_by["possible_clot_in_lung"] == {
        "symptoms.breathless_or_chest_pain": True,
        "symptoms.calf_swelling_one_side": True,
    }
    assert fired_by["widespread_or_unusual_cramps"] == {
        "cramp_times": ["night"],
        "muscles": ["other", "quadriceps"],
    }
    assert fired_by["taking_quinine"] == {"medications": ["Qualaquin", "quinine 200 mg"]}


def test_it_puts_the_most_urgent_reason_first() -> None:
    result = evaluate(answers("dark_urine", "both_legs_swollen", "weakness"))

    assert [reason.level for reason in result.reasons] == ["emergency", "urgent", "see_doctor"]
    assert result.reasons[0].action.startswith("Get emergency help now")


def test_it_reports_unrecognised_medicines_without_failing() -> None:
    result = evaluate(answers(medications=["Lipitor", "Metformin", "metformin", "Zzzquil"]))

    assert result.unrecognised_medications == ["Metformin", "Zzzquil"]
    assert "medicine.statin" in {item.id for item in result.contributors}


def test_it_falls_back_to_english_for_a_language_without_a_translation() -> None:
    english = evaluate(answers("dark_urine"))
    klingon = evaluate(answers("dark_urine"), language="tlh")

    assert klingon == english


def test_it_rejects_a_bad_payload_with_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        evaluate_payload({"age": 200})


def test_it_does_not_change_the_answers_it_is_given() -> None:
    data = answers("calf_red_warm", medications=["Lipitor"])
    before = data.model_dump()

    evaluate(data)

    assert data.model_dump() == before


# --- docs/assessment.md is tested against the code -------------------------------------------


def docs_text() -> str:
    return DOCS.read_text(encoding="utf-8")


def json_blocks() -> list[object]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", docs_text(), re.S)]


def test_it_produces_the_documented_example_output() -> None:
    example_input, example_output = json_blocks()[:2]

    assert isinstance(example_input, dict)
    assert evaluate_payload(example_input).model_dump(mode="json") == example_output


def test_it_documents_the_error_example_it_produces() -> None:
    documented = json_blocks()[2]
    assert isinstance(documented, dict)
    payload = typical_payload(age=12, sex="robot", cramp_times=["night", "lunchtime"])
    payload["favourite_colour"] = "blue"
    payload["symptoms"] = {"sore_toe": True}

    with pytest.raises(ValidationError) as caught:
        evaluate_payload(payload)

    assert field_errors(caught.value) == documented


def table_rows(first_column_ids: set[str], columns: int | None = None) -> list[list[str]]:
    """Rows of the docs' tables whose first cell is one of the ids (and of the given width)."""
    rows = []
    for line in docs_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        is_id_row = cells[0].startswith("`") and cells[0].strip("`") in first_column_ids
        if is_id_row and (columns is None or len(cells) == columns):
            rows.append([cell.strip("`") for cell in cells])
    return rows


def test_it_documents_every_symptom_in_question_order() -> None:
    rows = table_rows(set(SYMPTOM_IDS), columns=3)

    assert [row[0] for row in rows] == list(SYMPTOM_IDS)


def test_it_documents_every_rule_with_its_level() -> None:
    rules = {rule.id: rule.level.value for rule in load_clinical().rules}

    documented = {row[0]: row[1] for row in table_rows(set(rules), columns=4)}

    assert documented == rules


@pytest.mark.parametrize(
    "ids",
    [CONDITION_IDS, MEDICINE_CLASS_IDS, tuple(level.value for level in TriageLevel)],
    ids=["conditions", "medicine classes", "levels"],
)
def test_it_documents_every_id(ids: tuple[str, ...]) -> None:
    assert {row[0] for row in table_rows(set(ids))} == set(ids)


def test_it_documents_every_input_field() -> None:
    fields = set(AssessmentInput.model_fields)

    assert {row[0] for row in table_rows(fields)} == fields


@pytest.mark.parametrize("spanish", ["quinina", "Quinina 300 mg", "sulfato de quinina", "QUINÍNA"])
def test_quinine_typed_in_spanish_gets_the_same_advice_as_in_english(spanish: str) -> None:
    english = evaluate(answers(medications=["quinine"]))
    result = evaluate(answers(medications=[spanish]))

    assert [(r.rule, r.level, r.message, r.action) for r in result.reasons] == [
        (r.rule, r.level, r.message, r.action) for r in english.reasons
    ]
    assert [item.id for item in result.contributors] == [item.id for item in english.contributors]
    assert result.triage == english.triage
    assert result.unrecognised_medications == []
    quinine = next(reason for reason in result.reasons if reason.rule == "taking_quinine")
    # Flagged, never recommended, and never "stop it": ask the prescriber.
    assert "warns against" in quinine.message
    assert "Do not stop it on your own" in quinine.action
