"""Possible triggers: is the cramp rate different on nights after a day with a factor?

For each factor, the nights whose preceding day had it ("exposed"; a factor on day D applies to
the night of D) are compared with every other recorded night where the factor was answered, by the
exact conditional rate ratio (exposed relative to other). A factor is shown only when both groups
have at least :data:`MIN_TRIGGER_NIGHTS` nights: below that, one or two bad nights decide the
result. Shown factors are ordered by strength of evidence: smallest p-value first, then the
ratio furthest from 1 (either way), then the fixed factor order. Because up to nine comparisons
are made at once, each result also carries a Holm-adjusted p-value, and the page shows
:data:`~crampcare.core.stats.messages.TRIGGERS_WARNING`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import messages as m
from .messages import gettext_noop
from .rates import RateRatio, pearson_dispersion, rate_ratio
from .records import FACTORS, MEASURED, Factor, NightRecord
from .table import NightTable, as_table

MIN_TRIGGER_NIGHTS = 10

# Completes "... on nights after ___".
FACTOR_LABELS: dict[Factor, str] = {
    Factor.LOW_FLUIDS: gettext_noop("days you drank less than 6 cups"),
    Factor.INTENSE_EXERCISE: gettext_noop("days with 30 minutes or more of hard exercise"),
    Factor.EXERCISE_IN_HEAT: gettext_noop("days you exercised in the heat"),
    Factor.LONG_SITTING: gettext_noop("days you sat for 8 hours or more"),
    Factor.UNSUPPORTIVE_FOOTWEAR: gettext_noop("days in unsupportive shoes"),
    Factor.ALCOHOL: gettext_noop("days with 2 or more alcoholic drinks"),
    Factor.NEW_MEDICINE: gettext_noop("starting or changing a medicine (the 2 weeks after)"),
    Factor.SHORT_SLEEP: gettext_noop("days after a night of less than 6 hours' sleep"),
    Factor.HIGH_STEPS: gettext_noop("days with 12,500 steps or more"),
}
# The same, for the doctor's report, which speaks of the patient.
CLINICIAN_FACTOR_LABELS: dict[Factor, str] = {
    Factor.LOW_FLUIDS: gettext_noop("days the patient drank less than 6 cups"),
    Factor.INTENSE_EXERCISE: gettext_noop("days with 30 minutes or more of hard exercise"),
    Factor.EXERCISE_IN_HEAT: gettext_noop("days the patient exercised in the heat"),
    Factor.LONG_SITTING: gettext_noop("days the patient sat for 8 hours or more"),
    Factor.UNSUPPORTIVE_FOOTWEAR: gettext_noop("days in unsupportive shoes"),
    Factor.ALCOHOL: gettext_noop("days with 2 or more alcoholic drinks"),
    Factor.NEW_MEDICINE: gettext_noop("starting or changing a medicine (the 2 weeks after)"),
    Factor.SHORT_SLEEP: gettext_noop(
        "days after a night of less than 6 hours' sleep (measured by the patient's health app)"
    ),
    Factor.HIGH_STEPS: gettext_noop(
        "days with 12,500 steps or more (measured by the patient's health app)"
    ),
}
FACTOR_NOTES: dict[Factor, m.Message] = {
    Factor.NEW_MEDICINE: m.MEDICINE_NOTE,
    Factor.LOW_FLUIDS: m.LOW_FLUIDS_NOTE,
}


@dataclass(frozen=True, slots=True)
class TriggerResult:
    """One factor's comparison. ``rate_ratio`` is exposed nights relative to other nights."""

    factor: Factor
    label: str
    exposed_nights: int
    exposed_cramps: int
    exposed_rate: float
    other_nights: int
    other_cramps: int
    other_rate: float
    rate_ratio: RateRatio
    ci_excludes_one: bool
    p_adjusted: float
    message: m.Message
    note: m.Message | None


@dataclass(frozen=True, slots=True)
class HiddenFactor:
    """A factor not shown yet, with what it needs."""

    factor: Factor
    label: str
    exposed_nights: int
    other_nights: int
    message: m.Message


@dataclass(frozen=True, slots=True)
class _Counts:
    factor: Factor
    exposed_nights: int
    exposed_cramps: int
    other_nights: int
    other_cramps: int
    dispersion: float


def _count(table: NightTable, factors: Iterable[str]) -> list[_Counts]:
    counts = []
    for factor in _checked(factors):
        exposed = table.exposed[factor]
        other = ~exposed & ~table.unknown[factor]
        counts.append(
            _Counts(
                factor=factor,
                exposed_nights=int(exposed.sum()),
                exposed_cramps=int(table.cramps[exposed].sum()),
                other_nights=int(other.sum()),
                other_cramps=int(table.cramps[other].sum()),
                dispersion=pearson_dispersion(table.cramps[other], table.cramps[exposed]),
            )
        )
    return counts


