"""The whole-account export and import on the API, at /api/v1/diary/export.json, export.zip and
import (the paths and operation ids they had when they lived in the diary's router)."""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
from dataclasses import asdict
from typing import IO, Any, cast

from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import attachment
from crampcare.portability import apple_health
from crampcare.portability import services as transfer
from crampcare.portability.apple_health.reading import health_limits
from crampcare.portability.archive import import_limits
from crampcare.portability.importing import import_allowed

# Mounted at /diary beside the diary's own router, under the same tag, so the API is unchanged.
router = Router(tags=["diary"], auth=session_or_token)


@router.get(
    "/export.json",
    summary="All your personal data, as one JSON document",
    operation_id="crampcare_diary_api_export_diary_json",
)
def export_diary_json(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return transfer.export_document(request.user)


@router.get(
    "/export.zip",
    summary="All your personal data, as CSV files in a zip",
    operation_id="crampcare_diary_api_export_diary_zip",
    response={200: None},
    openapi_extra={
        "responses": {200: {"content": {"application/zip": {}}, "description": "The zip"}}
    },
)
def export_diary_zip(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return attachment(
        transfer.export_zip(user),
        filename=transfer.export_filename(user, "zip"),
        content_type="application/zip",
    )


class ProblemOut(Schema):
    file: str
    line: int | None
    column: str | None
    message: str


class ImportOut(Schema):
    saved: bool
    created: dict[str, int]
    updated: dict[str, int]
    skipped_rows: int
    problems: list[ProblemOut]
    notes: list[str]
    detail: str


class ImportProblemsOut(ImportOut):
    errors: list[dict[str, str]]


@router.post(
    "/import",
    response={200: ImportOut, 422: ImportProblemsOut},
    summary="Import a CSV export (zip)",
    operation_id="crampcare_diary_api_import_diary",
    description="A CSV export (zip) or the JSON export. All or nothing: with any problem nothing "
    "is saved and the answer is 422 with each problem's file, line and column, unless valid_only "
    "is true. 413 when the upload is too large, 429 after too many imports in an hour.",
)
def import_diary(
    request: AuthenticatedHttpRequest,
    archive: File[UploadedFile],
    valid_only: Form[bool] = False,
) -> Status[dict[str, Any]]:
    most = import_limits().upload_bytes
    if (archive.size or 0) > most:
        raise HttpError(413, f"archive: is larger than {filesizeformat(most)}")
    report = transfer.import_zip(request.user, archive.read(), valid_only=valid_only, throttle=True)
    body: dict[str, Any] = {
        "saved": report.saved,
        "created": report.created,
        "updated": report.updated,
        "skipped_rows": report.skipped_rows,
        "problems": [asdict(problem) for problem in report.problems],
        "notes": report.notes,
        "detail": report.summary(),
    }
    if report.saved:
        return Status(200, body)
    if report.refused:
        raise HttpError(429, report.problems[0].message)
    # The API's usual error shape too, so clients that read "errors" need nothing special.
    body["errors"] = [
        {
            "field": ":".join(str(part) for part in (p.file, p.line, p.column) if part),
            "message": p.message,
        }
        for p in report.problems
    ]
    return Status(422, body)


class HealthImportOut(Schema):
    saved: bool
    records: int
    days: int
    nights: int
    workouts: int
    created: int
    updated: int
    factors_filled: int
    factors_kept: int
    notes: list[str]
    detail: str


class HealthProblemOut(Schema):
    saved: bool
    detail: str
    line: int | None
    errors: list[dict[str, str]]


@router.post(
    "/import/apple-health",
    response={200: HealthImportOut, 422: HealthProblemOut},
    summary="Import Apple Health's export (export.zip or export.xml)",
    operation_id="crampcare_diary_api_import_apple_health",
    description="Steps, water, standing time, sleep and workouts, added up per day and night in "
    "your time zone (docs/apple-health.md). The same export again changes nothing; your own "
    "answers in the day's factors are kept. With a problem nothing is saved and the answer is "
    "422 naming it (and its line in export.xml). 413 when the upload is too large, 429 after too "
    "many imports in an hour.",
)
def import_apple_health(
    request: AuthenticatedHttpRequest, export: File[UploadedFile]
) -> Status[dict[str, Any]]:
    most = health_limits().upload_bytes
    if (export.size or 0) > most:
        raise HttpError(413, f"export: is larger than {filesizeformat(most)}")
    if not import_allowed(request.user):
        raise HttpError(429, "You have imported too many times in the last hour. Try again later.")
    report = apple_health.import_apple_health(request.user, cast(IO[bytes], export.file))
    if not report.saved:
        return Status(
            422,
            {
                "saved": False,
                "detail": report.sentence,
                "line": report.line,
                "errors": [{"field": "export", "message": report.message}],
            },
        )
    return Status(
        200,
        {
            "saved": True,
            "records": report.records,
            "days": report.days,
            "nights": report.nights,
            "workouts": report.workouts,
            "created": report.created,
            "updated": report.updated,
            "factors_filled": report.factors_filled,
            "factors_kept": report.factors_kept,
            "notes": report.notes,
            "detail": report.summary(),
        },
    )
