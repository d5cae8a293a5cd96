"""The whole-account export and import on the API, at /api/v1/diary/export.json, export.zip and
import (the paths and operation ids they had when they lived in the diary's router)."""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
from dataclasses import asdict
from typing import Any

from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import attachment
from crampcare.portability import services as transfer
from crampcare.portability.archive import import_limits

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
