"""Small builders for diary nights, so each test states only what matters to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from crampcare.core.stats import NightRecord

START = date(2024, 1, 1)  # a Monday


def night_series(
    cramps: Sequence[int],
    start: date = START,
    *,
    severities: Sequence[tuple[float, ...]] | None = None,
    exposures: Sequence[Iterable[str]] | None = None,
    program_done: Sequence[bool] | None = None,
) -> list[NightRecord]:
    """Consecutive nights from ``start`` with the given cramp counts (and optional extras)."""
    return [
        NightRecord(
            night=start + timedelta(days=i),
            cramps=count,
            severities=severities[i] if severities else (),
            exposures=frozenset(exposures[i]) if exposures else frozenset(),
            program_done=program_done[i] if program_done else False,
        )
        for i, count in enumerate(cramps)
    ]
