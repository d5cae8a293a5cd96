"""FHIR on the API: the person's data as a FHIR R4B Bundle, and medicines from a portal.

``GET /api/v1/export/fhir`` and ``POST /api/v1/import/fhir-medicines`` (docs/interop.md).
"""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
from typing import Any

from django.http import StreamingHttpResponse
from ninja import Router, Schema, Status

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_errors import error_body
from crampcare.assessment.api import ErrorOut
from crampcare.assessment.errors import InvalidAnswers
from crampcare.downloads import streamed_attachment
from crampcare.portability import fhir_export
from crampcare.portability.fhir_medicines import (
    MAX_BYTES,
    FhirInputError,
    MedicineList,
    medicine_notes,
    read_medicines,
    save_medicines,
)

router = Router(tags=["fhir"], auth=session_or_token)


@router.get(
    "/export/fhir",
    summary="All your diary, assessments and program, as a FHIR R4B Bundle",
    description="A Bundle of type collection (docs/interop.md): a Patient, an Observation per "
    "cramp, morning check-in and answered factor of a day, the assessment's Questionnaire and a "
    "QuestionnaireResponse per assessment, the program as a CarePlan with its Goal. Always the "
    "signed-in person's own data.",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {"content": {"application/fhir+json": {}}, "description": "The FHIR Bundle"}
        }
    },
)
def export_fhir(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    user = request.user
    return streamed_attachment(
        fhir_export.bundle_chunks(user),
        filename=fhir_export.fhir_filename(user),
        content_type=fhir_export.CONTENT_TYPE,
    )


class FoundMedicineOut(Schema):
    name: str
    given: str | None
    rxnorm: str | None
    class_id: str | None
    class_name: str | None
    matched_by: str | None


class MedicineNoteOut(Schema):
    id: str
    message: str
    action: str


class MedicinesImportOut(Schema):
    saved: bool
    matched: list[FoundMedicineOut]
    unmatched: list[FoundMedicineOut]
    left_out: list[str]
    assessment_id: int | None
    notes: list[MedicineNoteOut]


_BODY = {
    "requestBody": {
        "required": True,
        "description": "A FHIR R4 or R4B MedicationStatement, MedicationRequest, or a Bundle "
        f"holding them (JSON, at most {MAX_BYTES // 1024} KB).",
        "content": {
            "application/fhir+json": {"schema": {"type": "object"}},
            "application/json": {
                "schema": {"type": "object"},
                "example": {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "medicationCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                "code": "83367",
                                "display": "atorvastatin",
                            }
                        ],
                        "text": "Lipitor 20 mg",
                    },
                    "subject": {"display": "me"},
                },
            },
        },
    }
}


def _found(items: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": item.name,
            "given": item.given,
            "rxnorm": item.rxnorm,
            "class_id": item.class_id,
            "class_name": item.class_name,
            "matched_by": item.via,
        }
        for item in items
    ]


def _report(found: MedicineList) -> dict[str, Any]:
    return {
        "matched": _found(found.matched),
        "unmatched": _found(found.unmatched),
        "left_out": list(found.left_out),
    }


@router.post(
    "/import/fhir-medicines",
    response={200: MedicinesImportOut, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Add the medicines of a FHIR file to your assessment",
    description="Reads MedicationStatement and MedicationRequest resources (R4 or R4B), matches "
    "each to a medicine class by its RxNorm ingredient code or its name (generic or brand), and "
    "adds them to your newest assessment (a new draft if you have none), whose result is worked "
    "out again. With preview=true nothing is saved: the answer says what would be. Medicines the "
    "file marks as stopped, cancelled or entered in error are left out. A file that cannot be "
    "read is refused whole: 413 too large, 400 not JSON, too deep or not FHIR, 422 the wrong "
    "resource type, an invalid resource, a code we do not know without a name, or too many "
    "medicines; nothing is saved.",
    openapi_extra=_BODY,
)
def import_fhir_medicines(
    request: AuthenticatedHttpRequest, preview: bool = False
) -> Status[dict[str, Any]]:
    try:
        found = read_medicines(request.body)
    except FhirInputError as error:
        return Status(error.status, error_body([(error.field, error.message)]))
    body: dict[str, Any] = {**_report(found), "saved": False, "assessment_id": None, "notes": []}
    if preview or not found.found:
        return Status(200, body)
    try:
        assessment = save_medicines(request.user, found.names)
    except InvalidAnswers as error:
        return Status(422, error.as_api_body())
    body.update(saved=True, assessment_id=assessment.pk, notes=medicine_notes(assessment))
    return Status(200, body)
