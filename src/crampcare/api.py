"""The JSON API under /api/v1/: each app adds a router; errors are JSON, one message per field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from crampcare.accounts.api import router as accounts_router
from crampcare.accounts.push_api import router as push_router
from crampcare.api_errors import error_body
from crampcare.assessment.api import router as assessment_router
from crampcare.care.api import me_router as care_me_router
from crampcare.care.api import router as care_router
from crampcare.care.coverage_api import router as coverage_router
from crampcare.care.organisations_api import router as organisations_router
from crampcare.diary.api import router as diary_router
from crampcare.insights.api import router as insights_router
from crampcare.insights.nights_api import router as nights_router
from crampcare.knowledge.api import router as knowledge_router
from crampcare.portability.api import router as portability_router
from crampcare.portability.fhir_api import router as fhir_router
from crampcare.programs.api import router as programs_router
from crampcare.validation_errors import messages_by_field

ERROR_SCHEMA = {
    "type": "object",
    "title": "Error",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in plain words."},
        "errors": {
            "type": "array",
            "description": "One entry per field that needs correcting (validation errors only).",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail"],
}


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Any unique string of 1 to 255 visible ASCII characters (a UUID is a good choice). A "
        "retry with the same key, method, path and body gets the first successful answer again "
        "(with the header `Idempotent-Replayed: true`) instead of writing twice; the same key "
        "with another body, method or path is a 422. Keys are kept for 24 hours."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
IDEMPOTENCY_CONFLICT = "A request with the same Idempotency-Key is still being answered."


def _takes_idempotency_key(method: str, operation: dict[str, Any]) -> bool:
    """Writes by a signed-in person with a JSON body or none (the file upload takes no key)."""
    content = operation.get("requestBody", {}).get("content", {})
    return (
        method in {"post", "put", "patch", "delete"}
        and bool(operation.get("security"))
        and "multipart/form-data" not in content
    )


def _also_the_error_shape(answer: dict[str, Any] | None, ref: dict[str, str]) -> None:
    """A route's own 422 body (the import's report) can also be the usual validation error."""
    if not answer:
        return
    media = answer.get("content", {}).get("application/json")
    if media and media.get("schema") not in (None, ref):
        media["schema"] = {"anyOf": [media["schema"], ref]}


class CrampcareAPI(NinjaAPI):
    """Documents the error answers every operation can give, in the one shape they all share."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/Error"}
        error = {"content": {"application/json": {"schema": ref}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                # ninja keys an operation's own answers by int (400), ours are strings ("400"):
                # one key per code, or the JSON would carry "400" twice and break Swagger UI.
                responses = {
                    str(code): answer for code, answer in operation.get("responses", {}).items()
                }
                operation["responses"] = responses
                parameters = operation.get("parameters", [])
                wanted = {}
                # Any write can break a rule ("maintenance comes after week six"), besides input.
                if operation.get("requestBody") or parameters or method != "get":
                    wanted["422"] = "Some input is not valid: each field is named."
                if operation.get("requestBody") or parameters:
                    # The request guards: not JSON, NUL characters, JSON nested too deep.
                    wanted["400"] = "The request is malformed: each problem is named."
                if operation.get("requestBody"):
                    wanted["413"] = "The body is larger than the server accepts."
                if any(p.get("in") == "path" for p in parameters) or operation.get("security"):
                    # Someone else's id, or something not started yet (no program).
                    wanted["404"] = "Not found (or not yours)."
                if operation.get("security"):
                    wanted["401"] = "Sign in, or send a personal access token."
                for code, description in wanted.items():
                    responses.setdefault(code, {"description": description, **error})
                _also_the_error_shape(responses.get("422"), ref)
                if _takes_idempotency_key(method, operation):
                    operation["parameters"] = [*parameters, IDEMPOTENCY_PARAMETER]
                    responses.setdefault("409", {"description": IDEMPOTENCY_CONFLICT, **error})
        return schema


api = CrampcareAPI(
    title="crampcare API",
    version="1",
    description=(
        "Relief, prevention and insights for leg cramps. Sign in with a browser session or send "
        "`Authorization: Bearer <token>` with a personal access token from your account settings."
    ),
    urls_namespace="api",
    docs_url="/docs",
    # No deep links: Swagger UI then puts each operation's path in a link inside the button that
    # opens it (a link in a button, which axe reports as nested-interactive and screen readers
    # announce badly).
    docs=Swagger(settings={"deepLinking": False}),
    openapi_url="/openapi.json",
)

# Parts of pydantic's error location that say where, not what: the caller cares about the field.
_LOCATION_NOISE = {
    "body",
    "query",
    "path",
    "header",
    "cookie",
    "form",
    "payload",
    "data",
    "filters",
}


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    result = []
    for error in errors:
        parts = [str(p) for p in error.get("loc", ()) if str(p) not in _LOCATION_NOISE]
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            message = "is not a field we know"
        elif error.get("type") == "missing":
            message = "is required"
        result.append({"field": ".".join(parts) or "body", "message": message})
    return result


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = field_errors(list(exc.errors))
    body = error_body((e["field"], e["message"]) for e in errors)
    return api.create_response(request, body, status=422)


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = [(field or "body", " ".join(messages)) for field, messages in messages_by_field(exc)]
    return api.create_response(request, error_body(errors), status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Sign in, or send a personal access token as 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/", accounts_router)
api.add_router("/", knowledge_router)
api.add_router("/assessments", assessment_router)
api.add_router("/program", programs_router)
api.add_router("/diary", diary_router)
api.add_router("/diary", portability_router)
api.add_router("/diary", nights_router)
api.add_router("/insights", insights_router)
api.add_router("/care", care_router)
api.add_router("/", care_me_router)
api.add_router("/care", organisations_router)
api.add_router("/coverage", coverage_router)
api.add_router("/push", push_router)
api.add_router("/", fhir_router)
