"""The one entry point behind the assessment page, the API and the CLI.

``evaluate`` is pure and stores nothing: callers decide whether to save the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.logic import Facts
from crampcare.assessment.medicines import match_medications
from crampcare.assessment.profile import risk_factors
from crampcare.assessment.rendering import render_result
from crampcare.assessment.schema import (
    AssessmentInput,
    AssessmentResult,
    result_status,
    validate_payload,
)
from crampcare.assessment.triage import triage
from crampcare.knowledge.base import DEFAULT_LANGUAGE


def assess(data: AssessmentInput) -> dict[str, Any]:
    """Triage and risk profile for one set of answers, as a result is stored: ids and parameters,
    no words (see rendering.py)."""
    content = load_clinical()
    medicines = match_medications(data.medications)
    facts = Facts(answers=data, medication_classes=medicines.classes)
    outcome = triage(facts, content)
    return {
        "triage": outcome.level.value,
        "status": result_status(outcome.level, outcome.incomplete),
        "incomplete": list(outcome.incomplete),
        "reasons": outcome.stored_reasons(),
        "contributors": [
            {"id": factor_id, "modifiable": modifiable}
            for factor_id, modifiable in risk_factors(facts, content)
        ],
        "unrecognised_medications": list(medicines.unrecognised),
    }


def evaluate(data: AssessmentInput, language: str = DEFAULT_LANGUAGE) -> AssessmentResult:
    """Triage and risk profile for one set of answers, with messages in ``language``: what
    :func:`assess` stores, rendered at once.

    Views pass Django's active language; the API and CLI use the default (English).
    """
    return render_result(assess(data), language)


def evaluate_payload(
    payload: Mapping[str, Any], language: str = DEFAULT_LANGUAGE
) -> AssessmentResult:
    """Validate decoded JSON and evaluate it; raises pydantic's ValidationError on bad input."""
    return evaluate(validate_payload(payload), language)
