"""Reading an export (the CSV zip, or the JSON document) back in, all or nothing unless asked.

Rules (docs/diary.md): each problem is reported with its file, line and column; if there is any
problem nothing is saved, unless the person chose to import the valid rows. A row whose natural
key (``DataFile.key``: a cramp's start, a check-in's night, an assessment's creation, ...) is
already in the account updates that record instead of adding a second one; the program, one per
person, is updated if there is one and created if not. Access tokens are never imported.

Everything is read, parsed and checked before the first write, outside any transaction, with
each app's own rules (the file's ``prepare``: the app's check). That first reading keeps only
each good row's key and line; saving reads the files again and builds the records a batch at a
time, so the most rows an import takes never sit in memory at once. Saving goes through each app's
bulk entry point (the file's ``save``, e.g. ``diary.services.import_episodes``) and runs in short
transactions of ``_BATCH`` rows, so a big import never holds the database's
write lock for long and other people keep writing. If saving fails part-way, what this import
wrote is taken back the same way (new rows deleted, updated rows given their old values), so
from the person's side it is still all or nothing.
"""

from __future__ import annotations

import io
import logging
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import IO, Any

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

__all__ = ["ImportReport", "Problem", "count_import", "import_zip"]

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
class _Checked:
    """A file whose rows were checked: the lines that passed, to be read again and saved."""

    file: DataFile
    content: Source
    lines: set[int]


@dataclass
class _Written:
    """What this import wrote, to take it back if saving fails part-way.

    The old values of updated records wait in a temporary file, not in memory: an import that
    updates every row of a big account would otherwise hold all of them at once.
    """

    created: list[tuple[Any, list[Any]]] = field(default_factory=list)
    updated: list[tuple[Any, list[str], int]] = field(default_factory=list)
    profile: tuple[str, str] | None = None
    spool: IO[bytes] | None = None

    def keep_old(self, model: Any, fields: list[str], values: list[tuple[Any, ...]]) -> None:
        if self.spool is None:
            self.spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by ``close``)
        self.spool.seek(0, io.SEEK_END)
        self.updated.append((model, fields, self.spool.tell()))
        pickle.dump(values, self.spool, protocol=pickle.HIGHEST_PROTOCOL)

    def old(self, offset: int) -> list[tuple[Any, ...]]:
        assert self.spool is not None
        self.spool.seek(offset)
        # Only what ``keep_old`` wrote to this private temporary file, in this same request.
        return pickle.load(self.spool)  # type: ignore[no-any-return]  # noqa: S301

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


class _ChangedOnSecondReading(Exception):
    """A row that passed its checks did not pass them when read again to be saved."""


