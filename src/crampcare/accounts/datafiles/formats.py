"""What an export is made of: columns and files, the declarations each app's data files use.

Each app describes its own tables once, in its ``data_files.py`` (``diary.data_files``,
``programs.data_files``, ...), and ``crampcare.portability.layout`` collects them. The CSV header,
the JSON document, the README.txt in the zip and the import all read those descriptions, so they
cannot drift apart. Values are written so that reading them back gives exactly the same value (see
``cells`` and docs/diary.md). Nothing here exports or imports: that is ``crampcare.portability``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from crampcare.accounts.datafiles import cells

if TYPE_CHECKING:
    from django.db.models import Model
    from django_stubs_ext import StrOrPromise

    from crampcare.accounts.models import User


def plain_json(value: Any) -> Any:
    """A value with JSON's own types: numbers stay numbers, dates become ISO 8601 text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Column:
    name: str
    about: StrOrPromise
    load: Callable[[str], Any] = cells.unescape_text
    dump: Callable[[Any], str] = cells.dump_plain
    to_json: Callable[[Any], Any] = plain_json
    saved: bool = True
    """False for columns written for people's benefit and worked out again on import."""
    local_time: bool = False
    """An instant written as the person's own wall-clock time with its offset (episodes.csv)."""
    holds_json: bool = False


def text(name: str, about: StrOrPromise) -> Column:
    return Column(name, about, load=cells.unescape_text, dump=cells.escape_text)


def choice(name: str, about: StrOrPromise) -> Column:
    return Column(name, about, load=str.strip)


def whole_number(name: str, about: StrOrPromise) -> Column:
    return Column(name, about, load=cells.whole)


def number(name: str, about: StrOrPromise) -> Column:
    return Column(name, about, load=cells.decimal)


def yes_no_blank(name: str, about: StrOrPromise) -> Column:
    return Column(name, about, load=cells.answer, dump=cells.dump_answer)


def yes_no(name: str, about: StrOrPromise) -> Column:
    """A yes/no that is never unanswered: blank reads as no."""
    return Column(name, about, load=cells.yes_no, dump=cells.dump_answer)


def day(name: str, about: StrOrPromise, *, required: bool = True) -> Column:
    load = cells.required_date if required else cells.optional_date
    return Column(name, about, load=load, dump=cells.dump_date)


def _utc_or_none(value: datetime | None) -> str | None:
    return None if value is None else cells.dump_utc(value)


def instant(name: str, about: StrOrPromise, *, required: bool = True) -> Column:
    """An exact instant, written in UTC (``2024-06-05T01:14:05.123456Z``)."""
    load = cells.required_instant if required else cells.optional_instant
    return Column(name, about, load=load, dump=cells.dump_utc, to_json=_utc_or_none)


def clock_time(name: str, about: StrOrPromise) -> Column:
    return Column(
        name,
        about,
        load=cells.clock_time,
        dump=cells.dump_clock_time,
        to_json=cells.dump_clock_time,
    )


def json_value(name: str, about: StrOrPromise, load: Callable[[str], Any]) -> Column:
    """Structured data as compact, key-sorted JSON text in the CSV; as itself in the JSON file."""
    return Column(name, about, load=load, dump=cells.dump_json, holds_json=True)


def instant_in(zone: ZoneInfo) -> Callable[[datetime], str]:
    """Write an instant as the person's wall-clock time with its offset, to the second."""

    def dump(value: datetime) -> str:
        return value.astimezone(zone).isoformat(timespec="seconds")

    return dump


Rows = Callable[["User"], Iterable[Any]]
Prepare = Callable[["User", Any], None]
BulkSave = Callable[["User", list[Any], list[str] | None], None]


@dataclass(frozen=True)
class DataFile:
    """One CSV file of the export (and its section of the JSON document)."""

    name: str
    section: str
    about: StrOrPromise
    columns: tuple[Column, ...]
    rows: Rows
    """The person's rows to export, in file order (oldest first)."""
    model: type[Model] | None = None
    """Set for files imported row by row; None for the profile (applied on its own) and for
    files that are exported only."""
    key: tuple[str, ...] = ()
    """A row whose key is already in the account updates that record instead of adding one."""
    one_row: bool = False
    """At most one row, which updates the person's one record (profile, program)."""
    required: tuple[str, ...] = ()
    """Columns the header must have besides the key."""
    prepare: Prepare | None = None
    """The app's check of one record read from the file (the rules a model cannot check alone,
    as the app's own writes use them); raises ``ValidationError``; sets ``worked_out``."""
    worked_out: tuple[str, ...] = ()
    of_program: bool = False
    """Rows belong to the person's program (which must exist or come in the same import)."""
    save: BulkSave | None = None
    """The app's bulk entry point: saves checked records, new ones (``None``) or the given fields
    of existing ones; called once per batch inside the importer's short transaction."""
    import_note: StrOrPromise = ""
    """For files that are not imported: why, said in the import report."""

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def needed(self) -> tuple[str, ...]:
        return (*self.key, *self.required)

    @property
    def imported(self) -> bool:
        return self.model is not None

    def saved_fields(self) -> list[str]:
        fields = [column.name for column in self.columns if column.saved]
        return [*fields, *self.worked_out, *(["program"] if self.of_program else [])]


def owned_rows(model: Any, *order: str) -> Rows:
    """Rows through the ownership chokepoint, in a fixed order (ties broken by creation)."""

    def rows(user: User) -> Iterable[Any]:
        return model.objects.for_user(user).order_by(*order, "pk")  # type: ignore[no-any-return]

    return rows
