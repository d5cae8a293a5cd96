"""Tailoring rules: who should not get which exercise, and why.

Each rule is one row of :data:`RULES`: when it applies to a person and which exercises it leaves
out (in which part of the plan). Its id is also the id of its cited one-line reason, recorded in
the plan's notes and worded from knowledge/content/plan_reasons.yaml when shown. Rules for a
condition combine the exercises named here (so the rule holds on any catalogue) with those the
exercise library itself marks "avoid" for that condition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from crampcare.programs.catalogue import ExerciseInfo
from crampcare.programs.profile import PREGNANCY_CAUTION, PlanProfile


class Block(StrEnum):
    BEDTIME = "bedtime"  # the nightly routine, at most 10 minutes, just before sleep
    DAYTIME = "daytime"  # movement breaks, and extras that did not fit at bedtime
    EXERCISE = "exercise"  # warm-up and cool-down around the person's own exercise


# Bending the knee a long way: heel to buttock, kneeling on it, or folding it under the body.
DEEP_KNEE_BENDING = frozenset(
    {
        "quad-stretch-standing",
        "quad-stretch-side-lying",
        "pigeon-pose",
        "hip-flexor-stretch-half-kneeling",
        "knee-to-chest",
        "quad-stretch-prone",
        "quad-stretch-side-lying-bed",
        "cramp-release-quad-in-bed",
        "toe-stretch-kneeling",
        "soleus-stretch-half-kneeling",
        "walking-lunges",
    }
)
# Deep hip bending combined with turning the hip, which hip precautions rule out [R30].
DEEP_HIP_FLEXION = frozenset({"pigeon-pose", "knee-to-chest"})
FIGURE_FOUR_LYING = "figure-four-supine"
# Both figure-4 stretches cross the legs and turn the hip; the library says to do either only once
# the surgeon or physical therapist has cleared it after a hip replacement [R30].
FIGURE_FOUR = frozenset({FIGURE_FOUR_LYING, "figure-four-seated"})
# Stretches that bend the hip to a right angle or past it (sitting and leaning forward, or raising
# a straight leg towards upright): after a hip replacement the plan uses variants that keep the
# hip under a right angle, reclined with a long strap or lying with the leg kept low [R30].
HIP_PAST_RIGHT_ANGLE = frozenset(
    {"calf-stretch-towel-bed", "hamstring-stretch-seated", "hamstring-stretch-supine"}
)
PIGEON_POSE = "pigeon-pose"
# Pigeon pose is kept for people under this age who exercise at least moderately.
PIGEON_MAX_AGE = 54
# Exercises done on a step or stair (the library's equipment key).
STEP_EQUIPMENT = "step"


def library_says_avoid(exercise: ExerciseInfo, *caution_keys: str) -> bool:
    return any(
        key in exercise.cautions and exercise.cautions[key].action == "avoid"
        for key in caution_keys
    )


def bed_friendly(exercise: ExerciseInfo) -> bool:
    """Can be done without standing or getting down to the floor: in bed, lying on the bed, or
    sitting on the edge of the bed or a chair."""
    return exercise.position in ("in_bed", "seated") or exercise.lying_on is not None


def in_bed_routine(profile: PlanProfile) -> bool:
    """Whether the bedtime routine is built from in-bed and seated exercises (see the rules
    balance-seated-or-in-bed, limited-mobility-in-bed and prefers-in-bed)."""
    return (
        profile.has("balance_problems") or profile.has("limited_mobility") or profile.prefers_in_bed
    )


@dataclass(frozen=True)
class Rule:
    id: str
    applies: Callable[[PlanProfile], bool]
    avoids: Callable[[PlanProfile, ExerciseInfo, Block], bool]

    @property
    def why(self) -> str:
        """The id of the cited line a plan note carries (plan_reasons.yaml): the rule's own."""
        return self.id

    def excludes(self, profile: PlanProfile, exercise: ExerciseInfo, block: Block) -> bool:
        return self.applies(profile) and self.avoids(profile, exercise, block)


def _pregnancy_applies(profile: PlanProfile) -> bool:
    return profile.after_first_trimester


def _pregnancy_avoids(_: PlanProfile, exercise: ExerciseInfo, __: Block) -> bool:
    return exercise.lying_on == "back" or library_says_avoid(exercise, PREGNANCY_CAUTION)


def _hip_applies(profile: PlanProfile) -> bool:
    return profile.has("hip_replacement")


