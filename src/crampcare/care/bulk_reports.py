"""The doctor's reports of many people at once, one zip, built by a task worker (docs/care.md).

A clinician chooses people in their care (all of them by default) and a window; a worker makes
each person's report (``insights.report.doctor_report``, the PDF of ``insights.pdf``) with the
clinician as the reader, so each read goes through the scoped door and leaves its audit records
in that person's access log, named ``care:reports``. Someone whose care ended before the worker
reached them is left out, unread, and named in the result. The zip waits in the data dir
(``accounts.progress.output_path``) for that clinician alone, for ``KEEP_FOR``; the worker's daily
clean-up deletes it with its record.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, timedelta
from typing import IO, Any

from django.utils import timezone
from django_tasks import task

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.accounts.ownership import ReadRefused, system_access
from crampcare.care import services
from crampcare.care.access import reading_from
from crampcare.insights import pdf
from crampcare.insights.report import doctor_report

KIND = "care-reports"
ORIGIN = "care:reports"
KEEP_FOR = timedelta(hours=24)
"""How long the zip can be downloaded after it is made."""


def queue(clinician: User, person_ids: list[int], weeks: int) -> TaskProgress:
    """Queue the reports of ``person_ids`` (people in ``clinician``'s care, checked again by the
    worker); the record as it is once queued (finished where tasks run at once)."""
    record = progress.start(clinician, KIND, total=len(person_ids))
    build_reports.enqueue(record.pk, person_ids, weeks)
    record.refresh_from_db()
    return record


def expires_at(record: TaskProgress) -> datetime:
    return record.updated_at + KEEP_FOR


def downloadable(record: TaskProgress, now: datetime | None = None) -> bool:
    return (
        record.state == TaskProgress.State.DONE
        and (now or timezone.now()) < expires_at(record)
        and progress.output_path(record.pk).exists()
    )


def filename(record: TaskProgress) -> str:
    return f"crampcare-reports-{timezone.localdate(record.updated_at).isoformat()}.zip"


def _member_name(person: User) -> str:
    """The PDF's name in the zip: the person's name in plain letters, and their id."""
    base = re.sub(r"[^A-Za-z0-9]+", "-", person.display_name).strip("-")
    return f"{base or 'person'}-{person.pk}.pdf"


@task()
def build_reports(progress_id: int, person_ids: list[int], weeks: int) -> int:
    """Make each person's report into one zip for the clinician who asked; returns how many."""
    with system_access("a background task reads the progress row it was given, by id"):
        record = TaskProgress.objects.select_related("owner").get(pk=progress_id)
    clinician = record.owner
    store = progress.reporter(progress_id)
    made: list[str] = []
    left_out: list[int] = []

    def write(out: IO[bytes]) -> None:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, person_id in enumerate(person_ids, start=1):
                relationship = services.patients(clinician).filter(person_id=person_id).first()
                person = relationship.person if relationship is not None else None
                if person is None:
                    left_out.append(person_id)
                else:
                    try:
                        with reading_from(ORIGIN):
                            content = doctor_report(clinician, person, weeks)
                    except ReadRefused:
                        left_out.append(person_id)
                    else:
                        archive.writestr(_member_name(person), pdf.render_pdf(content))
                        made.append(content.person)
                store(done, len(person_ids))

    finished, _ = progress.attempt(
        progress_id, lambda: progress.write_output(progress_id, write), what="Building reports"
    )
    if not finished:
        return 0
    result: dict[str, Any] = {"reports": len(made), "left_out": len(left_out)}
    progress.finish(progress_id, result=result)
    return len(made)
