"""Weekly figures for the trend charts: cramps per night, pain and program adherence.

Weeks start on Monday and are named by that Monday. Every week from the first recorded night to
the last is listed, including weeks with nothing recorded (their figures are None), so a chart's
time axis has no silent jumps. Nights are already local dates (see ``core.nights``), so no
time zone is needed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .records import NightRecord
from .table import NightTable, as_table


@dataclass(frozen=True, slots=True)
class Week:
    """One week. ``nights`` counts recorded nights; rates and means are over those nights.

    ``mean_severity`` averages the nightly mean pain scores of nights with a scored cramp.
    ``adherence_pct`` is the share of recorded nights (on or after the program start, when one
    is given) with a completed program session; None when there were no such nights.
    """

    start: date
    nights: int
    cramps: int
    cramps_per_night: float | None
    mean_severity: float | None
    adherence_pct: float | None


def weekly_series(
    nights: Sequence[NightRecord] | NightTable, program_start: date | None = None
) -> list[Week]:
    table = as_table(nights)
    if not len(table):
        return []
    # date.toordinal() is 1 for Monday 0001-01-01, so (ordinal - 1) % 7 is the weekday (Monday 0).
    monday = table.day - (table.day - 1) % 7
    first = int(monday[0])
    week = (monday - first) // 7
    size = int(week[-1]) + 1
    recorded = np.bincount(week, minlength=size)
    cramps = np.bincount(week, weights=table.cramps, minlength=size)
    scored = ~np.isnan(table.severity)
    severity_sum = np.bincount(week[scored], weights=table.severity[scored], minlength=size)
    severity_nights = np.bincount(week[scored], minlength=size)
    on_program = (
        np.ones(len(table), dtype=np.bool_)
        if program_start is None
        else table.day >= program_start.toordinal()
    )
    program_nights = np.bincount(week[on_program], minlength=size)
    done = np.bincount(week[on_program & table.program_done], minlength=size)

    # Plain lists: indexing numpy arrays one element at a time is slow.
    rows = zip(
        recorded.tolist(),
        cramps.tolist(),
        severity_sum.tolist(),
        severity_nights.tolist(),
        program_nights.tolist(),
        done.tolist(),
        strict=True,
    )
    return [
        Week(
            start=date.fromordinal(first + 7 * i),
            nights=n,
            cramps=int(total),
            cramps_per_night=total / n if n else None,
            mean_severity=pain / rated if rated else None,
            adherence_pct=100.0 * sessions / possible if possible else None,
        )
        for i, (n, total, pain, rated, possible, sessions) in enumerate(rows)
    ]
