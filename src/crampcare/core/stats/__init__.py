"""Honest statistics over a cramp diary: pure functions of plain data (no ORM, no request).

The diary app turns its rows into :class:`NightRecord` values and calls these; the insights page,
the API and the doctor's report all call :func:`compute_insights`. Methods, thresholds and
wording are described in docs/insights.md.
"""

from .effect import (
    BASELINE_MAX_NIGHTS,
    BEFORE_PROGRAM,
    FIRST_WEEK,
    FIRST_WEEK_NIGHTS,
    LATEST,
    LATEST_NIGHTS,
    MIN_NIGHTS,
    Effect,
    program_effect,
)
from .messages import Message
from .nof1 import MIN_NIGHTS_PER_STRATEGY, NOf1Result, analyse_n_of_1, n_of_1_schedule
from .periods import NotEnoughData, Period, SeverityVerdict, Verdict
from .rates import Difference, RateRatio, mean_difference, rate_ratio
from .records import (
    ALCOHOL_MIN_DRINKS,
    FACTORS,
    HIGH_STEPS_MIN,
    INTENSE_EXERCISE_MIN_MINUTES,
    LONG_SITTING_MIN_HOURS,
    LOW_FLUIDS_BELOW_CUPS,
    NEW_MEDICINE_WINDOW_NIGHTS,
    SHORT_SLEEP_BELOW_MINUTES,
    DailyFactors,
    Exposures,
    Factor,
    Intensity,
    NightRecord,
    exposures_from,
)
from .summary import Insights, compute_insights
from .table import NightTable
from .triggers import (
    MIN_TRIGGER_NIGHTS,
    HiddenFactor,
    TriggerResult,
    factors_not_shown,
    possible_triggers,
)
from .weekly import Week, weekly_series

__all__ = [
    "ALCOHOL_MIN_DRINKS",
    "BASELINE_MAX_NIGHTS",
    "BEFORE_PROGRAM",
    "FACTORS",
    "FIRST_WEEK",
    "FIRST_WEEK_NIGHTS",
    "HIGH_STEPS_MIN",
    "INTENSE_EXERCISE_MIN_MINUTES",
    "LATEST",
    "LATEST_NIGHTS",
    "LONG_SITTING_MIN_HOURS",
    "LOW_FLUIDS_BELOW_CUPS",
    "MIN_NIGHTS",
    "MIN_NIGHTS_PER_STRATEGY",
    "MIN_TRIGGER_NIGHTS",
    "NEW_MEDICINE_WINDOW_NIGHTS",
    "SHORT_SLEEP_BELOW_MINUTES",
    "DailyFactors",
    "Difference",
    "Effect",
    "Exposures",
    "Factor",
    "HiddenFactor",
    "Insights",
    "Intensity",
    "Message",
    "NOf1Result",
    "NightRecord",
    "NightTable",
    "NotEnoughData",
    "Period",
    "RateRatio",
    "SeverityVerdict",
    "TriggerResult",
    "Verdict",
    "Week",
    "analyse_n_of_1",
    "compute_insights",
    "exposures_from",
    "factors_not_shown",
    "mean_difference",
    "n_of_1_schedule",
    "possible_triggers",
    "program_effect",
    "rate_ratio",
    "weekly_series",
]
