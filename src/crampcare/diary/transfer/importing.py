"""Reading an export (the CSV zip) back in, all or nothing unless asked otherwise.

Rules (docs/diary.md): each problem is reported with its file, line and column; if there is any
problem nothing is saved, unless the person chose to import the valid rows. A row whose natural
key (``DataFile.key``: a cramp's start, a check-in's night, an assessment's creation, ...) is
already in the account updates that record instead of adding a second one; the program, one per
person, is updated if there is one and created if not. Access tokens are never imported. The
whole import is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.accounts.services import update_profile
from crampcare.diary.transfer.archive import (
    MAX_ARCHIVE_BYTES,
    ImportReport,
    Problem,
    read_archive,
    records,
)
from crampcare.diary.transfer.cells import CellError
from crampcare.diary.transfer.diary_files import PROFILE
from crampcare.diary.transfer.formats import DataFile
from crampcare.diary.transfer.layout import FILES
from crampcare.diary.transfer.program_files import PROGRAM
from crampcare.programs.models import Program

__all__ = ["MAX_ARCHIVE_BYTES", "ImportReport", "Problem", "import_zip"]

_BATCH = 500


@dataclass
class _Row:
    line: int
    record: Any
    key: tuple[Any, ...]


def import_zip(user: User, data: bytes, *, valid_only: bool = False) -> ImportReport:
    """Import an export into ``user``'s account. See the module docstring for the rules."""
    report = ImportReport()
    texts = read_archive(data, report)
    if texts is None:
        return report
    with transaction.atomic():
        # The profile first: its time zone decides which night each cramp belongs to.
        profile_ok = _apply_profile(user, texts.get(PROFILE.name), report)
        parsed = {
            file: _parse_file(user, file, texts[file.name], report)
            for file in FILES
            if file.imported and file.name in texts
        }
        _check_program_exists(user, parsed, report)
        report.notes += [str(f.import_note) for f in FILES if f.import_note and f.name in texts]
        if report.problems and not valid_only:
            transaction.set_rollback(True)
        else:
            if not profile_ok:
                report.notes.append(_("Your name and time zone were left as they were."))
            for file, rows in parsed.items():
                _save(user, file, rows, report)
            report.saved = True
    if not report.saved:
        # The rolled-back profile change may linger on this object.
        user.refresh_from_db(fields=["display_name", "time_zone"])
    return report


# -- checking -------------------------------------------------------------------------------------


def _load_cells(
    file: DataFile, line: int, cells: dict[str, str], report: ImportReport
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column in file.columns:
        if not column.saved or column.name not in cells:
            continue
        try:
            values[column.name] = column.load(cells[column.name])
        except CellError as error:
            report.add(file.name, line, column.name, str(error))
            ok = False
    return values if ok else None


def _parse_file(user: User, file: DataFile, text: str, report: ImportReport) -> list[_Row]:
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
    for line, cells in records(file, text, report):
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
    if not hasattr(error, "error_dict"):
        report.add(name, line, None, " ".join(error.messages))
        return
    for column, messages in error.message_dict.items():
        # Models use "__all__" for rules about the whole row.
        report.add(name, line, None if column == "__all__" else column, " ".join(messages))


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


def _save(user: User, file: DataFile, rows: list[_Row], report: ImportReport) -> None:
    assert file.model is not None
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
    _create(model, new, file.stamped_fields())
    model.objects.bulk_update(changed, file.saved_fields(), batch_size=_BATCH)
    if changed and file.after_update is not None:
        file.after_update(user, changed)
    report.created[file.name] = len(new)
    report.updated[file.name] = len(changed)


def _create(model: Any, new: list[models.Model], stamped: list[str]) -> None:
    """Insert the new records with the times from the file, not the time of the import."""
    # Django stamps auto_now/auto_now_add fields as it inserts; an update puts the file's back.
    kept = [{name: getattr(record, name) for name in stamped} for record in new]
    model.objects.bulk_create(new, batch_size=_BATCH)
    if not stamped or not new:
        return
    for record, values in zip(new, kept, strict=True):
        for name, value in values.items():
            setattr(record, name, value)
    model.objects.bulk_update(new, stamped, batch_size=_BATCH)


# -- the profile ----------------------------------------------------------------------------------


def _apply_profile(user: User, text: str | None, report: ImportReport) -> bool:
    """Take the name and time zone from profile.csv (never the email: that is your sign-in)."""
    if text is None:
        return True
    before = len(report.problems)
    rows = list(records(PROFILE, text, report))
    if len(report.problems) > before:
        return False
    if len(rows) != 1:
        report.add(PROFILE.name, None, None, _("should have exactly one row below its header"))
        return False
    line, cells = rows[0]
    values = _load_cells(PROFILE, line, cells, report)
    if values is None:
        return False
    display_name = values.get("display_name", user.display_name)
    time_zone = values.get("time_zone") or user.time_zone
    try:
        changed_zone = time_zone != user.time_zone
        with transaction.atomic():
            update_profile(user, display_name=display_name, time_zone=time_zone)
    except ValidationError as error:
        user.refresh_from_db(fields=["display_name", "time_zone"])
        _report_validation(PROFILE.name, line, error, report)
        return False
    if changed_zone:
        report.notes.append(
            _("Your time zone is now %(zone)s, as in the export.") % {"zone": time_zone}
        )
    return True
