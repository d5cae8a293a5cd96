"""How one CSV cell is read and written, for every kind of value an export holds.

Each reader turns the text of a cell into a value or raises ``CellError`` with what is expected;
each writer is its exact inverse, so reading back what was written gives the same value (the round
trip of docs/diary.md). Blank means "not said".
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

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


def dump_plain(value: Any) -> str:
    return "" if value is None else str(value)


# -- numbers ----------------------------------------------------------------------------------


def whole(text: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise CellError(_("should be a whole number, like 3")) from None


def required_whole(text: str) -> int:
    value = whole(text)
    if value is None:
        raise CellError(_("is required"))
    return value


def decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("should be a number, like 6.5")) from None
    if not value.is_finite():
        raise CellError(_("should be a number, like 6.5"))
    return value


# -- answers ----------------------------------------------------------------------------------

_YES = {"yes", "true", "1"}
_NO = {"no", "false", "0"}


def answer(text: str) -> bool | None:
    lowered = text.strip().lower()
    if not lowered:
        return None
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise CellError(_("should be yes, no, or blank"))


def yes_no(text: str) -> bool:
    """A yes/no where blank means no."""
    return bool(answer(text))


def dump_answer(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


# -- dates and times --------------------------------------------------------------------------


def optional_date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(_("should be a date like 2024-06-04")) from None


def required_date(text: str) -> date:
    value = optional_date(text)
    if value is None:
        raise CellError(_("is required"))
    return value


def dump_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def optional_instant(text: str) -> datetime | None:
    """An exact instant: ISO 8601 with its UTC offset (``Z`` for UTC), kept in UTC."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(_("should be a date and time like 2024-06-05T02:14:00+01:00")) from None
    if value.tzinfo is None:
        raise CellError(_("needs its UTC offset, like 2024-06-05T02:14:00+01:00 (or Z for UTC)"))
    try:
        return value.astimezone(UTC)
    except OverflowError:  # the first or last hours of the calendar, shifted out of it
        raise CellError(_("is too far in the past or the future")) from None


def required_instant(text: str) -> datetime:
    value = optional_instant(text)
    if value is None:
        raise CellError(_("is required"))
    return value


def dump_utc(value: datetime | None) -> str:
    """An instant in UTC with ``Z``, to the microsecond when it has one (nothing is rounded)."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def clock_time(text: str) -> time:
    if not text:
        raise CellError(_("is required"))
    try:
        value = time.fromisoformat(text)
    except ValueError:
        raise CellError(_("should be a time like 22:30")) from None
    if value.tzinfo is not None:
        raise CellError(_("should be a time like 22:30"))
    return value


def dump_clock_time(value: time | None) -> str:
    if value is None:
        return ""
    return value.isoformat("minutes" if not (value.second or value.microsecond) else "auto")


# -- lists and JSON ---------------------------------------------------------------------------


def relief(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def dump_json(value: Any) -> str:
    """Compact, key-sorted JSON: the same value always gives the same text. (Null is blank.)"""
    if value is None:
        return ""
    return escape_text(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def _no_constants(name: str) -> Any:
    # NaN and Infinity are not JSON, whatever Python's json module allows.
    raise CellError(_("is not valid JSON (%(name)s is not a JSON number)") % {"name": name})


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as infinity, which JSON cannot hold
        raise CellError(_("is not valid JSON (%(text)s is too large a number)") % {"text": text})
    return value


def _parsed_json(text: str) -> Any:
    try:
        return json.loads(unescape_text(text), parse_constant=_no_constants, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise CellError(
            _("is not valid JSON (%(reason)s at character %(position)d)")
            % {"reason": error.msg, "position": error.pos + 1}
        ) from None
    except RecursionError:
        raise CellError(_("is nested too deeply")) from None


def json_object(text: str) -> dict[str, Any]:
    if not text:
        raise CellError(_("is required (an empty one is {})"))
    value = _parsed_json(text)
    if not isinstance(value, dict):
        raise CellError(_("should be a JSON object, like {}"))
    return value


def json_list(text: str) -> list[Any]:
    if not text:
        raise CellError(_("is required (an empty one is [])"))
    value = _parsed_json(text)
    if not isinstance(value, list):
        raise CellError(_("should be a JSON list, like []"))
    return value


def optional_json(text: str) -> Any:
    """Any JSON value; blank (or ``null``) means none."""
    return _parsed_json(text) if text else None


def optional_json_object(text: str) -> dict[str, Any] | None:
    value = optional_json(text)
    if value is not None and not isinstance(value, dict):
        raise CellError(_("should be a JSON object, like {}, or blank"))
    return value
