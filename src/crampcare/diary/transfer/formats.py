"""The CSV layout of a diary export: which columns each file has and how values are written.

Values are written so that reading them back gives exactly the same value (see docs/diary.md):
blank means "not said", yes/no for answers, ISO 8601 dates, and times as the person's own wall
clock time with its UTC offset (an exact instant that still reads naturally in a spreadsheet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

FORMAT_NAME = "crampcare.diary"
FORMAT_VERSION = 1

# A spreadsheet treats a cell starting with one of these as a formula; exports quote them with a
# leading apostrophe (and apostrophes themselves, so the quoting is reversible).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


class CellError(ValueError):
    """A value in one cell cannot be read; the message says what is expected."""


def escape_text(value: str) -> str:
    return _QUOTE + value if value.startswith((*_FORMULA_START, _QUOTE)) else value


def unescape_text(text: str) -> str:
    if len(text) > 1 and text[0] == _QUOTE and text[1] in (*_FORMULA_START, _QUOTE):
        return text[1:]
    return text


def _whole(text: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise CellError(_("should be a whole number, like 3")) from None


def _required_whole(text: str) -> int:
    value = _whole(text)
    if value is None:
        raise CellError(_("is required"))
    return value


def _decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("should be a number, like 6.5")) from None
    if not value.is_finite():
        raise CellError(_("should be a number, like 6.5"))
    return value


_YES = {"yes", "true", "1"}
_NO = {"no", "false", "0"}


def _answer(text: str) -> bool | None:
    lowered = text.strip().lower()
    if not lowered:
        return None
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise CellError(_("should be yes, no, or blank"))


def _yes_no(text: str) -> bool:
    return bool(_answer(text))


def _dump_answer(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _date(text: str) -> date:
    if not text:
        raise CellError(_("is required"))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(_("should be a date like 2024-06-04")) from None


def _instant(text: str) -> datetime:
    if not text:
        raise CellError(_("is required"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(_("should be a date and time like 2024-06-05T02:14:00+01:00")) from None
    if value.tzinfo is None:
        raise CellError(_("needs its UTC offset, like 2024-06-05T02:14:00+01:00 (or Z for UTC)"))
    return value


def _relief(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    name: str
    load: Callable[[str], Any] = unescape_text
    dump: Callable[[Any], str] = _plain
    saved: bool = True
    """False for columns written for people's benefit and worked out again on import."""


def _text(name: str) -> Column:
    return Column(name, load=unescape_text, dump=escape_text)


def _choice(name: str) -> Column:
    return Column(name, load=str.strip)


def _whole_number(name: str) -> Column:
    return Column(name, load=_whole)


def _number(name: str) -> Column:
    return Column(name, load=_decimal)


def _yes_no_blank(name: str) -> Column:
    return Column(name, load=_answer, dump=_dump_answer)


EPISODE_COLUMNS = (
    Column("started_at", load=_instant),  # written by instant_in(zone), see below
    Column("night", saved=False),
    _choice("muscle"),
    _choice("side"),
    _whole_number("severity"),
    _whole_number("duration_minutes"),
    _yes_no_blank("woke_me"),
    Column("helped", load=_relief, dump=";".join),
    _text("notes"),
)
CHECKIN_COLUMNS = (
    Column("night", load=_date),
    Column("cramp_count", load=_required_whole),
    _whole_number("severity"),
    _whole_number("sleep_disruption"),
    _text("notes"),
)
FACTOR_COLUMNS = (
    Column("date", load=_date),
    _number("fluid_cups"),
    _whole_number("exercise_minutes"),
    _choice("exercise_intensity"),
    _yes_no_blank("exercise_in_heat"),
    _number("sitting_hours"),
    _choice("footwear"),
    _number("alcohol_drinks"),
    Column("medicine_change", load=_yes_no, dump=_dump_answer),
    _text("medicine_note"),
)
PROFILE_COLUMNS = (
    Column("email", saved=False),
    _text("display_name"),
    _choice("time_zone"),
)

EPISODES, CHECKINS, FACTORS, PROFILE = "episodes.csv", "checkins.csv", "factors.csv", "profile.csv"
FILES: dict[str, tuple[Column, ...]] = {
    EPISODES: EPISODE_COLUMNS,
    CHECKINS: CHECKIN_COLUMNS,
    FACTORS: FACTOR_COLUMNS,
    PROFILE: PROFILE_COLUMNS,
}
KEY_COLUMN = {EPISODES: "started_at", CHECKINS: "night", FACTORS: "date"}


def instant_in(zone: ZoneInfo) -> Callable[[datetime], str]:
    """Write an instant as the person's wall-clock time with its offset, to the second."""

    def dump(value: datetime) -> str:
        return value.astimezone(zone).isoformat(timespec="seconds")

    return dump
