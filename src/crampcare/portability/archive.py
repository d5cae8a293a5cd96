"""Reading an uploaded zip into CSV rows with their line numbers, and the report of what happened.

Nothing here touches the database: it only says what is in the zip and what is wrong with it.
"""

from __future__ import annotations

import codecs
import csv
import io
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.accounts.datafiles.formats import DataFile
from crampcare.portability.layout import BY_NAME, README

Source = Callable[[], IO[bytes]]
"""Opens one file of the export for reading, from the start."""


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str
    in_json: bool = False
    """Found in the JSON export: ``file`` is its section and ``line`` the item's number."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None and self.in_json:
            where += _(", item %(item)d") % {"item": self.line}
        elif self.line is not None:
            where += _(", line %(line)d") % {"line": self.line}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


MAX_PROBLEMS = 200
"""Problems kept in a report; past these, one last line says how many more there are."""


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    """The first ``MAX_PROBLEMS`` problems, then (if there are more) one that counts the rest."""
    found: int = 0
    """Every problem found, kept or only counted."""
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    saved: bool = False
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    refused: str = ""
    """Why the import was refused unread ("throttled"): the page and the API answer 429."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        """Keep the problem, or past ``MAX_PROBLEMS`` only count it: what a report holds never
        grows with the input."""
        self.found += 1
        if self.found <= MAX_PROBLEMS:
            self.problems.append(Problem(file, line, column, message))
            return
        more = self.found - MAX_PROBLEMS
        line_of_more = Problem(
            _("the import"),
            None,
            None,
            ngettext(
                "and %(count)s more problem, not listed.",
                "and %(count)s more problems, not listed.",
                more,
            )
            % {"count": f"{more:,}"},
        )
        if more == 1:
            self.problems.append(line_of_more)
        else:
            self.problems[-1] = line_of_more

    def summary(self) -> str:
        created, updated = sum(self.created.values()), sum(self.updated.values())
        if not self.saved:
            return ngettext(
                "Nothing was imported: %(count)d problem needs fixing first.",
                "Nothing was imported: %(count)d problems need fixing first.",
                self.found,
            ) % {"count": self.found}
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


def read_archive(data: bytes, report: ImportReport) -> dict[str, Source] | None:
    """The export's CSV files in the zip, by name, each as a way to open it; None (and problems)
    if unusable.

    Bounded by what is read, never by what the zip's headers claim: each member is inflated in
    small chunks, checked and thrown away, and reading stops one byte past the limit. The import
    then reads the members again as a stream, so memory holds the upload and a chunk or two,
    however much the files unzip to (see ``ImportLimits``).
    """
    limits = import_limits()

    def fail(message: str, file: str = "") -> None:
        report.add(file or _("the zip file"), None, None, message)

    if len(data) > limits.upload_bytes:
        fail(_too_large(limits.upload_bytes))
        return None
    members = member_count(data)
    if members is not None and members > limits.members:
        fail(
            ngettext(
                "holds more than %(count)d file; an export has about a dozen.",
                "holds more than %(count)d files; an export has about a dozen.",
                limits.members,
            )
            % {"count": limits.members}
        )
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        fail(_("is not a zip file. Choose the .zip you downloaded from crampcare."))
        return None
    files: dict[str, Source] = {}
    budget = _Budget(limits.total_bytes)
    # Not closed here: the sources read from it. It holds no file, only the bytes of the upload.
    entries = archive.infolist()
    if len(entries) > limits.members:  # the end record can understate it
        fail(_("holds too many files; an export has about a dozen."))
        return None
    for info in entries:
        name = info.filename.rsplit("/", 1)[-1]
        if info.is_dir() or name.startswith(".") or name == README:
            continue
        if name not in BY_NAME:
            report.notes.append(
                _("%(name)s is not part of a crampcare export and was ignored.")
                % {"name": info.filename}
            )
            continue
        if name in files:
            fail(_("appears twice in the zip."), name)
            continue
        problem = unreadable(info)
        if problem:
            fail(problem, name)
            continue
        try:
            _check_member(archive, info, limits, budget)
        except _TooBig as error:
            fail(str(error), name)
            if error.stop:
                break
            continue
        except UnicodeDecodeError:
            fail(_("is not UTF-8 text. Save it as “CSV UTF-8” and try again."), name)
            continue
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError):
            fail(_("could not be read from the zip: it is damaged."), name)
            continue
        files[name] = partial(archive.open, info)
    if not report.problems and not any(BY_NAME[name].imported for name in files):
        fail(_("has none of the files of a crampcare export (episodes.csv, checkins.csv, ...)."))
    return None if report.problems else files


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """What one import may cost the server; settings ``CRAMPCARE_IMPORT_*`` (configuration.md)."""

    upload_bytes: int
    file_bytes: int
    total_bytes: int
    ratio: int
    members: int
    rows: int
    per_hour: int


def import_limits() -> ImportLimits:
    def setting(name: str, default: int) -> int:
        return int(getattr(settings, f"CRAMPCARE_IMPORT_{name}", default))

    return ImportLimits(
        upload_bytes=setting("MAX_UPLOAD_BYTES", 20 * MB),
        file_bytes=setting("MAX_FILE_BYTES", 25 * MB),
        total_bytes=setting("MAX_TOTAL_BYTES", 50 * MB),
        ratio=setting("MAX_RATIO", 200),
        members=setting("MAX_MEMBERS", 100),
        rows=setting("MAX_ROWS", 200_000),
        per_hour=setting("PER_HOUR", 20),
    )


MB = 1024 * 1024
_CHUNK = 64 * 1024
# Below this, a high ratio is harmless (a header-only CSV compresses very well).
_RATIO_FLOOR = MB
# The methods our exports and ordinary zip tools use; zipfile inflates these in bounded chunks.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _too_large(limit: int) -> str:
    return _("is larger than %(size)s; split it or ask for help.") % {"size": filesizeformat(limit)}


class _TooBig(Exception):
    def __init__(self, message: str, *, stop: bool = False) -> None:
        super().__init__(message)
        self.stop = stop


@dataclass
class _Budget:
    left: int


def member_count(data: bytes) -> int | None:
    """The number of files the end-of-central-directory record declares, read before zipfile
    builds an object per file (a zip of millions of tiny entries would cost gigabytes)."""
    tail = data[-(22 + 0xFFFF) :]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    (total,) = struct.unpack_from("<H", tail, at + 10)
    return int(total)


def unreadable(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x1:
        return _("is encrypted (protected by a password). Zip the export again without a password.")
    if info.compress_type not in _METHODS:
        return _(
            "is compressed in a way we do not read. Zip the files again with the usual method "
            "(deflate), or import the zip crampcare made."
        )
    return ""


def _check_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits, budget: _Budget
) -> None:
    """Inflate one member in chunks, checking that it is UTF-8 and within bounds; keep nothing."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0
    compressed = max(info.compress_size, 1)
    with archive.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > limits.file_bytes:
                raise _TooBig(
                    _("is larger than %(size)s once unzipped; split it or ask for help.")
                    % {"size": filesizeformat(limits.file_bytes)}
                )
            if read > budget.left:
                raise _TooBig(
                    _("takes the unzipped files past %(size)s in all; split the export.")
                    % {"size": filesizeformat(limits.total_bytes)},
                    stop=True,
                )
            if read > _RATIO_FLOOR and read > limits.ratio * compressed:
                raise _TooBig(
                    _(
                        "is compressed far more than any export would be (over %(ratio)d to 1), "
                        "so it was not unzipped."
                    )
                    % {"ratio": limits.ratio}
                )
            decoder.decode(chunk)  # only to check the text
    decoder.decode(b"", final=True)
    budget.left -= read