def _checked(factors: Iterable[str]) -> list[Factor]:
    chosen = []
    for factor in factors:
        if factor not in FACTORS:
            raise ValueError(f"unknown factor id {factor!r}")
        if Factor(factor) not in chosen:
            chosen.append(Factor(factor))
    return chosen


def possible_triggers(
    nights: Sequence[NightRecord] | NightTable,
    factors: Iterable[str] = FACTORS,
    *,
    min_nights: int = MIN_TRIGGER_NIGHTS,
) -> list[TriggerResult]:
    """Factors with enough nights on both sides, strongest evidence first."""
    shown = [
        count
        for count in _count(as_table(nights), factors)
        if count.exposed_nights >= min_nights and count.other_nights >= min_nights
    ]
    ratios = [
        rate_ratio(
            c.other_cramps,
            c.other_nights,
            c.exposed_cramps,
            c.exposed_nights,
            dispersion=c.dispersion,
            df=float(c.other_nights + c.exposed_nights - 2),
        )
        for c in shown
    ]
    order = sorted(range(len(shown)), key=lambda i: _strength(ratios[i], shown[i].factor))
    adjusted = _holm([ratios[i].p_value for i in order])
    return [
        _result(shown[i], ratios[i], p_adjusted)
        for i, p_adjusted in zip(order, adjusted, strict=True)
    ]


def factors_not_shown(
    nights: Sequence[NightRecord] | NightTable,
    factors: Iterable[str] = FACTORS,
    *,
    min_nights: int = MIN_TRIGGER_NIGHTS,
) -> list[HiddenFactor]:
    """The factors :func:`possible_triggers` leaves out, in the fixed factor order."""
    hidden = []
    for c in _count(as_table(nights), factors):
        if c.exposed_nights >= min_nights and c.other_nights >= min_nights:
            continue
        if c.factor in MEASURED and not c.exposed_nights + c.other_nights:
            continue  # no health app imported: nothing to ask the person for
        label = FACTOR_LABELS[c.factor]
        hidden.append(
            HiddenFactor(
                factor=c.factor,
                label=label,
                exposed_nights=c.exposed_nights,
                other_nights=c.other_nights,
                message=m.message_about(
                    m.TRIGGER_NEEDS_NIGHTS,
                    label,
                    needed=str(min_nights),
                    exposed=str(c.exposed_nights),
                    other=str(c.other_nights),
                ),
            )
        )
    return hidden


def _strength(ratio: RateRatio, factor: Factor) -> tuple[float, float, int]:
    distance = 0.0 if ratio.ratio is None else abs(_log(ratio.ratio))
    return (ratio.p_value, -distance, FACTORS.index(factor))


def _log(value: float) -> float:
    return -math.inf if value == 0 else math.log(value)


def _holm(p_values: list[float]) -> list[float]:
    """Holm step-down adjustment of p-values already sorted from smallest to largest."""
    adjusted: list[float] = []
    running = 0.0
    total = len(p_values)
    for rank, p_value in enumerate(p_values):
        running = max(running, min(1.0, (total - rank) * p_value))
        adjusted.append(running)
    return adjusted


def _result(count: _Counts, ratio: RateRatio, p_adjusted: float) -> TriggerResult:
    label = FACTOR_LABELS[count.factor]
    return TriggerResult(
        factor=count.factor,
        label=label,
        exposed_nights=count.exposed_nights,
        exposed_cramps=count.exposed_cramps,
        exposed_rate=count.exposed_cramps / count.exposed_nights,
        other_nights=count.other_nights,
        other_cramps=count.other_cramps,
        other_rate=count.other_cramps / count.other_nights,
        rate_ratio=ratio,
        ci_excludes_one=ratio.excludes_one,
        p_adjusted=p_adjusted,
        message=_message(ratio, label),
        note=FACTOR_NOTES.get(count.factor),
    )


def _message(ratio: RateRatio, label: str) -> m.Message:
    if ratio.ratio is None:
        return m.message_about(m.TRIGGER_NO_CRAMPS, label)
    if math.isinf(ratio.ratio):
        return m.message_about(m.TRIGGER_ONLY_EXPOSED, label, low=m.number(ratio.low, 2))
    if not ratio.excludes_one:
        template = m.TRIGGER_UNCLEAR
    else:
        template = m.TRIGGER_MORE if ratio.ratio > 1 else m.TRIGGER_FEWER
    return m.message_about(
        template,
        label,
        ratio=m.number(ratio.ratio, 2),
        low=m.number(ratio.low, 2),
        high=m.number(ratio.high, 2),
    )
