"""The assessment JSON API: evaluate answers without an account, or store them for yourself.

The body is decoded and validated by the assessment schema itself rather than a ninja schema, so
the API is exactly as strict as docs/assessment.md says (no coercion, unknown fields rejected)
and reports problems the same way as the CLI.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.assessment import services
from crampcare.assessment.errors import InvalidAnswers, NotJSON, parse_json_object
from crampcare.assessment.models import Assessment
from crampcare.assessment.schema import AssessmentInput, AssessmentResult

router = Router(tags=["assessment"])


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


class AssessmentOut(Schema):
    id: int
    created_at: datetime
    updated_at: datetime
    completed: bool
    answers: dict[str, Any]
    result: AssessmentResult

    @staticmethod
    def resolve_result(obj: Assessment) -> dict[str, Any]:
        # Stored as ids; worded here, in the reader's language.
        return obj.shown_result()


_EXAMPLE = {
    "age": 67,
    "sex": "female",
    "cramp_times": ["night"],
    "muscles": ["calf"],
    "cramps_per_week": 3,
    "sleep_disrupted": True,
    "medications": ["Lipitor 20 mg"],
    "symptoms": {"calf_swelling_one_side": False, "breathless_or_chest_pain": None},
}
# The request body is documented from the assessment schema, since it is not a ninja parameter.
_ANSWERS_BODY = {
    "requestBody": {
        "required": True,
        "description": "The answers (docs/assessment.md, Input). Every field is optional.",
        "content": {
            "application/json": {
                "schema": AssessmentInput.model_json_schema(),
                "example": _EXAMPLE,
            }
        },
    }
}


def _answers(request: HttpRequest) -> dict[str, Any]:
    return parse_json_object(request.body)


def _error(error: InvalidAnswers) -> Status[dict[str, Any]]:
    return Status(400 if isinstance(error, NotJSON) else 422, error.as_api_body())


@router.post(
    "/evaluate",
    response={200: AssessmentResult, 400: ErrorOut, 422: ErrorOut},
    summary="Triage and risk profile for some answers (nothing is stored)",
    openapi_extra=_ANSWERS_BODY,
    auth=None,
)
def evaluate_assessment(request: HttpRequest) -> object:
    try:
        return services.evaluate(_answers(request))
    except InvalidAnswers as error:
        return _error(error)


@router.post(
    "",
    response={201: AssessmentOut, 400: ErrorOut, 422: ErrorOut},
    summary="Evaluate and store an assessment for yourself",
    openapi_extra=_ANSWERS_BODY,
    auth=session_or_token,
)
def create_assessment(request: AuthenticatedHttpRequest) -> object:
    try:
        stored = services.save_assessment(request.user, _answers(request))
        return Status(201, stored)
    except InvalidAnswers as error:
        return _error(error)


@router.get(
    "",
    response=list[AssessmentOut],
    summary="Your assessments, newest first",
    auth=session_or_token,
)
def list_assessments(request: AuthenticatedHttpRequest) -> object:
    return services.list_for(request.user, request.user)


@router.get(
    "/{assessment_id}",
    response=AssessmentOut,
    summary="One of your assessments",
    auth=session_or_token,
)
def get_assessment(request: AuthenticatedHttpRequest, assessment_id: int) -> object:
    return services.get_for(request.user, request.user, assessment_id)
