"""How much of each exercise: doses, how long they take, and the six progression levels."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# The bedtime routine never takes longer than this, at any level, for anyone.
BEDTIME_LIMIT_SECONDS = 600

# The same clock as the exercise library (exercise_schema.py), so a dose shown on a plan and on
# an exercise page agree: untimed repetitions take about 3 s each when done slowly, and getting
# into position takes about 10 s.
SECONDS_PER_REP = 3
SETUP_SECONDS = 10

# The trial's dose: hold 10 s, 3 times, 10 s rest between holds [R1].
TRIAL_HOLD_SECONDS = 10
TRIAL_REPS = 3
TRIAL_REST_SECONDS = 10
# Strength extras at bedtime: one gentle set (the library's full dose is for the daytime).
BEDTIME_STRENGTH_MAX_REPS = 10
# Cool-down stretches after exercise: within general guidance of 10-30 s, 2-4 times [R28].
COOL_DOWN_HOLD_SECONDS = 30
COOL_DOWN_REPS = 2


class Days(StrEnum):
    EVERY = "every"  # every night (or every day, for daytime items)
    ALTERNATE = "alternate"  # every other night
    MOST = "most"  # maintenance: at least 5 nights a week


class Dose(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Length of one hold; None for counted repetitions (heel raises, clamshells).
    hold_seconds: int | None = Field(ge=1)
    reps: int = Field(ge=1)
    sets: int = Field(ge=1)
    # Between holds, or between sets and sides of counted repetitions.
    rest_seconds: int = Field(ge=0)
    per_side: bool
    days: Days = Days.EVERY

    @property
    def sides(self) -> int:
        return 2 if self.per_side else 1

    @property
    def seconds(self) -> int:
        """Realistic time for the whole dose: both sides, rests and setting up included."""
        per_rep = self.hold_seconds if self.hold_seconds is not None else SECONDS_PER_REP
        work = self.sides * self.sets * self.reps * per_rep
        # Holds rest between each hold; counted reps rest between sets. Changing side costs one
        # rest, and there is no rest after the last effort (as in the library).
        efforts_per_side = self.sets * self.reps if self.hold_seconds is not None else self.sets
        rests = (self.sides * efforts_per_side - 1) * self.rest_seconds
        return SETUP_SECONDS + work + rests


@dataclass(frozen=True)
class Level:
    """The dose of the program's core stretches at one progression level."""

    number: int
    hold_seconds: int
    reps: int
    harder_variants: bool = False

    def changes_from(self, other: Level) -> frozenset[str]:
        """Which parts of the dose differ from ``other``: 'hold', 'reps' and/or 'variant'."""
        changed = set()
        if self.hold_seconds != other.hold_seconds:
            changed.add("hold")
        if self.reps != other.reps:
            changed.add("reps")
        if self.harder_variants != other.harder_variants:
            changed.add("variant")
        return frozenset(changed)


# One thing changes per level (tested). Level 1 is the trial's dose [R1]; holds grow towards the
# 10-30 s of general guidance [R28]. Holds stop at 25 s because 4 holds of 30 s would take the two
# core stretches alone past the 10-minute bedtime limit (tested). Six levels: someone who steps up
# every week reaches the top in week 6.
LEVELS: tuple[Level, ...] = (
    Level(1, hold_seconds=10, reps=3),
    Level(2, hold_seconds=15, reps=3),
    Level(3, hold_seconds=20, reps=3),
    Level(4, hold_seconds=25, reps=3),
    Level(5, hold_seconds=25, reps=4),
    Level(6, hold_seconds=25, reps=4, harder_variants=True),
)
MIN_LEVEL = LEVELS[0].number
MAX_LEVEL = LEVELS[-1].number


def level(number: int) -> Level:
    if not MIN_LEVEL <= number <= MAX_LEVEL:
        raise ValueError(f"level must be {MIN_LEVEL} to {MAX_LEVEL}, not {number}")
    return LEVELS[number - 1]


# The shortest hold a clinician may set: a few seconds, for exercises the library holds briefly.
MIN_HOLD_SECONDS = 5


@dataclass(frozen=True)
class SafeRange:
    """How far a clinician may change one exercise's dose (inclusive bounds). Never more than the
    library's own dose for it or the program's top level, whichever is more; never less than one
    repetition and one set; a hold of at least ``MIN_HOLD_SECONDS`` (None: counted repetitions,
    which have no hold)."""

    hold_seconds: tuple[int, int] | None
    reps: tuple[int, int]
    sets: tuple[int, int]


def safe_range(library_hold: int | None, library_reps: int, library_sets: int) -> SafeRange:
    top = LEVELS[-1]
    hold = (
        None
        if library_hold is None
        else (min(MIN_HOLD_SECONDS, library_hold), max(library_hold, top.hold_seconds))
    )
    return SafeRange(
        hold_seconds=hold, reps=(1, max(library_reps, top.reps)), sets=(1, max(library_sets, 1))
    )
