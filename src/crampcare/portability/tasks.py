"""The imports as background tasks: the page (or the API) stores the upload with a progress
record and a worker imports it, writing how far it has come for the page to show (docs/diary.md,
docs/apple-health.md).

A task that cannot finish (the database stayed busy, or something broke) marks its record failed
with ``{"error": "busy"}`` or ``{"error": "failed"}``; a file with problems is not a failure: the
task finishes and its result is the report naming them. Either way nothing is kept."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from crampcare.accounts import progress
from crampcare.portability.apple_health import Report, import_apple_health
from crampcare.portability.archive import ImportReport, Problem
from crampcare.portability.importing import import_zip

KIND = "import"
HEALTH_KIND = "apple-health"


def failure_message(result: dict[str, Any] | None) -> str:
    """What to tell the person when an import task could not finish: the server's fault, not the
    file's (a file with problems finishes with a report naming them)."""
    if (result or {}).get("error") == "busy":
        return _("The server was too busy to finish the import. Nothing was kept; try again.")
    return _(
        "The server could not finish the import; your file may be fine. Nothing was kept; try "
        "again later, and if it happens again, tell whoever runs this site."
    )


def report_to_json(report: ImportReport) -> dict[str, Any]:
    return asdict(report)


def report_from_json(data: dict[str, Any]) -> ImportReport:
    problems = [Problem(**problem) for problem in data.get("problems", [])]
    return ImportReport(**{**data, "problems": problems})


@task()
def import_archive(progress_id: int, valid_only: bool) -> bool:
    """Import the file kept with the progress record into its owner's account. Returns whether
    anything was saved; the report is the record's result."""
    record, data = progress.take_payload(progress_id)
    finished, report = progress.attempt(
        progress_id,
        lambda: import_zip(
            record.owner, data, valid_only=valid_only, progress=progress.reporter(progress_id)
        ),
        what="An import",
    )
    if not finished or report is None:
        return False
    progress.finish(progress_id, result=report_to_json(report))
    return report.saved


def health_report_to_json(report: Report) -> dict[str, Any]:
    return asdict(report)


def health_report_from_json(data: dict[str, Any]) -> Report:
    return Report(**data)


@task()
def import_health(progress_id: int) -> bool:
    """Import the Apple Health export kept with the progress record into its owner's diary,
    reading it as a stream from the data dir; the record hears the bytes of export.xml read of
    its size. Returns whether anything was saved; the report is the record's result."""
    record, upload = progress.take_file(progress_id)
    store = progress.reporter(progress_id)

    def heard(done: int, total: int | None) -> None:
        # ``total`` is what the zip says export.xml unzips to: a claim, never below what was read.
        store(done, max(total or 0, done))

    def read() -> Report:
        with upload:
            return import_apple_health(record.owner, upload, progress=heard)

    finished, report = progress.attempt(progress_id, read, what="An Apple Health import")
    if not finished or report is None:
        return False
    progress.finish(progress_id, result=health_report_to_json(report))
    return report.saved
