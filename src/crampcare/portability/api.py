"""The whole-account export and import on the API, at /api/v1/diary/export.json, export.zip and
import (the paths and operation ids they had when they lived in the diary's router)."""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
from dataclasses import asdict
from typing import IO, Any, cast

from django.http import HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.models import TaskProgress
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import attachment
from crampcare.portability import services as transfer
from crampcare.portability import tasks, uploads
from crampcare.portability.apple_health.reading import health_limits
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
    refused = uploads.refusal(request.user, archive.size, import_limits().upload_bytes)
    if refused is not None:
        raise HttpError(refused.status, refused.api_detail("archive"))
    report = transfer.import_zip(request.user, archive.read(), valid_only=valid_only)
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


class HealthImportStatusOut(Schema):
    id: int
    status_url: str
    state: str
    """queued, running, done or failed (the server could not finish; nothing was kept)."""
    bytes_read: int
    bytes_total: int
    percent: int
    result: HealthImportOut | None
    """When done and something was imported."""
    problem: HealthProblemOut | None
    """When done with a problem in the file (nothing was imported), or failed."""


_STATE_NOTE = (
    " `state` is queued, running, done or failed; while it runs, `bytes_read` of `bytes_total` "
    "is how much of export.xml the worker has read (`bytes_total` is what the zip says it "
    "unzips to). When done, `result` says what was imported, or `problem` names the problem in "
    "the file and its line (nothing was imported). failed: the server could not finish, "
    "`problem` says so; nothing was kept."
)


@router.post(
    "/import/apple-health",
    response={202: HealthImportStatusOut},
    summary="Import Apple Health's export (export.zip or export.xml)",
    operation_id="crampcare_diary_api_import_apple_health",
    description="Steps, water, standing time, sleep and workouts, added up per day and night in "
    "your time zone (docs/apple-health.md). The file is imported by a background worker: the "
    "answer is 202 with the import's id and `status_url`, to ask how far it has come "
    "(`GET /api/v1/diary/import/apple-health/{progress_id}`). The same export again changes "
    "nothing; your own answers in the day's factors are kept; with a problem nothing is saved. "
    "413 when the upload is too large, 429 after too many imports in an hour." + _STATE_NOTE,
)
def import_apple_health(
    request: AuthenticatedHttpRequest, export: File[UploadedFile]
) -> Status[dict[str, Any]]:
    refused = uploads.refusal(request.user, export.size, health_limits().upload_bytes)
    if refused is not None:
        raise HttpError(refused.status, refused.api_detail("export"))
    record = uploads.queue(
        request.user, tasks.HEALTH_KIND, cast(IO[bytes], export.file), tasks.import_health
    )
    return Status(202, _health_status(record))


@router.get(
    "/import/apple-health/{progress_id}",
    response={200: HealthImportStatusOut},
    summary="How far an Apple Health import has come, and what it imported",
    operation_id="crampcare_diary_api_apple_health_import_status",
    description="Your own imports only (anyone else's id is a 404)." + _STATE_NOTE,
)
def apple_health_import_status(
    request: AuthenticatedHttpRequest, progress_id: int
) -> dict[str, Any]:
    record = get_owned_or_404(TaskProgress, request.user, pk=progress_id, kind=tasks.HEALTH_KIND)
    return _health_status(record)


def _health_status(record: TaskProgress) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.pk,
        "status_url": reverse("api:apple_health_import_status", args=[record.pk]),
        "state": record.shown_state,
        "bytes_read": record.done,
        "bytes_total": record.total,
        "percent": record.percent,
        "result": None,
        "problem": None,
    }
    if record.failed:
        detail = tasks.failure_message(record.result)
        body["problem"] = {
            "saved": False,
            "detail": detail,
            "line": None,
            "errors": [{"field": "export", "message": detail}],
        }
        return body
    if record.state != TaskProgress.State.DONE:
        return body
    report = tasks.health_report_from_json(record.result or {})
    if not report.saved:
        body["problem"] = {
            "saved": False,
            "detail": report.sentence,
            "line": report.line,
            "errors": [{"field": "export", "message": report.message}],
        }
        return body
    body["result"] = {
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
    }
    return body
