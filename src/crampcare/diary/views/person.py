"""What the diary pages share: how many weeks of the diary to show."""

from __future__ import annotations

from datetime import date

DEFAULT_WEEKS = 4
MAX_WEEKS = 52


def diary_weeks_for(latest: date, night: date) -> int:
    """How many weeks the diary page must show, back from ``latest``, to include ``night``."""
    weeks = -(-((latest - night).days + 1) // 7)
    return min(max(weeks, DEFAULT_WEEKS), MAX_WEEKS)


def weeks_param(value: str | None) -> int:
    """The ``?weeks=`` of the diary page, from DEFAULT_WEEKS to MAX_WEEKS (else the default).

    Never fewer than the default, so the page always sees the two weeks that can be backfilled.
    """
    try:
        weeks = int(value or DEFAULT_WEEKS)
    except ValueError:
        return DEFAULT_WEEKS
    return min(max(weeks, DEFAULT_WEEKS), MAX_WEEKS)
