"""Summaries of a group of recorded nights, shared by the program check and the N-of-1 test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np

from . import messages as m
from .rates import Difference, RateRatio
from .table import FloatArray, IntArray, NightTable


@dataclass(frozen=True, slots=True)
class Period:
    """A group of recorded nights: its dates, counts, rate and mean pain.

    ``mean_severity`` is the mean over nights with at least one scored cramp of each night's mean
    score, so one bad night with many cramps does not outweigh the rest; ``rated_nights`` says how
    many nights that is.
    """

    label: str
    first_night: date
    last_night: date
    nights: int
    cramps: int
    cramps_per_night: float
    mean_severity: float | None
    rated_nights: int


class Verdict(StrEnum):
    FEWER = "fewer"
    MORE = "more"
    UNCLEAR = "unclear"
    NO_CRAMPS = "no_cramps"


class SeverityVerdict(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"
    UNCLEAR = "unclear"
    NOT_ENOUGH = "not_enough"


@dataclass(frozen=True, slots=True)
class NotEnoughData:
    """Too few recorded nights to compare: how many more are needed, and how many there are.

    ``group_nights`` counts the recorded nights in the two groups compared: (baseline, latest)
    for the program check, (strategy A, strategy B) for a self-test.
    """

    needed_more_nights: int
    group_nights: tuple[int, int]
    min_nights: int
    message: m.Message


def not_enough(first: int, second: int, min_nights: int) -> NotEnoughData:
    needed = max(0, min_nights - first) + max(0, min_nights - second)
    return NotEnoughData(
        needed_more_nights=needed,
        group_nights=(first, second),
        min_nights=min_nights,
        message=m.plural_message(m.NOT_ENOUGH_NIGHTS, needed, needed=str(needed)),
    )


def period(table: NightTable, rows: IntArray, label: str) -> Period:
    cramps = int(table.cramps[rows].sum())
    scored = severities(table, rows)
    return Period(
        label=label,
        first_night=table.night(int(rows[0])),
        last_night=table.night(int(rows[-1])),
        nights=int(rows.size),
        cramps=cramps,
        cramps_per_night=cramps / rows.size,
        mean_severity=float(scored.mean()) if scored.size else None,
        rated_nights=int(scored.size),
    )


def severities(table: NightTable, rows: IntArray) -> FloatArray:
    values = table.severity[rows]
    return values[~np.isnan(values)]


def verdict(ratio: RateRatio) -> Verdict:
    if ratio.ratio is None:
        return Verdict.NO_CRAMPS
    if ratio.high < 1:
        return Verdict.FEWER
    if ratio.low > 1:
        return Verdict.MORE
    return Verdict.UNCLEAR


def severity_verdict(change: Difference | None) -> SeverityVerdict:
    if change is None:
        return SeverityVerdict.NOT_ENOUGH
    if change.high < 0:
        return SeverityVerdict.LOWER
    if change.low > 0:
        return SeverityVerdict.HIGHER
    return SeverityVerdict.UNCLEAR


def change_message(ratio: RateRatio) -> m.Message | None:
    """The rate ratio and its interval said as percentages ("about 40% fewer ...")."""
    if ratio.ratio is None:
        return None
    fewer_at_most = m.percent((1 - ratio.low) * 100)
    if ratio.ratio == float("inf"):
        if ratio.low > 1:
            return m.message(m.CHANGE_MORE_UNBOUNDED, near=m.percent((ratio.low - 1) * 100))
        return m.message(m.CHANGE_EITHER_WAY_UNBOUNDED, fewer=fewer_at_most)
    if ratio.high < 1:
        return m.message(
            m.CHANGE_FEWER,
            point=m.percent((1 - ratio.ratio) * 100),
            near=m.percent((1 - ratio.high) * 100),
            far=fewer_at_most,
        )
    if ratio.low > 1:
        return m.message(
            m.CHANGE_MORE,
            point=m.percent((ratio.ratio - 1) * 100),
            near=m.percent((ratio.low - 1) * 100),
            far=m.percent((ratio.high - 1) * 100),
        )
    template = m.CHANGE_EITHER_WAY_FEWER if ratio.ratio < 1 else m.CHANGE_EITHER_WAY_MORE
    return m.message(
        template,
        point=m.percent(abs(ratio.ratio - 1) * 100),
        fewer=fewer_at_most,
        more=m.percent((ratio.high - 1) * 100),
    )


PROGRAM_SEVERITY = {
    SeverityVerdict.LOWER: m.SEVERITY_LOWER,
    SeverityVerdict.HIGHER: m.SEVERITY_HIGHER,
    SeverityVerdict.UNCLEAR: m.SEVERITY_UNCLEAR,
    SeverityVerdict.NOT_ENOUGH: m.SEVERITY_NOT_ENOUGH,
}


def severity_message(
    change: Difference | None,
    templates: Mapping[SeverityVerdict, str] = PROGRAM_SEVERITY,
    **names: str,
) -> m.Message:
    """The pain change in words; ``names`` fills any other placeholders (e.g. strategy names)."""
    outcome = severity_verdict(change)
    template = templates[outcome]
    if change is None:
        return m.message(template, **names)
    if outcome is SeverityVerdict.LOWER:
        return m.message(
            template,
            point=m.number(-change.diff),
            near=m.number(-change.high),
            far=m.number(-change.low),
            **names,
        )
    if outcome is SeverityVerdict.HIGHER:
        return m.message(
            template,
            point=m.number(change.diff),
            near=m.number(change.low),
            far=m.number(change.high),
            **names,
        )
    return m.message(
        template,
        point=m.number(change.diff),
        low=m.number(change.low),
        high=m.number(change.high),
        **names,
    )