MAX_COLUMNS = 200
"""Columns a file's header may have; an export's files have at most a few dozen."""
MAX_LINE_CHARS = 4 * MB
"""Characters one line of a file may have: more than any row of an export (a program's plan is
the longest cell), and a bound on the cells a line can split into."""


def records(
    file: DataFile, source: Source, report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with the line it starts on; header problems are reported once, on line 1.

    The file is read and decoded as a stream: it never sits whole in memory, and no line is read
    past ``MAX_LINE_CHARS``. Rows count towards the import's cap (``CRAMPCARE_IMPORT_MAX_ROWS``)
    across all files.
    """
    known = set(file.header)
    most = import_limits().rows
    with io.TextIOWrapper(source(), encoding="utf-8-sig", newline="") as stream:
        lines = _Lines(stream)
        try:
            yield from _rows(file, csv.reader(lines), known, most, report)
        except _LongLine:
            report.add(
                file.name,
                lines.number,
                None,
                _("is a line longer than %(count)s characters; no row of an export is that long")
                % {"count": f"{MAX_LINE_CHARS:,}"},
            )


class _LongLine(Exception):
    pass


class _Lines:
    """The lines of a text stream, refusing one longer than ``MAX_LINE_CHARS`` before the CSV
    reader splits it into cells (a line of millions of commas would be millions of cells)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > MAX_LINE_CHARS:
            raise _LongLine
        return line


def _rows(
    file: DataFile, reader: Any, known: set[str], most: int, report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        report.add(file.name, 1, None, str(error))
        return
    if len(header) > MAX_COLUMNS:
        report.add(
            file.name,
            1,
            None,
            _("has more than %(most)d columns; an export's files have at most %(count)d")
            % {"most": MAX_COLUMNS, "count": max(len(each.header) for each in BY_NAME.values())},
        )
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
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.add(file.name, line, None, str(error))
            return
        report.rows_read += 1
        if report.rows_read > most:
            report.add(
                file.name,
                line,
                None,
                _("takes the import past %(count)s rows in all; split it into smaller files")
                % {"count": f"{most:,}"},
            )
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
