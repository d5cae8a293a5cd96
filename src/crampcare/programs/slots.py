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
from crampcare.programs.rules import Block, Why, in_bed_routine, why


class Role(StrEnum):
    CORE = "core"  # the trial's protocol; progresses week by week
    EXTRA = "extra"  # complementary work at bedtime
    MOVEMENT = "movement"  # daytime breaks from sitting
    WARM_UP = "warm_up"
    COOL_DOWN = "cool_down"


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
    why: Why
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


_TRIAL_WHY = why(
    "One of the two bedtime stretches from a trial in people over 55: after 6 weeks of "
    "stretching just before sleep, they had fewer and milder night cramps.",
    "R1",
)
_COOL_DOWN_WHY = why(
    "After exercise, slow down and stretch gently. Gentle stretching is also what to do if a "
    "cramp starts.",
    "R21",
    "R28",
)

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
        _TRIAL_WHY,
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
        _TRIAL_WHY,
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
        why(
            "An extra: stretches the lower calf muscle (soleus), which the straight-knee stretch "
            "misses.",
            "R28",
            "R29",
        ),
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
        why(
            "An extra for your cramps in the front of the thigh: a gentle stretch of those "
            "muscles.",
            "R28",
            "R29",
        ),
        in_bed=("quad-stretch-side-lying", "hip-flexor-stretch-seated"),
    ),
    Slot(
        "foot",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.TRIAL,
        _foot_cramps,
        ("plantar-fascia-stretch", "toe-stretch-seated"),
        why("An extra for your foot cramps: a gentle stretch of the sole and toes.", "R28"),
    ),
    Slot(
        "hip",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.TRIAL,
        _everyone,
        ("pigeon-pose", "figure-four-supine", "figure-four-seated"),
        why(
            "An extra: loosens the buttock and hip muscles, alongside the leg stretches.",
            "R28",
        ),
        in_bed=("figure-four-supine", "figure-four-seated"),
    ),
    Slot(
        "glutes",
        Block.BEDTIME,
        Role.EXTRA,
        Dosing.STRENGTH,
        _everyone,
        ("clamshell", "glute-bridge"),
        why(
            "An extra, every other night: builds strength in the buttock muscles that steady "
            "your hips.",
            "R29",
        ),
        days=Days.ALTERNATE,
    ),
    Slot(
        "heel-raises",
        Block.DAYTIME,
        Role.EXTRA,
        Dosing.STRENGTH,
        _everyone,
        ("heel-raises-supported", "heel-raises-seated"),
        why(
            "An extra, every other day, in the daytime rather than when you are tired at "
            "bedtime: builds calf strength, which helps you stay steady on your feet.",
            "R41",
        ),
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
        why(
            "You sit for many hours a day. Every hour or so, work your calves while seated: "
            "staying in one position for a long time may bring on cramps.",
            "R25",
        ),
    ),
    Slot(
        "walking-break",
        Block.DAYTIME,
        Role.MOVEMENT,
        Dosing.LIBRARY,
        _sits_a_lot,
        ("walking-break", "seated-marching"),
        why(
            "A few times a day, get up and walk for a couple of minutes to break up long sitting.",
            "R25",
        ),
    ),
    # Around the person's own exercise, for cramps during or after it.
    Slot(
        "warm-up",
        Block.EXERCISE,
        Role.WARM_UP,
        Dosing.LIBRARY,
        _exercise_cramps,
        ("march-in-place-warm-up", "seated-marching"),
        why(
            "Cramps during exercise seem linked to tired muscles, so start gently and build up. "
            "No warm-up has been proven to prevent them.",
            "R20",
        ),
    ),
    Slot(
        "leg-swings",
        Block.EXERCISE,
        Role.WARM_UP,
        Dosing.LIBRARY,
        _exercise_cramps,
        ("leg-swings-supported",),
        why("Loosens your hips and thighs before you exercise.", "R28"),
    ),
    Slot(
        "cool-down-calf",
        Block.EXERCISE,
        Role.COOL_DOWN,
        Dosing.COOL_DOWN,
        _exercise_cramps,
        ("calf-stretch-wall", "calf-stretch-seated"),
        _COOL_DOWN_WHY,
    ),
    Slot(
        "cool-down-hamstring",
        Block.EXERCISE,
        Role.COOL_DOWN,
        Dosing.COOL_DOWN,
        _exercise_cramps,
        ("hamstring-stretch-standing", "hamstring-stretch-seated"),
        _COOL_DOWN_WHY,
    ),
    Slot(
        "cool-down-quadriceps",
        Block.EXERCISE,
        Role.COOL_DOWN,
        Dosing.COOL_DOWN,
        _quadriceps_and_exercise,
        ("quad-stretch-standing", "hip-flexor-stretch-standing", "hip-flexor-stretch-seated"),
        _COOL_DOWN_WHY,
    ),
)

SLOTS_BY_ID = {slot.id: slot for slot in SLOTS}


def every_exercise_id() -> frozenset[str]:
    """Every exercise a rule or slot can put in a plan (each must exist in the library)."""
    return frozenset(exercise_id for slot in SLOTS for exercise_id in slot.all_candidates)
