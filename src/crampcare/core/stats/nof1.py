""" "Test it for yourself": a randomised one-person trial of two strategies.

The schedule is a run of one-week blocks in balanced pairs: each pair of weeks has both
strategies, in an order chosen at random, so neither strategy gets all the early (or all the
late) weeks while cramps drift on their own. The analysis compares the strategies' cramp rates
with the same exact conditional rate ratio as the program check, and their pain with the same
Welch interval. An optional washout skips the first nights of each block, in case one week's
strategy lingers into the next.
"""

from __future__ import annotations

import random
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

MIN_NIGHTS_PER_STRATEGY = 7
BLOCK_NIGHTS = 7

N_OF_1_SEVERITY = {
    SeverityVerdict.LOWER: m.N_OF_1_SEVERITY_LOWER,
    SeverityVerdict.HIGHER: m.N_OF_1_SEVERITY_HIGHER,
    SeverityVerdict.UNCLEAR: m.N_OF_1_SEVERITY_UNCLEAR,
    SeverityVerdict.NOT_ENOUGH: m.SEVERITY_NOT_ENOUGH,
}
_VERDICT_TEXT = {
    Verdict.FEWER: m.N_OF_1_FEWER,
    Verdict.MORE: m.N_OF_1_MORE,
    Verdict.UNCLEAR: m.N_OF_1_UNCLEAR,
    Verdict.NO_CRAMPS: m.N_OF_1_NO_CRAMPS,
}


def n_of_1_schedule(strategies: tuple[str, str], weeks: int, seed: int) -> list[str]:
    """One strategy name per week: ``weeks`` must be even (whole pairs) and at least 2."""
    first, second = strategies
    if not first or not second or first == second:
        raise ValueError("choose two different strategies")
    if weeks < 2 or weeks % 2:
        raise ValueError(f"the test needs an even number of weeks (2 or more), not {weeks}")
    rng = random.Random(seed)  # noqa: S311 (a fair coin for a schedule, not a secret)
    schedule: list[str] = []
    for _ in range(weeks // 2):
        schedule.extend((first, second) if rng.random() < 0.5 else (second, first))
    return schedule


@dataclass(frozen=True, slots=True)
class NOf1Result:
    """Strategy B (the second of ``strategies``) compared with strategy A.

    ``rate_ratio`` is B's cramp rate relative to A's; ``severity_change`` is B's mean pain minus
    A's. ``weeks_analysed`` counts schedule weeks with at least one recorded night.
    """

    strategies: tuple[str, str]
    a: Period
    b: Period
    rate_ratio: RateRatio
    severity_change: Difference | None
    verdict: Verdict
    severity_verdict: SeverityVerdict
    weeks_analysed: int
    verdict_message: m.Message
    severity_message: m.Message
    caveat: m.Message = m.N_OF_1_CAVEAT


def analyse_n_of_1(
    nights: Sequence[NightRecord] | NightTable,
    schedule: Sequence[str],
    start: date,
    *,
    strategies: tuple[str, str] | None = None,
    washout_nights: int = 0,
    min_nights: int = MIN_NIGHTS_PER_STRATEGY,
) -> NOf1Result | NotEnoughData:
    """Analyse the recorded nights inside the schedule (week ``i`` starts ``start + 7 i``).

    ``strategies`` fixes which is A and which is B; by default they are taken in the order they
    first appear in the schedule. Nights outside the schedule are ignored.
    """
    names = tuple(dict.fromkeys(schedule))
    if len(names) != 2:
        raise ValueError("the schedule must use exactly two strategies")
    pair = strategies if strategies is not None else (names[0], names[1])
    if set(pair) != set(names):
        raise ValueError(f"the schedule compares {names}, not {pair}")
    if not 0 <= washout_nights < BLOCK_NIGHTS:
        raise ValueError(f"washout must be 0 to {BLOCK_NIGHTS - 1} nights")

    table = as_table(nights)
    offset = table.day - start.toordinal()
    inside = (offset >= 0) & (offset < BLOCK_NIGHTS * len(schedule))
    inside &= offset % BLOCK_NIGHTS >= washout_nights
    positions = np.flatnonzero(inside)
    block = offset[positions] // BLOCK_NIGHTS
    is_b = np.array([name == pair[1] for name in schedule], dtype=np.bool_)[block]
    rows_a, rows_b = positions[~is_b], positions[is_b]
    if rows_a.size < min_nights or rows_b.size < min_nights:
        return not_enough(int(rows_a.size), int(rows_b.size), min_nights)

    a, b = period(table, rows_a, pair[0]), period(table, rows_b, pair[1])
    ratio = night_rate_ratio(table.cramps[rows_a], table.cramps[rows_b])
    change = mean_difference(severities(table, rows_a), severities(table, rows_b))
    frequency = verdict(ratio)
    return NOf1Result(
        strategies=pair,
        a=a,
        b=b,
        rate_ratio=ratio,
        severity_change=change,
        verdict=frequency,
        severity_verdict=severity_verdict(change),
        weeks_analysed=int(np.unique(block).size),
        verdict_message=m.message(_VERDICT_TEXT[frequency], a=pair[0], b=pair[1]),
        severity_message=severity_message(change, N_OF_1_SEVERITY, a=pair[0], b=pair[1]),
    )