def _hip_avoids(profile: PlanProfile, exercise: ExerciseInfo, _: Block) -> bool:
    if exercise.id in DEEP_HIP_FLEXION or exercise.id in HIP_PAST_RIGHT_ANGLE:
        return True
    if library_says_avoid(exercise, "hip_replacement"):
        return True
    return exercise.id in FIGURE_FOUR and not profile.cleared_for_hip_rotation


def _knee_applies(profile: PlanProfile) -> bool:
    return profile.has("knee_pain") or profile.has("knee_replacement")


def _knee_avoids(_: PlanProfile, exercise: ExerciseInfo, __: Block) -> bool:
    return exercise.id in DEEP_KNEE_BENDING or library_says_avoid(
        exercise, "knee_pain", "knee_replacement"
    )


def _balance_applies(profile: PlanProfile) -> bool:
    return profile.has("balance_problems")


def _balance_avoids(_: PlanProfile, exercise: ExerciseInfo, block: Block) -> bool:
    at_bedtime = block is Block.BEDTIME and not bed_friendly(exercise)
    return at_bedtime or library_says_avoid(exercise, "balance_problems")


def _mobility_applies(profile: PlanProfile) -> bool:
    return profile.has("limited_mobility")


def _mobility_avoids(_: PlanProfile, exercise: ExerciseInfo, block: Block) -> bool:
    at_bedtime = block is Block.BEDTIME and not bed_friendly(exercise)
    return at_bedtime or library_says_avoid(exercise, "limited_mobility")


def _in_bed_applies(profile: PlanProfile) -> bool:
    return profile.prefers_in_bed


def _in_bed_avoids(_: PlanProfile, exercise: ExerciseInfo, block: Block) -> bool:
    return block is Block.BEDTIME and not bed_friendly(exercise)


def _step_applies(profile: PlanProfile) -> bool:
    return profile.older_adult or profile.has("balance_problems")


def _step_avoids(_: PlanProfile, exercise: ExerciseInfo, block: Block) -> bool:
    return block is Block.BEDTIME and STEP_EQUIPMENT in exercise.equipment


def _gentle_hip_applies(profile: PlanProfile) -> bool:
    young = profile.age is not None and profile.age <= PIGEON_MAX_AGE
    active = profile.exercise_level in ("moderate", "intense")
    return not (young and active)


def _gentle_hip_avoids(_: PlanProfile, exercise: ExerciseInfo, __: Block) -> bool:
    return exercise.id == PIGEON_POSE


RULES: tuple[Rule, ...] = (
    Rule(
        "pregnancy-no-lying-on-back",
        _pregnancy_applies,
        _pregnancy_avoids,
    ),
    Rule(
        "hip-replacement-precautions",
        _hip_applies,
        _hip_avoids,
    ),
    Rule(
        "knee-no-deep-bending",
        _knee_applies,
        _knee_avoids,
    ),
    Rule(
        "balance-seated-or-in-bed",
        _balance_applies,
        _balance_avoids,
    ),
    Rule(
        "limited-mobility-in-bed",
        _mobility_applies,
        _mobility_avoids,
    ),
    Rule(
        "prefers-in-bed",
        _in_bed_applies,
        _in_bed_avoids,
    ),
    Rule(
        "no-step-stretch-at-bedtime",
        _step_applies,
        _step_avoids,
    ),
    Rule(
        "gentler-hip-stretch",
        _gentle_hip_applies,
        _gentle_hip_avoids,
    ),
)

# Not exclusions: the notes recorded when an extra moves out of the bedtime routine, because the
# person follows the trial's dose (the default, unless they asked for more), or because the routine
# stays within 10 minutes. Their words are in plan_reasons.yaml under the same ids.
TRIAL_DOSE_RULE = "trial-dose-bedtime"
TEN_MINUTES_RULE = "ten-minute-bedtime"

# Every id a plan note can carry, each with its words in plan_reasons.yaml (checked when loaded).
CHANGE_REASONS: tuple[str, ...] = (*(rule.id for rule in RULES), TRIAL_DOSE_RULE, TEN_MINUTES_RULE)


def excluding_rules(profile: PlanProfile, exercise: ExerciseInfo, block: Block) -> list[Rule]:
    """Every rule that leaves ``exercise`` out of ``block`` for this person (empty: allowed)."""
    return [rule for rule in RULES if rule.excludes(profile, exercise, block)]
