"""Reading an export (the CSV zip, or the JSON document) back in, all or nothing unless asked.

Rules (docs/diary.md): each problem is reported with its file, line and column; if there is any
problem nothing is saved, unless the person chose to import the valid rows. A row whose natural
key (``DataFile.key``: a cramp's start, a check-in's night, an assessment's creation, ...) is
already in the account updates that record instead of adding a second one; the program, one per
person, is updated if there is one and created if not. Access tokens are never imported.

Everything is read, parsed and checked before the first write, outside any transaction, with
each app's own rules (the file's ``prepare``: the app's check). Saving goes through each app's
bulk entry point (the file's ``save``, e.g. ``diary.services.import_episodes``) and runs in short
transactions of ``_BATCH`` rows, so a big import never holds the database's
write lock for long and other people keep writing. If saving fails part-way, what this import
wrote is taken back the same way (new rows deleted, updated rows given their old values), so
from the person's side it is still all or nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, OperationalError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.accounts.datafiles.cells import CellError
from crampcare.accounts.datafiles.formats import DataFile
from crampcare.accounts.models import User
from crampcare.api_types import EARLIEST_YEAR
from crampcare.diary.data_files import PROFILE
from crampcare.portability.archive import (
    ImportReport,
    Problem,
    Source,
    import_limits,
    read_archive,
    records,
)
from crampcare.portability.documents import document_files, looks_like_json
from crampcare.portability.layout import FILES
from crampcare.programs.data_files import PROGRAM
from crampcare.programs.models import Program
from crampcare.request_guards import contains_nul
from crampcare.validation_errors import messages_by_field

__all__ = ["ImportReport", "Problem", "import_zip"]

logger = logging.getLogger(__name__)

_BATCH = 250
# Between two write transactions the import steps aside this long. SQLite's busy handler polls
# a waiting writer at most every 100 ms: without the pause the import takes the lock straight back
# and another person's write can wait past the busy timeout (a 503).
_PAUSE = 0.11
_HOUR = 3600


@dataclass
class _Row:
    line: int
    record: Any
    key: tuple[Any, ...]


@dataclass
class _Written:
    """What this import wrote, to take it back if saving fails part-way."""

    created: list[tuple[Any, list[Any]]] = field(default_factory=list)
    updated: list[tuple[Any, list[models.Model], list[str]]] = field(default_factory=list)
    profile: tuple[str, str] | None = None


def import_zip(
    user: User, data: bytes, *, valid_only: bool = False, throttle: bool = False
) -> ImportReport:
    """Import an export (zip or JSON) into ``user``'s account. See the module docstring.

    ``throttle``: count this import against the person's hourly allowance (the page and the API
    do; a command run by whoever hosts the server does not).
    """
    report = ImportReport()
    if throttle and not _allowed(user, report):
        return report
    if looks_like_json(data):
        files = document_files(data, report)
        in_json = True
    else:
        files = read_archive(data, report)
        in_json = False
    if files is None:
        return report
    before = (user.display_name, user.time_zone)
    # The profile first: its time zone decides which night each cramp belongs to. It is set on
    # ``user`` in memory only until saving.
    profile_ok = _check_profile(user, files.get(PROFILE.name), report)
    parsed = {
        file: _parse_file(user, file, files[file.name], report)
        for file in FILES
        if file.imported and file.name in files
    }
    _check_program_exists(user, parsed, report)
    report.notes += [str(f.import_note) for f in FILES if f.import_note and f.name in files]
    if in_json:
        report.problems[:] = [_in_document(problem) for problem in report.problems]
    if report.problems and not valid_only:
        user.display_name, user.time_zone = before
        return report
    if not profile_ok:
        report.notes.append(_("Your name and time zone were left as they were."))
    written = _Written()
    try:
        if profile_ok and (user.display_name, user.time_zone) != before:
            with transaction.atomic():
                user.save(update_fields=["display_name", "time_zone"])
            written.profile = before
            if user.time_zone != before[1]:
                report.notes.insert(
                    0,
                    _("Your time zone is now %(zone)s, as in the export.")
                    % {"zone": user.time_zone},
                )
        for file, rows in parsed.items():
            _save(user, file, rows, report, written)
    except DatabaseError as error:
        _take_back(user, written)
        user.display_name, user.time_zone = before
        if isinstance(error, OperationalError) and _busy(error):
            raise  # a 503 with Retry-After (crampcare.db_busy): nothing was kept
        logger.warning("Import stopped part-way and was taken back: %s", error)
        report.created.clear()
        report.updated.clear()
        report.add(
            _("the import"),
            None,
            None,
            _(
                "Saving stopped part-way because of a conflict with a change made at the same "
                "time. Nothing from this import was kept; try again."
            ),
        )
        return report
    report.saved = True
    return report


def _busy(error: OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _allowed(user: User, report: ImportReport) -> bool:
    """At most ``CRAMPCARE_IMPORT_PER_HOUR`` imports per person an hour, counted in the cache."""
    most = import_limits().per_hour
    key = f"crampcare:imports:{user.pk}"
    cache.add(key, 0, timeout=_HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_HOUR)
        count = 1
    if count <= most:
        return True
    report.refused = "throttled"
    report.add(
        _("the import"),
        None,
        None,
        ngettext(
            "You have already imported %(count)d time in the last hour. Try again later.",
            "You have already imported %(count)d times in the last hour. Try again later.",
            most,
        )
        % {"count": most},
    )
    return False


def _in_document(problem: Problem) -> Problem:
    """A problem found in the CSV made from a JSON section, told in the JSON's terms."""
    for file in FILES:
        if problem.file == file.name:
            # The CSV's line 2 is the section's first item.
            item = None if problem.line is None else max(problem.line - 1, 1)
            return Problem(file.section, item, problem.column, problem.message, in_json=True)
    return problem


