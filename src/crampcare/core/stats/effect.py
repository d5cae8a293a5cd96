""" "Is the program working for me?": the starting period against the latest one.

Periods (counted in recorded nights, so gaps in the diary do not shrink them):

- **Baseline**: the last :data:`BASELINE_MAX_NIGHTS` recorded nights before the program started,
  if there are at least :data:`MIN_NIGHTS` of them. Otherwise (no program date, or too little
  recorded before it) the first :data:`FIRST_WEEK_NIGHTS` recorded nights, which may already
  include the program's first days. The cap keeps an old history (last year's winter, say) from
  standing in for "how things were just before".
- **Latest**: the last :data:`LATEST_NIGHTS` recorded nights after the baseline (and, with a
  program date, on or after it): two weeks, long enough to smooth nightly noise, short enough to
  be "lately".

Below :data:`MIN_NIGHTS` in either period the answer is :class:`NotEnoughData`: with fewer than
a week, one unusual night dominates the rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from . import messages as m
from .periods import (
    NotEnoughData,
    Period,
    SeverityVerdict,
    Verdict,
    change_message,
    not_enough,
    period,
    severities,
    severity_message,
    severity_verdict,
    verdict,
)
from .rates import Difference, RateRatio, mean_difference, night_rate_ratio
from .records import NightRecord
from .table import NightTable, as_table

MIN_NIGHTS = 7
FIRST_WEEK_NIGHTS = 7
LATEST_NIGHTS = 14
BASELINE_MAX_NIGHTS = 28

BEFORE_PROGRAM = "before_program"
FIRST_WEEK = "first_week"
LATEST = "latest"

_VERDICT_TEXT = {
    Verdict.FEWER: m.FEWER,
    Verdict.MORE: m.MORE,
    Verdict.UNCLEAR: m.UNCLEAR,
    Verdict.NO_CRAMPS: m.NO_CRAMPS_EITHER,
}


@dataclass(frozen=True, slots=True)
class Effect:
    """The comparison and everything needed to say it in words.

    ``rate_ratio`` is the latest rate relative to the baseline (below 1 = fewer cramps);
    ``severity_change`` is latest minus baseline mean pain (negative = hurts less), None when a
    period has fewer than 2 nights with a pain score.
    """

    baseline: Period
    latest: Period
    rate_ratio: RateRatio
    percent_change: float | None
    severity_change: Difference | None
    verdict: Verdict
    severity_verdict: SeverityVerdict
    verdict_message: m.Message
    rates_message: m.Message
    change_message: m.Message | None
    severity_message: m.Message
    caveat: m.Message = m.CAVEAT
    trial_context: m.Message = m.TRIAL_CONTEXT


def program_effect(
    nights: Sequence[NightRecord] | NightTable,
    program_start: date | None = None,
    *,
    min_nights: int = MIN_NIGHTS,
) -> Effect | NotEnoughData:
    """Compare the latest nights with the baseline (see the module docstring for the periods)."""
    table = as_table(nights)
    positions = np.arange(len(table))
    baseline_rows = positions[:0]
    later_rows = positions
    label = FIRST_WEEK
    if program_start is not None:
        start = program_start.toordinal()
        before = positions[table.day < start][-BASELINE_MAX_NIGHTS:]
        if before.size >= min_nights:
            baseline_rows, later_rows, label = before, positions[table.day >= start], BEFORE_PROGRAM
    if label == FIRST_WEEK:
        baseline_rows, later_rows = positions[:FIRST_WEEK_NIGHTS], positions[FIRST_WEEK_NIGHTS:]
    latest_rows = later_rows[-LATEST_NIGHTS:]
    if baseline_rows.size < min_nights or latest_rows.size < min_nights:
        return not_enough(int(baseline_rows.size), int(latest_rows.size), min_nights)

    baseline = period(table, baseline_rows, label)
    latest = period(table, latest_rows, LATEST)
    ratio = night_rate_ratio(table.cramps[baseline_rows], table.cramps[latest_rows])
    severity_change = mean_difference(
        severities(table, baseline_rows), severities(table, latest_rows)
    )
    frequency = verdict(ratio)
    return Effect(
        baseline=baseline,
        latest=latest,
        rate_ratio=ratio,
        percent_change=ratio.percent_change,
        severity_change=severity_change,
        verdict=frequency,
        severity_verdict=severity_verdict(severity_change),
        verdict_message=m.message(_VERDICT_TEXT[frequency]),
        rates_message=m.message(
            m.RATES,
            baseline=m.number(baseline.cramps_per_night),
            baseline_nights=str(baseline.nights),
            latest=m.number(latest.cramps_per_night),
            latest_nights=str(latest.nights),
        ),
        change_message=change_message(ratio),
        severity_message=severity_message(severity_change),
    )
