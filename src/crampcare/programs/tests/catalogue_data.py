"""A small hand-written catalogue for plan tests, independent of the real library file.

Positions, lying positions, cautions and variants follow the exercises' real shape (a wall stretch
is done standing, a supine stretch lies on the back), so the rules meet realistic data; doses are
the library's usual ones.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from crampcare.knowledge.base import CONTENT_DIR, Text
from crampcare.programs.catalogue import Catalogue, CautionInfo, ExerciseInfo, LyingOn, Position

# The real library; tests that need it skip only while this file does not exist.
LIBRARY_FILE = CONTENT_DIR / "exercises" / "core.yaml"


def _modify(*keys: str) -> dict[str, CautionInfo]:
    return {key: CautionInfo("modify", Text(en=f"Take care with {key}."), ("R28",)) for key in keys}


def _avoid(*keys: str) -> dict[str, CautionInfo]:
    return {key: CautionInfo("avoid", Text(en=f"Leave out with {key}."), ("R30",)) for key in keys}


def _stretch(
    exercise_id: str,
    position: Position,
    *,
    lying_on: LyingOn | None = None,
    cautions: dict[str, CautionInfo] | None = None,
    easier: tuple[str, ...] = (),
    harder: tuple[str, ...] = (),
    hold: int = 30,
    per_side: bool = True,
    equipment: tuple[str, ...] = (),
) -> ExerciseInfo:
    return ExerciseInfo(
        id=exercise_id,
        name=Text(en=exercise_id.replace("-", " ").capitalize()),
        position=position,
        per_side=per_side,
        hold_seconds=hold,
        reps=3,
        sets=1,
        rest_seconds=10,
        lying_on=lying_on,
        cautions=cautions or {},
        easier=easier,
        harder=harder,
        equipment=equipment,
    )


def _counted(
    exercise_id: str,
    position: Position,
    *,
    reps: int = 10,
    sets: int = 2,
    lying_on: LyingOn | None = None,
    cautions: dict[str, CautionInfo] | None = None,
    per_side: bool = False,
    easier: tuple[str, ...] = (),
    harder: tuple[str, ...] = (),
) -> ExerciseInfo:
    return ExerciseInfo(
        id=exercise_id,
        name=Text(en=exercise_id.replace("-", " ").capitalize()),
        position=position,
        per_side=per_side,
        hold_seconds=None,
        reps=reps,
        sets=sets,
        rest_seconds=30,
        lying_on=lying_on,
        cautions=cautions or {},
        easier=easier,
        harder=harder,
    )


_EXERCISES = (
    _stretch(
        "calf-stretch-wall",
        "standing",
        cautions=_modify("balance_problems"),
        easier=("calf-stretch-seated", "calf-stretch-towel-bed"),
        harder=("calf-stretch-step",),
        hold=10,
    ),
    _stretch(
        "calf-stretch-step",
        "standing",
        cautions=_modify("balance_problems"),
        easier=("calf-stretch-wall",),
        equipment=("step", "counter_or_support"),
    ),
    _stretch("calf-stretch-seated", "seated", harder=("calf-stretch-wall",)),
    _stretch(
        "calf-stretch-towel-bed",
        "in_bed",
        cautions=_modify("pregnancy_after_first_trimester"),
        harder=("calf-stretch-wall",),
    ),
    _stretch(
        "calf-stretch-towel-reclined",
        "in_bed",
        cautions=_modify("hip_replacement", "pregnancy_after_first_trimester"),
        harder=("calf-stretch-towel-bed",),
        hold=10,
    ),
    _stretch("soleus-stretch-wall", "standing", cautions=_modify("balance_problems", "knee_pain")),
    _stretch(
        "hamstring-stretch-standing",
        "standing",
        cautions=_modify("balance_problems", "hip_replacement"),
        easier=("hamstring-stretch-seated",),
    ),
    _stretch(
        "hamstring-stretch-seated",
        "seated",
        cautions=_modify("hip_replacement"),
        harder=("hamstring-stretch-standing",),
    ),
    _stretch(
        "hamstring-stretch-supine",
        "floor",
        lying_on="back",
        cautions=_modify("pregnancy_after_first_trimester", "hip_replacement"),
        easier=("hamstring-stretch-side-lying",),
    ),
    _stretch("hamstring-stretch-side-lying", "floor", lying_on="side"),
    _stretch(
        "hamstring-stretch-lying-hip-safe",
        "in_bed",
        lying_on="back",
        cautions=_modify("pregnancy_after_first_trimester", "hip_replacement"),
        easier=("hamstring-stretch-side-lying",),
        harder=("hamstring-stretch-supine",),
        hold=10,
    ),
    _stretch(
        "quad-stretch-standing",
        "standing",
        cautions=_modify("balance_problems", "knee_pain", "knee_replacement"),
        easier=("quad-stretch-side-lying",),
    ),
    _stretch(
        "quad-stretch-side-lying",
        "floor",
        lying_on="side",
        cautions=_modify("knee_pain", "knee_replacement"),
    ),
    _stretch(
        "hip-flexor-stretch-standing",
        "standing",
        cautions=_modify("balance_problems"),
        harder=("hip-flexor-stretch-half-kneeling",),
    ),
    _stretch("hip-flexor-stretch-seated", "seated"),
    _stretch("hip-flexor-stretch-half-kneeling", "floor", cautions=_modify("knee_pain")),
    _stretch("plantar-fascia-stretch", "seated", easier=("toe-stretch-seated",)),
    _stretch("toe-stretch-seated", "seated"),
    _stretch(
        "pigeon-pose",
        "floor",
        cautions={**_avoid("hip_replacement", "knee_replacement"), **_modify("knee_pain")},
        easier=("figure-four-supine",),
    ),
    _stretch(
        "figure-four-supine",
        "floor",
        lying_on="back",
        cautions=_modify("pregnancy_after_first_trimester", "hip_replacement"),
        easier=("figure-four-seated",),
        harder=("pigeon-pose",),
    ),
    _stretch(
        "figure-four-seated",
        "seated",
        cautions=_modify("hip_replacement"),
        harder=("figure-four-supine",),
    ),
    _stretch("knee-to-chest", "floor", lying_on="back", cautions=_avoid("hip_replacement")),
    _counted(
        "clamshell",
        "floor",
        lying_on="side",
        sets=3,
        per_side=True,
        cautions=_modify("hip_replacement"),
    ),
    _counted(
        "glute-bridge",
        "floor",
        lying_on="back",
        sets=3,
        cautions=_modify("pregnancy_after_first_trimester"),
        easier=("clamshell",),
    ),
    _counted(
        "heel-raises-supported",
        "standing",
        cautions=_modify("balance_problems"),
        easier=("heel-raises-seated",),
    ),
    _counted("heel-raises-seated", "seated", reps=15, harder=("heel-raises-supported",)),
    _counted("desk-calf-pumps", "seated", reps=20, sets=1),
    _counted("ankle-pumps", "in_bed", reps=15),
    _stretch("walking-break", "standing", cautions=_modify("balance_problems"), hold=120),
    _stretch("seated-marching", "seated", hold=60, per_side=False),
    _stretch(
        "march-in-place-warm-up",
        "standing",
        cautions=_modify("balance_problems"),
        hold=60,
        per_side=False,
    ),
    _counted(
        "leg-swings-supported",
        "standing",
        sets=1,
        per_side=True,
        cautions=_modify("balance_problems", "hip_replacement"),
    ),
)


def make_catalogue() -> dict[str, ExerciseInfo]:
    return {exercise.id: exercise for exercise in _EXERCISES}


def changed(catalogue: Catalogue, exercise_id: str, **changes: Any) -> dict[str, ExerciseInfo]:
    """A copy of ``catalogue`` with one exercise changed."""
    return {**catalogue, exercise_id: replace(catalogue[exercise_id], **changes)}
