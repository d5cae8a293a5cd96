"""FHIR on the API: the person's data as a FHIR R4B Bundle.

``GET /api/v1/export/fhir`` (docs/interop.md).
"""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
from django.http import StreamingHttpResponse
from ninja import Router

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import streamed_attachment
from crampcare.portability import fhir_export

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
