"""What a plan is made of: one slot per kind of exercise, in priority order.

A slot says who it is for, which exercises can fill it (in order of preference, with a separate
order for in-bed routines), how it is dosed and why it is there. Plan generation fills each wanted
slot with the first exercise no tailoring rule leaves out. Bedtime slots are listed in priority
order: when the 10 minutes run short, the last extras move to the daytime first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from crampcare.programs.dose import Days
from crampcare.programs.profile import PlanProfile
from crampcare.programs.rules import Block, in_bed_routine


class Role(StrEnum):
    CORE = "core"  # the trial's protocol; progresses week by week
    EXTRA = "extra"  # complementary work at bedtime
    MOVEMENT = "movement"  # daytime breaks from sitting
    WARM_UP = "warm_up"
    COOL_DOWN = "cool_down"
    CARE_TEAM = "care_team"  # added by the person's care team (adjustments.py)


class Dosing(StrEnum):
    LEVEL = "level"  # the current progression level (core stretches)
    TRIAL = "trial"  # the trial's 10 s x 3, kept light so the routine stays short
    STRENGTH = "strength"  # one gentle set of counted repetitions
    LIBRARY = "library"  # the library's own dose
    COOL_DOWN = "cool_down"  # 30 s x 2 after exercise


@dataclass(frozen=True)
class Slot:
    id: str
    block: Block
    role: Role
    dosing: Dosing
    wanted: Callable[[PlanProfile], bool]
    standard: tuple[str, ...]
    # The id of the cited line that says why the slot is there (plan_reasons.yaml).
    why: str
    # Preference order when the bedtime routine is in bed or seated; None: same as standard.
    in_bed: tuple[str, ...] | None = None
    days: Days = Days.EVERY

    def candidates(self, profile: PlanProfile) -> tuple[str, ...]:
        if self.block is Block.BEDTIME and self.in_bed is not None and in_bed_routine(profile):
            return self.in_bed
        return self.standard

    @property
    def all_candidates(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.standard, *(self.in_bed or ()))))


def _everyone(_: PlanProfile) -> bool:
    return True


def _calf_cramps(profile: PlanProfile) -> bool:
    # Most night cramps are in the calf; with no muscle named, assume the calf.
    return "calf" in profile.muscles or not profile.muscles


def _quadriceps_cramps(profile: PlanProfile) -> bool:
    return "quadriceps" in profile.muscles


def _foot_cramps(profile: PlanProfile) -> bool:
    return "foot" in profile.muscles


def _quadriceps_and_exercise(profile: PlanProfile) -> bool:
    return profile.cramps_with_exercise and "quadriceps" in profile.muscles


def _sits_a_lot(profile: PlanProfile) -> bool:
    return profile.sits_a_lot


def _exercise_cramps(profile: PlanProfile) -> bool:
    return profile.cramps_with_exercise


SLOTS: tuple[Slot, ...] = (
    # Bedtime, in priority order. The core first: the trial's protocol.
    Slot(
        "calf",
        Block.BEDTIME,
        Role.CORE,
        Dosing.LEVEL,
        _everyone,
        (
            "calf-stretch-wall",
            "calf-stretch-seated",
            "calf-stretch-towel-bed",
            "calf-stretch-towel-reclined",
        ),
        "trial-stretch",
        # The reclined version keeps the hip well open after a hip replacement.
        in_bed=("calf-stretch-towel-bed", "calf-stretch-towel-reclined", "calf-stretch-seated"),
    ),
    Slot(
        "hamstring",
        Block.BEDTIME,
        Role.CORE,
        Dosing.LEVEL,
        _everyone,
        (
            "hamstring-stretch-standing",
            "hamstring-stretch-seated",
            "hamstring-stretch-lying-hip-safe",
            "hamstring-stretch-supine",
            "hamstring-stretch-side-lying",
        ),
        "trial-stretch",
        # The seated and lying strap stretches give way, after a hip replacement, to the lying
        # stretch that keeps the hip under a right angle.
        in_bed=(
            "hamstring-stretch-supine",
            "hamstring-stretch-lying-hip-safe",
            "hamstring-stretch-side-lying",
            "hamstring-stretch-seated",
        ),
    ),
    Slot(
        "soleus",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.TRIAL,
        _calf_cramps,
        ("soleus-stretch-wall",),
        "soleus",
        in_bed=(),
    ),
    Slot(
        "quadriceps",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.TRIAL,
        _quadriceps_cramps,
        (
            "quad-stretch-standing",
            "quad-stretch-side-lying",
            "hip-flexor-stretch-standing",
            "hip-flexor-stretch-seated",
        ),
        "quadriceps",
        in_bed=("quad-stretch-side-lying", "hip-flexor-stretch-seated"),
    ),
    Slot(
        "foot",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.TRIAL,
        _foot_cramps,
        ("plantar-fascia-stretch", "toe-stretch-seated"),
        "foot",
    ),
    Slot(
        "hip",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.TRIAL,
        _everyone,
        ("pigeon-pose", "figure-four-supine", "figure-four-seated"),
        "hip",
        in_bed=("figure-four-supine", "figure-four-seated"),
    ),
    Slot(
        "glutes",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.STRENGTH,
        _everyone,
        ("clamshell", "glute-bridge"),
        "glutes",
        days=Days.ALTERNATE,
    ),
    Slot(
        "heel-raises",
        Block.DAYTIME,
        Role.EXTRA,
        Dosing.STRENGTH,
        _everyone,
        ("heel-raises-supported", "heel-raises-seated"),
        "heel-raises",
        days=Days.ALTERNATE,
    ),
    # Daytime movement breaks for people who sit a lot.
    Slot(
        "desk-calf-pumps",
        Block.DAYTIME,
        Role.MOVEMENT,
        Dosing.LIBRARY,
        _sits_a_lot,
        ("desk-calf-pumps", "ankle-pumps"),
        "desk-calf-pumps",
    ),
    Slot(
        "walking-break",
        Block.DAYTIME,
        Role.MOVEMENT,
        Dosing.LIBRARY,
        _sits_a_lot,
        ("walking-break", "seated-marching"),
        "walking-break",
    ),
    # Around the person's own exercise, for cramps during or after it.
    Slot(
        "warm-up",
        Block.EXERCISE,
        Role.WARM_UP,
        Dosing.LIBRARY,
        _exercise_cramps,
        ("march-in-place-warm-up", "seated-marching"),
        "warm-up",
    ),
    Slot(
        "leg-swings",
        Block.EXERCISE,
        Role.WARM_UP,
        Dosing.LIBRARY,
        _exercise_cramps,
        ("leg-swings-supported",),
        "leg-swings",
    ),
    Slot(
        "cool-down-calf",
        Block.EXERCISE,
        Role.COOL_DOWN,
        Dosing.COOL_DOWN,
        _exercise_cramps,
        ("calf-stretch-wall", "calf-stretch-seated"),
        "cool-down",
    ),
    Slot(
        "cool-down-hamstring",
        Block.EXERCISE,
        Role.COOL_DOWN,
        Dosing.COOL_DOWN,
        _exercise_cramps,
        ("hamstring-stretch-standing", "hamstring-stretch-seated"),
        "cool-down",
    ),
    Slot(
        "cool-down-quadriceps",
        Block.EXERCISE,
        Role.COOL_DOWN,
        Dosing.COOL_DOWN,
        _quadriceps_and_exercise,
        ("quad-stretch-standing", "hip-flexor-stretch-standing", "hip-flexor-stretch-seated"),
        "cool-down",
    ),
)

SLOTS_BY_ID = {slot.id: slot for slot in SLOTS}


def every_exercise_id() -> frozenset[str]:
    """Every exercise a rule or slot can put in a plan (each must exist in the library)."""
    return frozenset(exercise_id for slot in SLOTS for exercise_id in slot.all_candidates)
