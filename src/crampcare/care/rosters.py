"""An organisation's roster: the CSV its admin uploads, read as a stream, checked line by line,
and saved all or nothing in place of the roster before.

The file is a spreadsheet export with a header line and one person a line: ``email`` and/or
``member_id`` (at least one of the two columns, and at least one value on each line), ``name``
and ``date_of_birth`` (year-month-day). Commas, semicolons or tabs separate the cells.

What one upload may cost is bounded whatever is in it, as for the whole-account import
(portability/archive.py, which this follows; the care app sits below portability, so it cannot
import it): the upload's size (``CRAMPCARE_ROSTER_MAX_BYTES``) is checked before anything is read;
the file is decoded as UTF-8 as it is read, a line at a time, and no line is read past
``MAX_LINE_BYTES`` (a line of a million commas never reaches the CSV reader); reading stops at
``CRAMPCARE_ROSTER_MAX_ROWS`` rows, or at the first NUL character (a binary file), or at the
first byte that is not UTF-8. The report keeps the first ``MAX_PROBLEMS`` problems and counts the
rest. The first reading keeps only what finds duplicates (each identifier and its line); saving
reads the file again and writes ``BATCH`` rows at a time.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.care.models import Organisation, RosterEntry

MAX_PROBLEMS = 200
"""Problems kept in a report; past these, one last line counts the rest."""
MAX_LINE_BYTES = 2000
"""Bytes one line may have: an email (254), a member id (64), a name (200) and a date fit many
times over, even in scripts of several bytes a character."""
MAX_COLUMNS = 20
BATCH = 500
EARLIEST_BIRTH = date(1900, 1, 1)

EMAIL_LENGTH = RosterEntry._meta.get_field("email").max_length or 254
MEMBER_ID_LENGTH = RosterEntry._meta.get_field("member_id").max_length or 64
NAME_LENGTH = RosterEntry._meta.get_field("name").max_length or 200

# The names a column may go by in the header (after lower-casing, and spaces and dashes
# becoming underscores), and the one it is known by.
COLUMNS = {
    "email": "email",
    "email_address": "email",
    "e_mail": "email",
    "member_id": "member_id",
    "memberid": "member_id",
    "member_number": "member_id",
    "name": "name",
    "full_name": "name",
    "date_of_birth": "date_of_birth",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "birthdate": "date_of_birth",
}
HEADER_EXAMPLE = "email,member_id,name,date_of_birth"
_MEMBER_ID = re.compile(r"[A-Z0-9._/-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def max_bytes() -> int:
    return int(settings.CRAMPCARE_ROSTER_MAX_BYTES)


def max_rows() -> int:
    return int(settings.CRAMPCARE_ROSTER_MAX_ROWS)


def normalise_email(text: str) -> str:
    return text.strip().lower()


def normalise_member_id(text: str) -> str:
    """A member id as typed ("ab 12-34 ") in the form stored and compared: capitals, no spaces."""
    return "".join(text.split()).upper()


@dataclass(frozen=True, slots=True)
class RosterProblem:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = _("Line %(line)d") % {"line": self.line} if self.line is not None else _("The file")
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class RosterReport:
    problems: list[RosterProblem] = field(default_factory=list)
    found: int = 0
    """Every problem found, kept or only counted."""
    rows: int = 0
    """Rows read that held anything."""
    saved: bool = False
    entries: int = 0
    """Entries in the roster once saved."""
    replaced: int = 0
    """Entries of the roster before, replaced by this one."""
    still_enrolled: int = 0
    """People who had enrolled and are still on the new roster (their link is kept)."""
    too_large: bool = False
    """Refused unread: the upload is over ``CRAMPCARE_ROSTER_MAX_BYTES`` (the API answers 413)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, line: int | None, column: str | None, message: str) -> None:
        """Keep the problem, or past ``MAX_PROBLEMS`` only count it."""
        self.found += 1
        if self.found <= MAX_PROBLEMS:
            self.problems.append(RosterProblem(line, column, message))
            return
        more = self.found - MAX_PROBLEMS
        counted = RosterProblem(
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
            self.problems.append(counted)
        else:
            self.problems[-1] = counted

    def summary(self) -> str:
        if not self.saved:
            return ngettext(
                "Nothing was saved: %(count)d problem needs fixing first. The roster you had "
                "before is unchanged.",
                "Nothing was saved: %(count)d problems need fixing first. The roster you had "
                "before is unchanged.",
                self.found,
            ) % {"count": self.found}
        holds = ngettext(
            "The roster now holds %(count)d person.",
            "The roster now holds %(count)d people.",
            self.entries,
        ) % {"count": self.entries}
        if not self.replaced:
            return holds
        replaced = ngettext(
            "It replaced the roster before (%(count)d entry).",
            "It replaced the roster before (%(count)d entries).",
            self.replaced,
        ) % {"count": self.replaced}
        kept = ngettext(
            "%(count)d person who had enrolled is still on it.",
            "%(count)d people who had enrolled are still on it.",
            self.still_enrolled,
        ) % {"count": self.still_enrolled}
        return f"{holds} {replaced} {kept}"


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int
    email: str
    member_id: str
    name: str
    date_of_birth: date


# -- reading ------------------------------------------------------------------------------------


class _Stop(Exception):
    """Reading cannot go on (a line too long, not UTF-8, a NUL): the problem is reported."""


class _Lines:
    """The lines of the file, decoded one at a time, so a byte that is not UTF-8 is named at its
    own line (UTF-8 never puts a newline byte inside a character, so splitting on it first is
    safe). Refuses a line longer than ``MAX_LINE_BYTES`` before the CSV reader splits it into
    cells, and any line holding a NUL (a binary file, not a CSV)."""

    def __init__(self, source: IO[bytes], report: RosterReport) -> None:
        self.source = source
        self.report = report
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self.source.readline(MAX_LINE_BYTES + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) > MAX_LINE_BYTES:
            self.report.add(
                self.number,
                None,
                _("is far longer than any line of a roster (over %(count)s bytes).")
                % {"count": f"{MAX_LINE_BYTES:,}"},
            )
            raise _Stop
        if self.number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.report.add(
                self.number,
                None,
                _(
                    "is not UTF-8 text. Save the file as “CSV UTF-8” from your spreadsheet "
                    "and try again."
                ),
            )
            raise _Stop from None
        if "\x00" in line:
            self.report.add(
                self.number,
                None,
                _("holds a NUL character: this looks like a binary file, not a CSV file."),
            )
            raise _Stop
        return line


def _delimiter(header_line: str) -> str:
    """Commas, or what a spreadsheet in another locale uses when the header has no comma."""
    if "," in header_line:
        return ","
    if ";" in header_line:
        return ";"
    if "\t" in header_line:
        return "\t"
    return ","


def _header(cells: list[str], report: RosterReport) -> list[str] | None:
    """The header's columns by the names we know them by, or None (and problems)."""
    if len(cells) > MAX_COLUMNS:
        report.add(
            1,
            None,
            _("has more than %(most)d columns; a roster has four: %(example)s.")
            % {"most": MAX_COLUMNS, "example": HEADER_EXAMPLE},
        )
        return None
    known: list[str] = []
    ok = True
    for title in cells:
        simple = re.sub(r"[\s-]+", "_", title.strip().lower())
        column = COLUMNS.get(simple)
        if column is None:
            shown = title.strip()[:60] or _("(blank)")
            report.add(
                1,
                shown,
                _("is not a column we know. The header should be: %(example)s.")
                % {"example": HEADER_EXAMPLE},
            )
            ok = False
        elif column in known:
            report.add(1, column, _("appears twice in the header."))
            ok = False
        known.append(column or "")
    for needed in ("name", "date_of_birth"):
        if needed not in known:
            report.add(1, needed, _("column is missing."))
            ok = False
    if "email" not in known and "member_id" not in known:
        report.add(1, None, _("needs an email column or a member_id column (or both)."))
        ok = False
    return known if ok else None


def _rows(source: IO[bytes], report: RosterReport) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with the line it starts on, as a dict by column; header problems on line 1."""
    most = max_rows()
    try:
        lines = _Lines(source, report)
        try:
            first = next(lines)
        except StopIteration:
            report.add(
                None,
                None,
                _("is empty. The first line should be: %(example)s.") % {"example": HEADER_EXAMPLE},
            )
            return
        delimiter = _delimiter(first)

        def again() -> Iterator[str]:
            yield first
            yield from lines

        reader = csv.reader(again(), delimiter=delimiter)
        try:
            header = _header(next(reader), report)
        except csv.Error as error:
            report.add(1, None, _("cannot be read as CSV: %(why)s") % {"why": error})
            return
        if header is None:
            return
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                report.add(line, None, _("cannot be read as CSV: %(why)s") % {"why": error})
                return
            if any(cell.strip() for cell in cells):
                report.rows += 1
                if report.rows > most:
                    report.add(
                        line,
                        None,
                        _("takes the roster past %(count)s people; split it or ask for help.")
                        % {"count": f"{most:,}"},
                    )
                    return
                if len(cells) != len(header):
                    report.add(
                        line,
                        None,
                        _("has %(found)d cells but the header has %(expected)d.")
                        % {"found": len(cells), "expected": len(header)},
                    )
                else:
                    yield line, dict(zip(header, cells, strict=True))
            line = reader.line_num + 1
    except _Stop:
        return


def _date_of_birth(text: str, today: date) -> date | str:
    """The date, or what is wrong with it."""
    text = text.strip()
    if not text:
        return _("is missing.")
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        value = date.fromisoformat(text)
    except ValueError:
        return _("“%(text)s” is not a date like 1958-04-23 (year-month-day).") % {"text": text[:40]}
    if value > today:
        return _("%(date)s is in the future.") % {"date": value.isoformat()}
    if value < EARLIEST_BIRTH:
        return _("%(date)s is before 1900.") % {"date": value.isoformat()}
    return value


def _row(line: int, cells: dict[str, str], today: date, report: RosterReport) -> RosterRow | None:
    """One row checked, or None after reporting each of its problems."""
    before = report.found
    email = normalise_email(cells.get("email", ""))
    member_id = normalise_member_id(cells.get("member_id", ""))
    name = " ".join(cells.get("name", "").split())
    if email:
        if len(email) > EMAIL_LENGTH:
            report.add(
                line, "email", _("is longer than %(count)d characters.") % {"count": EMAIL_LENGTH}
            )
        else:
            try:
                validate_email(email)
            except ValidationError:
                report.add(
                    line, "email", _("“%(text)s” is not an email address.") % {"text": email[:80]}
                )
    if member_id:
        if len(member_id) > MEMBER_ID_LENGTH:
            report.add(
                line,
                "member_id",
                _("is longer than %(count)d characters.") % {"count": MEMBER_ID_LENGTH},
            )
        elif not _MEMBER_ID.fullmatch(member_id):
            report.add(
                line,
                "member_id",
                _("may hold only letters, digits and the signs - _ . /"),
            )
    if not email and not member_id:
        report.add(line, None, _("has no email and no member id: give at least one."))
    if not name:
        report.add(line, "name", _("is missing."))
    elif len(name) > NAME_LENGTH:
        report.add(line, "name", _("is longer than %(count)d characters.") % {"count": NAME_LENGTH})
    born = _date_of_birth(cells.get("date_of_birth", ""), today)
    if isinstance(born, str):
        report.add(line, "date_of_birth", born)
    if report.found != before or isinstance(born, str):
        return None
    return RosterRow(line, email, member_id, name, born)


def read(source: IO[bytes], report: RosterReport) -> Iterator[RosterRow]:
    """The good rows of a roster file; every problem, duplicates included, goes in ``report``.

    Only each identifier and its first line are kept in memory (to name a duplicate's first
    line), never the rows themselves."""
    today = timezone.localdate()
    emails: dict[str, int] = {}
    member_ids: dict[str, int] = {}
    for line, cells in _rows(source, report):
        row = _row(line, cells, today, report)
        if row is None:
            continue
        duplicate = False
        if row.email:
            first = emails.setdefault(row.email, line)
            if first != line:
                report.add(
                    line, "email", _("is the same email as line %(line)d.") % {"line": first}
                )
                duplicate = True
        if row.member_id:
            first = member_ids.setdefault(row.member_id, line)
            if first != line:
                report.add(
                    line,
                    "member_id",
                    _("is the same member id as line %(line)d.") % {"line": first},
                )
                duplicate = True
        if not duplicate:
            yield row


# -- saving -------------------------------------------------------------------------------------


class _NewEntry(NamedTuple):
    organisation: int
    email: str
    member_id: str
    name: str
    date_of_birth: date
    enrolled_user: int | None
    enrolled_at: datetime | None
    line: int


def _insert(rows: list[_NewEntry]) -> None:
    """Insert checked rows with one prepared statement per batch.

    Why not ``bulk_create``: building and compiling a model instance per row made a roster of
    20,000 people hold the database's write lock for seconds, with everyone else's writes
    waiting. Values go through the backend's own adapters, as the ORM's would."""
    columns = [str(RosterEntry._meta.get_field(name).column) for name in _NewEntry._fields]  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted by the backend; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(RosterEntry._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    adapt_date = connection.ops.adapt_datefield_value
    adapt_instant = connection.ops.adapt_datetimefield_value
    params: list[tuple[Any, ...]] = [
        (
            *row[:4],
            adapt_date(row.date_of_birth),
            row.enrolled_user,
            adapt_instant(row.enrolled_at),
            row.line,
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def refuse_if_too_large(size: int | None, report: RosterReport) -> bool:
    """Report an upload over the limit before anything of it is read; True if it is."""
    if size is not None and size > max_bytes():
        report.too_large = True
        report.add(
            None,
            None,
            _("is larger than %(size)s; split it or ask for help.")
            % {"size": filesizeformat(max_bytes())},
        )
        return True
    return False


def replace_roster(organisation: Organisation, source: IO[bytes]) -> RosterReport:
    """Check the whole file, then, only if every line is good, put it in place of the roster.

    ``source`` must be readable twice (``seek(0)``): the first reading checks, the second saves.
    Someone who had enrolled and is still on the new roster (same email, or else same member id)
    stays linked to their entry. Nothing is kept of the rows between the two readings.
    """
    report = RosterReport()
    for _row_checked in read(source, report):
        pass
    if report.problems:
        return report
    if report.rows == 0:
        report.add(None, None, _("has a header but nobody in it."))
        return report
    source.seek(0)
    again = RosterReport()
    with transaction.atomic():
        current = RosterEntry.objects.filter(organisation=organisation)
        links_by_email: dict[str, tuple[int, datetime | None]] = {}
        links_by_member_id: dict[str, tuple[int, datetime | None]] = {}
        for email, member_id, user_id, enrolled_at in current.filter(
            enrolled_user__isnull=False
        ).values_list("email", "member_id", "enrolled_user", "enrolled_at"):
            if email:
                links_by_email[email] = (user_id, enrolled_at)
            if member_id:
                links_by_member_id[member_id] = (user_id, enrolled_at)
        report.replaced = current.delete()[1].get(RosterEntry._meta.label, 0)
        batch: list[_NewEntry] = []
        for row in read(source, again):
            link = links_by_email.get(row.email) if row.email else None
            if link is None and row.member_id:
                link = links_by_member_id.get(row.member_id)
            if link is not None:
                report.still_enrolled += 1
            batch.append(
                _NewEntry(
                    organisation.pk,
                    row.email,
                    row.member_id,
                    row.name,
                    row.date_of_birth,
                    link[0] if link else None,
                    link[1] if link else None,
                    row.line,
                )
            )
            report.entries += 1
            if len(batch) >= BATCH:
                _insert(batch)
                batch.clear()
        if batch:
            _insert(batch)
        if again.problems:  # the file changed between the two readings: take it all back
            transaction.set_rollback(True)
            report.problems, report.found = again.problems, again.found
            report.entries = report.still_enrolled = 0
            return report
    report.saved = True
    return report
