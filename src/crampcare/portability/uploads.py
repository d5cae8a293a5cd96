"""An uploaded file for an import, from the page or the API: checked before it is read, then
handed to a worker with a progress record (docs/architecture.md, "Background tasks").

The archive import and the Apple Health import both go through here, so both refuse a file over
their size limit without opening it, count one import against the person's hourly allowance,
and leave the file in the data dir for the worker (``accounts.progress``), copied a chunk at a
time: an upload is never read whole into memory here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.portability.archive import ImportReport
from crampcare.portability.importing import count_import

TOO_LARGE = 413
TOO_MANY = 429


@dataclass(frozen=True)
class Refusal:
    """Why an upload was not taken: ``status`` 413 (too large) or 429 (too many imports this
    hour), ``message`` a sentence for the person; ``report`` the import's report saying the same
    (the data page lists it with the other problems)."""

    status: int
    message: str
    report: ImportReport

    def api_detail(self, field: str) -> str:
        """The API's ``detail``: a size names the field, as its errors do ("export: this file is
        larger than 256 MB.")."""
        if self.status == TOO_LARGE:
            return f"{field}: {self.message[0].lower()}{self.message[1:]}"
        return self.message


def refusal(user: User, size: int | None, most: int) -> Refusal | None:
    """None when an upload of ``size`` bytes may be imported now (and it is counted against the
    hour); otherwise why not. The size comes first, so a refused large file costs no import."""
    report = ImportReport()
    if (size or 0) > most:
        message = _("This file is larger than %(size)s.") % {"size": filesizeformat(most)}
        report.add(_("the import"), None, None, message)
        return Refusal(TOO_LARGE, message, report)
    if not count_import(user, report):
        return Refusal(TOO_MANY, report.problems[0].message, report)
    return None


def queue(user: User, kind: str, upload: IO[bytes], task: Any, *args: Any) -> TaskProgress:
    """Keep ``upload`` for the worker and queue ``task(progress_id, *args)``; the record as it
    is once queued (already finished where tasks run at once)."""
    record = progress.start(user, kind, payload=upload)
    task.enqueue(record.pk, *args)
    record.refresh_from_db()
    return record
