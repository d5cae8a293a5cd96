"""Reading an uploaded zip into CSV rows with their line numbers, and the report of what happened.

Nothing here touches the database: it only says what is in the zip and what is wrong with it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.diary.transfer.formats import DataFile
from crampcare.diary.transfer.layout import BY_NAME, README

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000


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

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, line, column, message))

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


def read_archive(data: bytes, report: ImportReport) -> dict[str, str] | None:
    """The export's CSV files in the zip, by name, as text; None (and problems) if unusable."""

    def fail(message: str, file: str = "") -> None:
        report.add(file or _("the zip file"), None, None, message)

    if len(data) > MAX_ARCHIVE_BYTES:
        fail(_("is larger than 20 MB; split it or ask for help."))
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        fail(_("is not a zip file. Choose the .zip you downloaded from crampcare."))
        return None
    texts: dict[str, str] = {}
    with archive:
        for info in archive.infolist():
            name = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or name.startswith(".") or name == README:
                continue
            if name not in BY_NAME:
                report.notes.append(
                    _("%(name)s is not part of a crampcare export and was ignored.")
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
    if not report.problems and not any(BY_NAME[name].imported for name in texts):
        fail(_("has none of the files of a crampcare export (episodes.csv, checkins.csv, ...)."))
    return None if report.problems else texts


def records(
    file: DataFile, text: str, report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with the line it starts on; header problems are reported once, on line 1."""
    known = set(file.header)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        report.add(file.name, 1, None, str(error))
        return
    header = [title.strip() for title in header]
    unknown = [title for title in header if title not in known]
    missing = [name for name in file.needed if name not in header]
    repeated = len(set(header)) != len(header)
    for title in unknown:
        report.add(file.name, 1, title, _("is not a column we know"))
    for name in missing:
        report.add(file.name, 1, name, _("column is missing"))
    if repeated:
        report.add(file.name, 1, None, _("a column appears twice"))
    if unknown or missing or repeated:
        return
    line = reader.line_num + 1
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.add(file.name, line, None, str(error))
            return
        count += 1
        if count > MAX_ROWS:
            report.add(file.name, line, None, _("has too many rows"))
            return
        if any(cell.strip() for cell in cells):
            if len(cells) != len(header):
                report.skipped_rows += 1
                report.add(
                    file.name,
                    line,
                    None,
                    _("has %(found)d cells but the header has %(expected)d")
                    % {"found": len(cells), "expected": len(header)},
                )
            else:
                yield line, dict(zip(header, cells, strict=True))
        line = reader.line_num + 1
