"""What the clinician's tailoring page shows: the person's plan as it stands, what each exercise
can become, and the latest changes. Reads only, through the door (each read audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crampcare.accounts.models import User
from crampcare.knowledge.loader import get_library
from crampcare.programs import clinician, services
from crampcare.programs.display import changed_by_line, describe_change, item_views
from crampcare.programs.dose import safe_range
from crampcare.programs.hold import NOT_LIFTED_REMOTELY, hold_for
from crampcare.programs.plan import clinician_options
from crampcare.programs.slots import SLOTS_BY_ID

RECENT_CHANGES = 10


@dataclass(frozen=True)
class Submitted:
    """The form that was sent back with a problem: which one, its form, and any cautions."""

    kind: str
    slot: str
    form: Any
    cautions: list[clinician.Caution] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The id stem of the form on the page (as the templates name it)."""
        if self.kind in ("add", "bedtime", "clearance"):
            return self.kind
        stem = "pause" if self.kind in ("hold", "release", "remove") else self.kind
        return f"{stem}-{self.slot}"


def _names() -> dict[str, str]:
    return {key: exercise.name.get() for key, exercise in get_library().exercises.items()}


def page_context(actor: User, person: User, submitted: Submitted | None = None) -> dict[str, Any]:
    program = services.current_program(actor, person)
    context: dict[str, Any] = {
        "person": person,
        "program": program,
        "submitted": submitted,
        "kinds": clinician.KINDS,
    }
    if program is None:
        return context
    plan = program.get_plan()
    names = _names()
    catalogue = services.catalogue()
    rows = []
    for view in item_views(plan.items):
        item = view.item
        options = (
            [(o, names.get(o, o)) for o in clinician_options(item.slot, catalogue)]
            if item.slot in SLOTS_BY_ID
            else []
        )
        exercise = catalogue.get(item.exercise_id)
        allowed = (
            safe_range(exercise.hold_seconds, exercise.reps, exercise.sets) if exercise else None
        )
        rows.append({"view": view, "options": options, "range": allowed})
    in_plan = {item.exercise_id for item in plan.items}
    hold = hold_for(actor, person)
    changes = [
        {"change": change, "text": describe_change(change), "by": changed_by_line(change)}
        for change in services.history(actor, person, program)[:RECENT_CHANGES]
    ]
    context.update(
        {
            "plan": plan,
            "rows": rows,
            "add_options": sorted(
                ((key, name) for key, name in names.items() if key not in in_plan),
                key=lambda pair: pair[1],
            ),
            "hold": hold,
            "hold_liftable": hold is not None and hold.level not in NOT_LIFTED_REMOTELY,
            "changes": changes,
        }
    )
    return context
