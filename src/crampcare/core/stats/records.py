"""The plain data the statistics work on: one record per recorded night, and the daily factors.

A night is in the diary only if the person said something about it (a check-in or a logged
cramp); nights with no record are unknown, not cramp-free, and are left out of every rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Factor(StrEnum):
    """Things a person may do on a day that could be linked to cramps that night."""

    LOW_FLUIDS = "low_fluids"
    INTENSE_EXERCISE = "intense_exercise"
    EXERCISE_IN_HEAT = "exercise_in_heat"
    LONG_SITTING = "long_sitting"
    UNSUPPORTIVE_FOOTWEAR = "unsupportive_footwear"
    ALCOHOL = "alcohol"
    NEW_MEDICINE = "new_medicine"
    # Measured by a health app (Apple Health), not typed: see docs/apple-health.md.
    SHORT_SLEEP = "short_sleep"
    HIGH_STEPS = "high_steps"


FACTORS: tuple[Factor, ...] = tuple(Factor)
MEASURED: frozenset[Factor] = frozenset({Factor.SHORT_SLEEP, Factor.HIGH_STEPS})
"""Factors only a health app import answers: never said to be missing for someone without one."""

# What counts as an exposed day. No study gives personal thresholds for these, so they are plain,
# easy-to-explain cut-offs; a cup is 250 ml.
LOW_FLUIDS_BELOW_CUPS = 6.0
"""Fewer than this many cups of drink in the day counts as low fluids."""
INTENSE_EXERCISE_MIN_MINUTES = 30
"""At least this many minutes of vigorous exercise counts as intense exercise."""
LONG_SITTING_MIN_HOURS = 8.0
"""At least this many hours sitting in the day counts as long sitting."""
ALCOHOL_MIN_DRINKS = 2.0
"""At least this many alcoholic drinks in the day counts as alcohol."""
NEW_MEDICINE_WINDOW_NIGHTS = 14
"""A new or changed medicine counts for the night of that day and the 13 nights after it: drug
effects on cramps build up over days to weeks (R11), unlike a single evening's drink."""

SHORT_SLEEP_BELOW_MINUTES = 6 * 60
"""A night with less than this asleep counts as short sleep for the day after it. Adults need 7
hours or more (AASM/SRS consensus, Watson et al. 2015); 6 is a plainly short night, not a
borderline one. It is the night *before* the day: the same night's sleep is partly an effect of
the cramps (they wake people), so it cannot be weighed as their cause."""
HIGH_STEPS_MIN = 12_500
"""At least this many steps in the day counts as a high-step day: "highly active" in Tudor-Locke
and Bassett's step bands (2004)."""

SEVERITY_MAX = 10.0


class Intensity(StrEnum):
    LIGHT = "light"
    MODERATE = "moderate"
    VIGOROUS = "vigorous"


@dataclass(frozen=True, slots=True)
class NightRecord:
    """One recorded night (named by its evening's date, see ``core.nights``).

    ``cramps`` is the number of cramps that night (0 for a cramp-free check-in); ``severities``
    holds the 0-10 pain scores of the cramps that were scored (there may be fewer scores than
    cramps). ``exposures`` are the factors present on the day before this night; ``not_recorded``
    the factors nobody answered for that day, which leave the night out of that factor's
    comparison instead of counting it as "not exposed". ``program_done`` says whether a program
    session was completed that evening.
    """

    night: date
    cramps: int
    severities: tuple[float, ...] = ()
    exposures: frozenset[str] = field(default_factory=frozenset)
    program_done: bool = False
    not_recorded: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.cramps < 0:
            raise ValueError(f"{self.night}: the number of cramps cannot be negative")
        if len(self.severities) > self.cramps:
            raise ValueError(f"{self.night}: more pain scores than cramps")
        for score in self.severities:
            if not 0 <= score <= SEVERITY_MAX or math.isnan(score):
                raise ValueError(f"{self.night}: pain score {score} is outside 0-10")
        unknown = (self.exposures | self.not_recorded) - set(FACTORS)
        if unknown:
            raise ValueError(f"{self.night}: unknown factor ids {sorted(unknown)}")
        if self.exposures & self.not_recorded:
            raise ValueError(f"{self.night}: a factor cannot be both present and not recorded")

    @property
    def mean_severity(self) -> float | None:
        """The night's pain: the mean of its scored cramps (None when none were scored)."""
        return sum(self.severities) / len(self.severities) if self.severities else None


@dataclass(frozen=True, slots=True)
class DailyFactors:
    """What the person recorded about one day; ``None`` means "not answered"."""

    fluid_cups: float | None = None
    exercise_minutes: int | None = None
    exercise_intensity: Intensity | None = None
    exercise_in_heat: bool | None = None
    sitting_hours: float | None = None
    unsupportive_footwear: bool | None = None
    alcohol_drinks: float | None = None
    new_medicine: bool = False
    sleep_minutes_before: int | None = None
    """Time asleep the night before this day (measured by a health app)."""
    steps: int | None = None
    """Steps this day (measured by a health app)."""


@dataclass(frozen=True, slots=True)
class Exposures:
    present: frozenset[str]
    not_recorded: frozenset[str]


def exposures_from(day: DailyFactors) -> Exposures:
    """Turn one day's answers into factor ids, using the named thresholds above."""
    answers: dict[Factor, bool | None] = {
        Factor.LOW_FLUIDS: (
            None if day.fluid_cups is None else day.fluid_cups < LOW_FLUIDS_BELOW_CUPS
        ),
        Factor.INTENSE_EXERCISE: _intense(day),
        Factor.EXERCISE_IN_HEAT: (
            None
            if day.exercise_in_heat is None
            else day.exercise_in_heat and day.exercise_minutes != 0
        ),
        Factor.LONG_SITTING: (
            None if day.sitting_hours is None else day.sitting_hours >= LONG_SITTING_MIN_HOURS
        ),
        Factor.UNSUPPORTIVE_FOOTWEAR: day.unsupportive_footwear,
        Factor.ALCOHOL: (
            None if day.alcohol_drinks is None else day.alcohol_drinks >= ALCOHOL_MIN_DRINKS
        ),
        # People record a medicine change on the day it happens; silence means no change.
        Factor.NEW_MEDICINE: day.new_medicine,
        Factor.SHORT_SLEEP: (
            None
            if day.sleep_minutes_before is None
            else day.sleep_minutes_before < SHORT_SLEEP_BELOW_MINUTES
        ),
        Factor.HIGH_STEPS: None if day.steps is None else day.steps >= HIGH_STEPS_MIN,
    }
    return Exposures(
        present=frozenset(factor.value for factor, answer in answers.items() if answer),
        not_recorded=frozenset(
            factor.value for factor, answer in answers.items() if answer is None
        ),
    )


def _intense(day: DailyFactors) -> bool | None:
    if day.exercise_minutes is None:
        return None
    if day.exercise_minutes == 0:
        return False
    if day.exercise_intensity is None:
        return None
    return (
        day.exercise_intensity is Intensity.VIGOROUS
        and day.exercise_minutes >= INTENSE_EXERCISE_MIN_MINUTES
    )
