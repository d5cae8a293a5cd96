"""Every insight in one call, so the insights page, the API and the doctor's report show the same
figures from the same computation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from . import messages as m
from .effect import Effect, program_effect
from .periods import NotEnoughData
from .records import FACTORS, NightRecord
from .table import NightTable
from .triggers import HiddenFactor, TriggerResult, factors_not_shown, possible_triggers
from .weekly import Week, weekly_series


@dataclass(frozen=True, slots=True)
class Insights:
    effect: Effect | NotEnoughData
    triggers: list[TriggerResult]
    hidden_factors: list[HiddenFactor]
    weeks: list[Week]
    triggers_warning: m.Message = m.TRIGGERS_WARNING


def compute_insights(
    nights: Iterable[NightRecord],
    program_start: date | None = None,
    factors: Iterable[str] = FACTORS,
) -> Insights:
    """Program effect, possible triggers and weekly series over the same nights."""
    table = NightTable.from_records(nights)
    chosen = tuple(factors)
    return Insights(
        effect=program_effect(table, program_start),
        triggers=possible_triggers(table, chosen),
        hidden_factors=factors_not_shown(table, chosen),
        weeks=weekly_series(table, program_start),
    )
