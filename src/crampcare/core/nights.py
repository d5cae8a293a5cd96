"""Night accounting in the person's own time zone.

A diary "night" runs from the cut-over hour (noon, local time) on one day to noon the next, and
is named by the evening's date: a cramp at 02:00 on the 5th belongs to the night of the 4th.
Instants are stored in UTC; the local date is worked out with ``zoneinfo`` at the moment of the
event, so a daylight-saving change only makes one night 23 or 25 hours long. Nights are named by
dates, so a change can never lose or double one. Noon is used because clock changes happen at
night or around midnight (e.g. America/Santiago at 24:00); from 1990 to 2040 the tz database has
only one change near midday (Sudan's permanent offset change in January 2000).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CUTOVER_HOUR = 12
"""Local hour at which one night ends and the next begins (events before it belong to the
previous evening)."""

_ONE_DAY = timedelta(days=1)


class NaiveDatetimeError(ValueError):
    """Raised when a datetime without a time zone is given where an instant is needed."""


def zone(tz: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name, with a clear error for a name that does not exist."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {tz!r}: use an IANA name such as 'Europe/London'"
        ) from error


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{instant.isoformat()} has no time zone: pass an aware datetime (UTC), "
            "e.g. datetime.now(UTC)"
        )


def local_time(instant: datetime, tz: str) -> datetime:
    """The instant as a wall-clock time in ``tz``."""
    _require_aware(instant)
    return instant.astimezone(zone(tz))


def local_day(instant: datetime, tz: str) -> date:
    """The calendar day in ``tz`` on which the instant falls (used for daily factors)."""
    return local_time(instant, tz).date()


def night_of(instant: datetime, tz: str) -> date:
    """The night (named by its evening's date) to which an aware instant belongs in ``tz``."""
    local = local_time(instant, tz)
    if local.hour < CUTOVER_HOUR:
        return local.date() - _ONE_DAY
    return local.date()


def check_in_night(now: datetime, tz: str) -> date:
    """The night a morning check-in asks about: the one that began yesterday evening.

    At 07:00 on the 5th that is the night of the 4th (just ended); at 15:00 on the 5th it is still
    the 4th, because the night of the 5th has not happened yet.
    """
    return local_day(now, tz) - _ONE_DAY


def night_bounds(night: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants ``[start, end)`` covering a night, for querying stored events.

    The span is 24 hours except on the nights that contain a clock change (23 or 25 hours).
    """
    zone_info = zone(tz)
    start = datetime.combine(night, time(CUTOVER_HOUR), tzinfo=zone_info)
    end = datetime.combine(night + _ONE_DAY, time(CUTOVER_HOUR), tzinfo=zone_info)
    utc = ZoneInfo("UTC")
    return start.astimezone(utc), end.astimezone(utc)


def nights_in_range(start: date, end: date) -> list[date]:
    """Every night from ``start`` to ``end`` inclusive, one per calendar date."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
