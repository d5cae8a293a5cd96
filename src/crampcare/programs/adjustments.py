"""A clinician's adjustments to a person's plan, as plain data kept inside the plan.

The plan is rebuilt from the person's profile every week (and when their answers change), so a
clinician's tailoring is not an edit of the stored items: it is this record, which
``generate_plan`` applies on top of the standard choices each time it builds the plan.

- ``exercises``: the exercise the clinician chose for a slot (one of the slot's alternatives),
  with the tailoring rules they confirmed against (``confirmed``: rule ids). A rule that applies
  later and was not confirmed (say, a new pregnancy) sets the choice aside, with a note, as it
  does for the person's own swaps.
- ``added``: exercises the clinician added to a part of the plan, each with its confirmed rules.
- ``removed``: slots the clinician took out.
- ``held``: exercises paused for this person (shown on the plan as on hold, left out of the
  sessions) until the clinician releases them.
- ``doses``: the hold, repetitions, sets or nights the clinician set for a slot's exercise; kept
  only while that slot still holds that exercise.

Pure: no Django, no catalogue. Checking a change against the rules and the library is the
service's job (``programs/clinician.py``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crampcare.programs.dose import Days
from crampcare.programs.rules import Block

# Slots of added exercises are named after the exercise, so an exercise is added at most once.
ADDED_PREFIX = "added-"


def added_slot(exercise_id: str) -> str:
    return f"{ADDED_PREFIX}{exercise_id}"


class Chosen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise_id: str
    # The tailoring rules (ids) against which the clinician confirmed this exercise.
    confirmed: tuple[str, ...] = ()


class Added(Chosen):
    block: Block


class DoseSet(BaseModel):
    """What the clinician set for one slot's exercise; None: as the plan doses it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise_id: str
    hold_seconds: int | None = Field(default=None, ge=1)
    reps: int | None = Field(default=None, ge=1)
    sets: int | None = Field(default=None, ge=1)
    days: Days | None = None


class Adjustments(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    exercises: dict[str, Chosen] = Field(default_factory=dict)
    added: tuple[Added, ...] = ()
    removed: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    doses: dict[str, DoseSet] = Field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.exercises or self.added or self.removed or self.held or self.doses)

    def with_changes(self, **changes: Any) -> Adjustments:
        """A copy with some fields replaced (validated again, unlike ``model_copy``)."""
        return Adjustments.model_validate({**self.model_dump(), **changes})
