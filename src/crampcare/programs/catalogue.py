"""The slice of the exercise library that plan generation needs, as plain data.

Plan generation and progression take a :data:`Catalogue` (exercise id -> :class:`ExerciseInfo`)
as an argument instead of reading files, so tests can run on small hand-written catalogues and the
rules can be checked exhaustively. :func:`default_catalogue` builds one from the real library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Literal

from crampcare.knowledge.base import Text

Position = Literal["in_bed", "seated", "standing", "floor"]
LyingOn = Literal["back", "side", "front"]
CautionAction = Literal["avoid", "modify"]


@dataclass(frozen=True)
class CautionInfo:
    """The library's advice for people with one condition: leave the exercise out, or change it."""

    action: CautionAction
    advice: Text
    references: tuple[str, ...]


@dataclass(frozen=True)
class ExerciseInfo:
    id: str
    name: Text
    position: Position
    per_side: bool
    # The library's own dose. Plans mostly set their own (see dose.py) but daytime and warm-up
    # items use it as it is.
    hold_seconds: int | None
    reps: int
    sets: int
    rest_seconds: int
    # Set for exercises done lying down: pregnancy rules need to know about lying on the back.
    lying_on: LyingOn | None = None
    # Caution key (see the shared vocabulary) -> what to do about it.
    cautions: Mapping[str, CautionInfo] = field(default_factory=dict)
    easier: tuple[str, ...] = ()
    harder: tuple[str, ...] = ()
    # What it needs (the library's equipment keys): a "step" keeps it out of some bedtimes.
    equipment: tuple[str, ...] = ()

    @property
    def is_held(self) -> bool:
        return self.hold_seconds is not None


Catalogue = Mapping[str, ExerciseInfo]


@cache
def default_catalogue() -> Catalogue:
    """The real exercise library, reduced to what plans need (built once per process and
    read-only, since every caller shares it)."""
    # Imported here so importing this module never reads content files.
    from crampcare.knowledge.exercise_schema import load_exercises

    catalogue = {
        exercise.id: ExerciseInfo(
            id=exercise.id,
            name=exercise.name,
            position=exercise.position,
            per_side=exercise.per_side,
            hold_seconds=exercise.hold_seconds,
            reps=exercise.reps,
            sets=exercise.sets,
            rest_seconds=exercise.rest_seconds,
            lying_on=exercise.lying_on,
            cautions={
                caution.condition: CautionInfo(
                    action=caution.action,
                    advice=caution.advice,
                    references=tuple(caution.references),
                )
                for caution in exercise.cautions
            },
            easier=tuple(exercise.easier),
            harder=tuple(exercise.harder),
            equipment=tuple(exercise.equipment),
        )
        for exercise in load_exercises().values()
    }
    return MappingProxyType(catalogue)