def import_zip(
    user: User,
    data: bytes,
    *,
    valid_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import an export (zip or JSON) into ``user``'s account. See the module docstring.

    The page and the API count an import against the person's hourly allowance before it gets
    here (``portability.uploads.refusal``). ``progress(done, total)`` hears how
    far it has come, in steps: each file checked, then each file saved
    (``accounts.progress.reporter`` stores it for the page).
    """
    report = ImportReport()
    step = _Steps(progress)
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
    wanted = [file for file in FILES if file.imported and file.name in files]
    step.total = 2 * len(wanted) + 1
    step()
    checked = []
    for file in wanted:
        checked.append(_check_file(user, file, files[file.name], report))
        step()
    _check_program_exists(user, checked, report)
    report.notes += [str(f.import_note) for f in FILES if f.import_note and f.name in files]
    if in_json:
        report.problems[:] = [_in_document(problem) for problem in report.problems]
    if report.problems and not valid_only:
        user.display_name, user.time_zone = before
        step.finish()
        return report
    if not profile_ok:
        report.notes.append(_("Your name and time zone were left as they were."))
    written = _Written()
    try:
        return _save_all(user, checked, before, profile_ok, report, written, step)
    finally:
        written.close()
        step.finish()


class _Steps:
    """Counts the import's steps for a ``progress(done, total)`` callable, if there is one."""

    def __init__(self, progress: Callable[[int, int], None] | None) -> None:
        self.progress = progress
        self.done = 0
        self.total = 1

    def __call__(self) -> None:
        self.done = min(self.done + 1, self.total)
        if self.progress is not None:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _save_all(
    user: User,
    checked: list[_Checked],
    before: tuple[str, str],
    profile_ok: bool,
    report: ImportReport,
    written: _Written,
    step: _Steps,
) -> ImportReport:
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
        for each in checked:
            _save(user, each, report, written)
            step()
    except (_ChangedOnSecondReading, DatabaseError) as error:
        _take_back(user, written)
        user.display_name, user.time_zone = before
        if isinstance(error, OperationalError) and _busy(error):
            raise  # a 503 with Retry-After (crampcare.db_busy): nothing was kept
        report.created.clear()
        report.updated.clear()
        if isinstance(error, _ChangedOnSecondReading):
            why = _("A row did not pass its checks when it was read again to be saved.")
        else:
            logger.warning("Import stopped part-way and was taken back: %s", error)
            why = _(
                "Saving stopped part-way because of a conflict with a change made at the same time."
            )
        report.add(
            _("the import"),
            None,
            None,
            why + " " + _("Nothing from this import was kept; try again."),
        )
        return report
    report.saved = True
    return report


def _busy(error: OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def count_import(user: User, report: ImportReport) -> bool:
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


def _check_file(user: User, file: DataFile, content: Source, report: ImportReport) -> _Checked:
    """Check every row of ``file``, reporting each problem; keep only which lines passed.

    The records themselves are not kept: saving reads the file again (``_checked_rows``), so an
    import of the most rows we take costs the memory of one batch, not of every row at once.
    """
    seen: dict[tuple[Any, ...], int] = {}
    for row in _read_rows(user, file, content, report):
        if row.key in seen:
            report.add(
                file.name, row.line, file.key[0] if file.key else None, _twice(file, seen[row.key])
            )
            report.skipped_rows += 1
            continue
        seen[row.key] = row.line
    return _Checked(file, content, set(seen.values()))


def _read_rows(
    user: User, file: DataFile, content: Source, report: ImportReport, lines: set[int] | None = None
) -> Iterator[_Row]:
    """Each row of ``file`` that passes the app's checks, as an unsaved record of ``user``'s;
    a row that does not is reported and counted as skipped. With ``lines``, only those lines."""
    assert file.model is not None
    # JSON columns were checked as they were read (and by ``prepare`` where they have a shape);
    # the model's own blank rule would wrongly refuse an empty list or object.
    unchecked = [
        "owner",
        *(["program"] if file.of_program else []),
        *(column.name for column in file.columns if column.holds_json),
    ]
    for line, cells in records(file, content, report):
        if lines is not None and line not in lines:
            continue
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
        yield _Row(line, record, tuple(getattr(record, name) for name in file.key))


def _checked_rows(user: User, checked: _Checked) -> Iterator[_Row]:
    """The rows that passed ``_check_file``, read and checked again to be saved."""
    # Problems were reported on the first reading; this one's go nowhere. The same file checked
    # the same way gives the same rows, and only lines that passed then are taken now.
    again = ImportReport()
    for row in _read_rows(user, checked.file, checked.content, again, checked.lines):
        if again.problems:
            break
        yield row
    if again.problems:
        raise _ChangedOnSecondReading


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


def _check_program_exists(user: User, checked: list[_Checked], report: ImportReport) -> None:
    """Sessions and program changes need a program: the account's, or one in the import."""
    if any(each.file is PROGRAM and each.lines for each in checked):
        return
    if Program.objects.for_user(user).exists():
        return
    for each in checked:
        if each.file.of_program and each.lines:
            report.add(
                each.file.name,
                None,
                None,
                _(
                    "belongs to a program, but there is none: add a valid program.csv, or start "
                    "a program first"
                ),
            )
            report.skipped_rows += len(each.lines)
            each.lines.clear()


# -- saving ---------------------------------------------------------------------------------------


def _save(user: User, checked: _Checked, report: ImportReport, written: _Written) -> None:
    """Save the rows that passed, ``_BATCH`` at a time, each batch in a transaction of its own."""
    file = checked.file
    assert file.model is not None
    created = updated = 0
    program = None
    if file.of_program and checked.lines:
        program = Program.objects.for_user(user).get()
    rows = _checked_rows(user, checked)
    while batch := list(islice(rows, _BATCH)):
        if program is not None:
            for row in batch:
                row.record.program = program
        existing = _existing(user, file, batch)
        new = [row.record for row in batch if row.key not in existing]
        changed = []
        for row in batch:
            if row.key in existing:
                row.record.pk = existing[row.key]
                changed.append(row.record)
        _write(user, file, new, changed, written)
        created += len(new)
        updated += len(changed)
    report.created[file.name] = created
    report.updated[file.name] = updated


def _existing(user: User, file: DataFile, batch: list[_Row]) -> dict[tuple[Any, ...], Any]:
    """The keys of ``batch`` already in the account, with their records' primary keys."""
    model: Any = file.model
    owned = model.objects.for_user(user)
    if file.one_row:
        first = owned.values_list("pk", flat=True).first()
        return {} if first is None else {(): first}
    # The first key column narrows the query; the whole key is matched here.
    firsts = {row.key[0] for row in batch}
    found = owned.filter(**{f"{file.key[0]}__in": firsts}).values_list(*file.key, "pk")
    return {tuple(values[:-1]): values[-1] for values in found}


def _write(
    user: User,
    file: DataFile,
    new: list[models.Model],
    changed: list[models.Model],
    written: _Written,
) -> None:
    assert file.save is not None
    model: Any = file.model
    fields = file.saved_fields()
    with transaction.atomic():
        if new:
            file.save(user, new, None)
            written.created.append((model, [record.pk for record in new]))
        if changed:
            columns = _columns(model, fields)
            owned = model.objects.for_user(user)
            old = owned.filter(pk__in=[record.pk for record in changed]).values_list(*columns)
            written.keep_old(model, fields, list(old))
            file.save(user, changed, fields)
    _step_aside()


def _columns(model: Any, fields: list[str]) -> list[str]:
    """The primary key and the database columns (``program_id``, not ``program``) of ``fields``."""
    return ["pk", *(model._meta.get_field(name).attname for name in fields)]


def _step_aside() -> None:
    if not transaction.get_connection().in_atomic_block:  # inside a caller's transaction: no use
        time.sleep(_PAUSE)


def _take_back(user: User, written: _Written) -> None:
    """Undo what this import wrote, newest first, in short transactions like the writes."""
    try:
        for model, fields, offset in reversed(written.updated):
            columns = _columns(model, fields)
            old = [
                model(owner_id=user.pk, **dict(zip(columns, values, strict=True)))
                for values in written.old(offset)
            ]
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
