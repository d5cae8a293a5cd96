"""The import as a background task: the page stores the upload with a progress record and a
worker imports it, writing how far it has come for the page to show (docs/diary.md)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.db import OperationalError
from django_tasks import task

from crampcare.accounts import progress
from crampcare.portability.archive import ImportReport, Problem
from crampcare.portability.importing import import_zip

logger = logging.getLogger(__name__)

KIND = "import"


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
    try:
        report = import_zip(
            record.owner, data, valid_only=valid_only, progress=progress.reporter(progress_id)
        )
    except OperationalError as error:
        # The database stayed busy past its timeout; the import took back what it wrote.
        logger.warning("An import stopped: %s", error)
        progress.finish(progress_id, result={"error": "busy"}, failed=True)
        return False
    except Exception:
        progress.finish(progress_id, result={"error": "failed"}, failed=True)
        raise
    progress.finish(progress_id, result=report_to_json(report))
    return report.saved
