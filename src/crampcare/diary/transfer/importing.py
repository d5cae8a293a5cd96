"""Reading a diary export (the CSV zip) back in, all or nothing unless asked otherwise.

Rules (docs/diary.md): each problem is reported with its file, line and column; if there is any
problem nothing is saved, unless the person chose to import the valid rows. A row whose key (a
cramp's start time, a check-in's night, a day's date) is already in the diary updates that entry
instead of adding a second one. The whole import is one transaction.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.accounts.models import User
from crampcare.accounts.ownership import OwnedModel
from crampcare.accounts.services import update_profile
from crampcare.diary import services
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.diary.transfer.formats import (
    CHECKINS,
    EPISODES,
    FACTORS,
    FILES,
    KEY_COLUMN,
    PROFILE,
    CellError,
    Column,
)

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000

_MODELS: dict[str, type[OwnedModel]] = {
    EPISODES: CrampEpisode,
    CHECKINS: NightCheckin,
    FACTORS: DailyFactors,
}
_PREPARE = {
    EPISODES: services.prepare_episode,
    CHECKINS: services.prepare_checkin,
    FACTORS: services.prepare_factors,
}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += _(", line %(line)d") % {"line": self.line}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    saved: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        created, updated = sum(self.created.values()), sum(self.updated.values())
        if not self.saved:
            return ngettext(
                "Nothing was imported: %(count)d problem needs fixing first.",
                "Nothing was imported: %(count)d problems need fixing first.",
                len(self.problems),
            ) % {"count": len(self.problems)}
        text = _("Imported %(created)d new entries and updated %(updated)d.") % {
            "created": created,
            "updated": updated,
        }
        if self.skipped_rows:
            text += " " + ngettext(
                "%(count)d row with a problem was left out.",
                "%(count)d rows with problems were left out.",
                self.skipped_rows,
            ) % {"count": self.skipped_rows}
        return text


@dataclass
class _Row:
    line: int
    record: OwnedModel
    key: Any


def import_zip(user: User, data: bytes, *, valid_only: bool = False) -> ImportReport:
    """Import a diary export into ``user``'s diary. See the module docstring for the rules."""
    report = ImportReport()
    texts = _read_archive(data, report)
    if texts is None:
        return report
    with transaction.atomic():
        # The profile first: its time zone decides which night each cramp belongs to.
        profile_ok = _apply_profile(user, texts.get(PROFILE), report)
        parsed = {
            name: _parse_file(user, name, texts[name], report) for name in _MODELS if name in texts
        }
        if report.problems and not valid_only:
            transaction.set_rollback(True)
        else:
            if not profile_ok:
                report.notes.append(_("Your name and time zone were left as they were."))
            for name, rows in parsed.items():
                _save(user, name, rows, report)
            report.saved = True
    if not report.saved:
        # The rolled-back profile change may linger on this object.
        user.refresh_from_db(fields=["display_name", "time_zone"])
    return report


def _read_archive(data: bytes, report: ImportReport) -> dict[str, str] | None:
    def fail(message: str, file: str = "") -> None:
        report.problems.append(Problem(file or _("the zip file"), None, None, message))

    if len(data) > MAX_ARCHIVE_BYTES:
        fail(_("is larger than 20 MB; split it or ask for help."))
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        fail(_("is not a zip file. Choose the .zip you downloaded from your diary."))
        return None
    texts: dict[str, str] = {}
    with archive:
        for info in archive.infolist():
            name = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or name.startswith("."):
                continue
            if name not in FILES:
                report.notes.append(
                    _("%(name)s is not part of a diary export and was ignored.")
                    % {"name": info.filename}
                )
                continue
            if name in texts:
                fail(_("appears twice in the zip."), name)
                continue
            if info.file_size > MAX_FILE_BYTES:
                fail(_("is larger than 50 MB."), name)
                continue
            try:
                texts[name] = archive.read(info).decode("utf-8-sig")
            except UnicodeDecodeError:
                fail(_("is not UTF-8 text. Save it as “CSV UTF-8” and try again."), name)
            except (zipfile.BadZipFile, OSError, NotImplementedError):
                fail(_("could not be read from the zip."), name)
    if not report.problems and not (set(texts) & set(_MODELS)):
        fail(_("has none of episodes.csv, checkins.csv or factors.csv."))
    return None if report.problems else texts