# -- checking -------------------------------------------------------------------------------------


def _load_cells(
    file: DataFile, line: int, cells: dict[str, str], report: ImportReport
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column in file.columns:
        if not column.saved or column.name not in cells:
            continue
        text = cells[column.name]
        try:
            value = column.load(text)
        except CellError as error:
            report.add(file.name, line, column.name, str(error))
            ok = False
            continue
        problem = _implausible(text, value)
        if problem:
            report.add(file.name, line, column.name, problem)
            ok = False
            continue
        values[column.name] = value
    return values if ok else None


def _implausible(text: str, value: Any) -> str | None:
    """What no file of ours can hold, whatever the column: a NUL character (in the cell, or in
    the JSON it holds) or a date before 1900. Forms and the API refuse the same."""
    if "\x00" in text or contains_nul(value):
        return _("contains a NUL character, which we cannot store")
    if isinstance(value, date) and value.year < EARLIEST_YEAR:
        return _("must be in %(year)s or later") % {"year": EARLIEST_YEAR}
    return None


def _parse_file(user: User, file: DataFile, content: Source, report: ImportReport) -> list[_Row]:
    assert file.model is not None
    # JSON columns were checked as they were read (and by ``prepare`` where they have a shape);
    # the model's own blank rule would wrongly refuse an empty list or object.
    unchecked = [
        "owner",
        *(["program"] if file.of_program else []),
        *(column.name for column in file.columns if column.holds_json),
    ]
    seen: dict[tuple[Any, ...], int] = {}
    rows: list[_Row] = []
    for line, cells in records(file, content, report):
        values = _load_cells(file, line, cells, report)
        if values is None:
            report.skipped_rows += 1
            continue
        record = file.model(owner=user, **values)
        try:
            if file.prepare is not None:
                file.prepare(user, record)
            record.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            _report_validation(file.name, line, error, report)
            report.skipped_rows += 1
            continue
        key = tuple(getattr(record, name) for name in file.key)
        if key in seen:
            report.add(file.name, line, file.key[0] if file.key else None, _twice(file, seen[key]))
            report.skipped_rows += 1
            continue
        seen[key] = line
        rows.append(_Row(line, record, key))
    return rows


def _twice(file: DataFile, line: int) -> str:
    if file.one_row:
        return _(
            "is a second row, but this file holds one at most (the first is on line %(line)d)"
        ) % {"line": line}
    return _("is the same as on line %(line)d; keep one of the two rows") % {"line": line}


def _report_validation(name: str, line: int, error: ValidationError, report: ImportReport) -> None:
    for column, messages in messages_by_field(error):
        # Models use NON_FIELD_ERRORS ("__all__") for rules about the whole row.
        where = None if column == NON_FIELD_ERRORS else column
        report.add(name, line, where, " ".join(messages))


def _check_program_exists(
    user: User, parsed: dict[DataFile, list[_Row]], report: ImportReport
) -> None:
    """Sessions and program changes need a program: the account's, or one in the import."""
    if parsed.get(PROGRAM) or Program.objects.for_user(user).exists():
        return
    for file, rows in parsed.items():
        if file.of_program and rows:
            report.add(
                file.name,
                None,
                None,
                _(
                    "belongs to a program, but there is none: add a valid program.csv, or start "
                    "a program first"
                ),
            )
            report.skipped_rows += len(rows)
            rows.clear()


# -- saving ---------------------------------------------------------------------------------------


def _save(
    user: User, file: DataFile, rows: list[_Row], report: ImportReport, written: _Written
) -> None:
    assert file.model is not None
    assert file.save is not None
    model: Any = file.model
    owned = model.objects.for_user(user)
    if file.one_row:
        first = owned.values_list("pk", flat=True).first()
        existing = {} if first is None else {(): first}
    else:
        existing = {tuple(v[:-1]): v[-1] for v in owned.values_list(*file.key, "pk")}
    if file.of_program and rows:
        program = Program.objects.for_user(user).get()
        for row in rows:
            row.record.program = program
    new: list[models.Model] = []
    changed: list[models.Model] = []
    for row in rows:
        if row.key in existing:
            row.record.pk = existing[row.key]
            changed.append(row.record)
        else:
            new.append(row.record)
    fields = file.saved_fields()
    for batch in _batches(new):
        with transaction.atomic():
            file.save(user, batch, None)
        written.created.append((model, [record.pk for record in batch]))
        _step_aside()
    for batch in _batches(changed):
        with transaction.atomic():
            old = list(owned.filter(pk__in=[record.pk for record in batch]).only(*fields))
            file.save(user, batch, fields)
        written.updated.append((model, old, fields))
        _step_aside()
    report.created[file.name] = len(new)
    report.updated[file.name] = len(changed)


def _step_aside() -> None:
    if not transaction.get_connection().in_atomic_block:  # inside a caller's transaction: no use
        time.sleep(_PAUSE)


def _batches(items: list[Any]) -> list[list[Any]]:
    return [items[at : at + _BATCH] for at in range(0, len(items), _BATCH)]


def _take_back(user: User, written: _Written) -> None:
    """Undo what this import wrote, newest first, in short transactions like the writes."""
    try:
        for model, old, fields in reversed(written.updated):
            with transaction.atomic():
                model.objects.for_user(user).bulk_update(old, fields)
            _step_aside()
        for model, pks in reversed(written.created):
            with transaction.atomic():
                model.objects.for_user(user).filter(pk__in=pks).delete()
            _step_aside()
        if written.profile is not None:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(
                    display_name=written.profile[0], time_zone=written.profile[1]
                )
    except DatabaseError:
        logger.exception("Taking back a failed import for user %s failed", user.pk)
        raise


# -- the profile ----------------------------------------------------------------------------------


def _check_profile(user: User, content: Source | None, report: ImportReport) -> bool:
    """Check profile.csv's name and time zone (never the email: that is your sign-in) and set
    them on ``user`` in memory; ``import_zip`` saves them with the rest."""
    if content is None:
        return True
    before = report.found
    rows = list(islice(records(PROFILE, content, report), 2))  # a second row is already wrong
    if report.found > before:
        return False
    if len(rows) != 1:
        report.add(PROFILE.name, None, None, _("should have exactly one row below its header"))
        return False
    line, cells = rows[0]
    values = _load_cells(PROFILE, line, cells, report)
    if values is None:
        return False
    kept = (user.display_name, user.time_zone)
    display_name = values.get("display_name", user.display_name)
    user.display_name = (display_name or "").strip()
    user.time_zone = values.get("time_zone") or user.time_zone
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        user.display_name, user.time_zone = kept
        _report_validation(PROFILE.name, line, error, report)
        return False
    return True