def _records(name: str, text: str, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with the line it starts on; header problems are reported once."""
    columns = {column.name for column in FILES[name]}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        report.problems.append(Problem(name, 1, None, str(error)))
        return
    header = [title.strip() for title in header]
    unknown = [title for title in header if title not in columns]
    missing = KEY_COLUMN.get(name, "time_zone") not in header
    for title in unknown:
        report.problems.append(Problem(name, 1, title, _("is not a column we know")))
    if missing:
        report.problems.append(
            Problem(name, 1, KEY_COLUMN.get(name, "time_zone"), _("column is missing"))
        )
    if unknown or missing or len(set(header)) != len(header):
        if len(set(header)) != len(header):
            report.problems.append(Problem(name, 1, None, _("a column appears twice")))
        return
    line = reader.line_num + 1
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.problems.append(Problem(name, line, None, str(error)))
            return
        count += 1
        if count > MAX_ROWS:
            report.problems.append(Problem(name, line, None, _("has too many rows")))
            return
        if any(cell.strip() for cell in cells):
            if len(cells) != len(header):
                report.problems.append(
                    Problem(
                        name,
                        line,
                        None,
                        _("has %(found)d cells but the header has %(expected)d")
                        % {"found": len(cells), "expected": len(header)},
                    )
                )
            else:
                yield line, dict(zip(header, cells, strict=True))
        line = reader.line_num + 1


def _load_cells(
    name: str, line: int, cells: dict[str, str], report: ImportReport
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    column: Column
    for column in FILES[name]:
        if not column.saved or column.name not in cells:
            continue
        try:
            values[column.name] = column.load(cells[column.name])
        except CellError as error:
            report.problems.append(Problem(name, line, column.name, str(error)))
            ok = False
    return values if ok else None


def _parse_file(user: User, name: str, text: str, report: ImportReport) -> list[_Row]:
    model = _MODELS[name]
    key_column = KEY_COLUMN[name]
    seen: dict[Any, int] = {}
    rows: list[_Row] = []
    for line, cells in _records(name, text, report):
        values = _load_cells(name, line, cells, report)
        if values is None:
            report.skipped_rows += 1
            continue
        record = model(owner=user, **values)
        try:
            _PREPARE[name](user, record)  # type: ignore[operator]
            record.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            _report_validation(name, line, error, report)
            report.skipped_rows += 1
            continue
        key = getattr(record, key_column)
        if key in seen:
            report.problems.append(
                Problem(
                    name,
                    line,
                    key_column,
                    _("is the same as on line %(line)d; keep one of the two rows")
                    % {"line": seen[key]},
                )
            )
            report.skipped_rows += 1
            continue
        seen[key] = line
        rows.append(_Row(line, record, key))
    return rows


def _report_validation(name: str, line: int, error: ValidationError, report: ImportReport) -> None:
    if not hasattr(error, "error_dict"):
        report.problems.append(Problem(name, line, None, " ".join(error.messages)))
        return
    for column, messages in error.message_dict.items():
        # Models use "__all__" for rules about the whole row.
        report.problems.append(
            Problem(name, line, None if column == "__all__" else column, " ".join(messages))
        )


def _save(user: User, name: str, rows: list[_Row], report: ImportReport) -> None:
    model = _MODELS[name]
    key_column = KEY_COLUMN[name]
    existing: dict[Any, int] = dict(
        model.objects.for_user(user).values_list(key_column, "pk")  # type: ignore[attr-defined]
    )
    new: list[OwnedModel] = []
    changed: list[OwnedModel] = []
    for row in rows:
        if row.key in existing:
            row.record.pk = existing[row.key]
            changed.append(row.record)
        else:
            new.append(row.record)
    model.objects.bulk_create(new, batch_size=500)
    fields = [f.name for f in model._meta.concrete_fields if f.name not in {"id", "owner"}]
    model.objects.bulk_update(changed, fields, batch_size=500)
    report.created[name] = len(new)
    report.updated[name] = len(changed)


def _apply_profile(user: User, text: str | None, report: ImportReport) -> bool:
    """Take the name and time zone from profile.csv (never the email: that is your sign-in)."""
    if text is None:
        return True
    before = len(report.problems)
    rows = list(_records(PROFILE, text, report))
    if len(report.problems) > before:
        return False
    if len(rows) != 1:
        report.problems.append(
            Problem(PROFILE, None, None, _("should have exactly one row below its header"))
        )
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
        _report_validation(PROFILE, line, error, report)
        return False
    if changed_zone:
        report.notes.append(
            _("Your time zone is now %(zone)s, as in the export.") % {"zone": time_zone}
        )
    return True
