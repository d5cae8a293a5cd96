"""A clinician tailoring a person's plan: one change at a time, each with a note to the person.

``change_plan(actor, subject, request)`` is the one write. It opens the program through the
write door (``for_writer``: only the clinician of an active care relationship; one audit record
per change, in the change's transaction), applies the change to the plan's ``Adjustments``
(adjustments.py), rebuilds the plan with them and records a ``ProgramChange`` naming the
clinician, with their note. A change that goes against one of the plan's tailoring rules for
this person (pigeon pose after a hip replacement, lying on the back in later pregnancy, ...) is
refused with ``CautionsToConfirm`` naming each rule and its reason, until the clinician confirms
they have checked it with the person; the confirmed rules are kept with the change and in the
history. A program held after a red flag stays held: these changes never lift the hold (only a
clearance does, ``hold.clear_hold``).

Kinds: ``swap`` (another exercise for a slot), ``add`` (an exercise at bedtime or in the
daytime), ``remove``, ``hold`` and ``release`` (pause an exercise for this person, and undo it),
``dose`` (hold, repetitions, sets within the library's safe range, ``dose.safe_range``),
``nights`` (every night or every other night) and ``bedtime``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crampcare.knowledge.loader import get_library
from crampcare.programs import services
from crampcare.programs.adjustments import Added, Adjustments, Chosen, DoseSet
from crampcare.programs.dose import BEDTIME_LIMIT_SECONDS, Days, safe_range
from crampcare.programs.models import NOTE_MAX_LENGTH, ChangeKind, Program, ProgramChange
from crampcare.programs.plan import Plan, PlanItem, clinician_options
from crampcare.programs.reasons import render_why
from crampcare.programs.rules import Block, excluding_rules
from crampcare.programs.slots import SLOTS_BY_ID

if TYPE_CHECKING:
    from crampcare.accounts.models import User
    from crampcare.accounts.ownership import AnyUser

# The changes a clinician can make here, in the order the page offers them.
KINDS: tuple[str, ...] = (
    ChangeKind.SWAP,
    ChangeKind.ADD,
    ChangeKind.REMOVE,
    ChangeKind.HOLD,
    ChangeKind.RELEASE,
    ChangeKind.DOSE,
    ChangeKind.NIGHTS,
    ChangeKind.BEDTIME,
)
# Where an exercise can be added (the exercise block belongs to the person's own exercise).
ADD_BLOCKS: tuple[str, ...] = (Block.BEDTIME, Block.DAYTIME)
NIGHTS: tuple[str, ...] = (Days.EVERY, Days.ALTERNATE)


@dataclass(frozen=True)
class PlanChangeRequest:
    """One change as the page or the API asks for it. Which fields matter depends on ``kind``."""

    kind: str
    note: str
    slot: str = ""
    exercise_id: str = ""
    block: str = ""
    hold_seconds: int | None = None
    reps: int | None = None
    sets: int | None = None
    nights: str = ""
    bedtime: time | None = None
    confirm_cautions: bool = False


@dataclass(frozen=True)
class Caution:
    """A tailoring rule a change goes against, for this person, with its cited reason."""

    rule: str
    exercise_id: str
    exercise_name: str
    text: str
    references: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "exercise_id": self.exercise_id,
            "exercise_name": self.exercise_name,
            "text": self.text,
            "references": self.references,
        }


class CautionsToConfirm(ValidationError):
    """The change goes against a caution for this person: saved only once confirmed."""

    def __init__(self, cautions: list[Caution]) -> None:
        self.cautions = cautions
        super().__init__(
            {
                "confirm_cautions": _(
                    "This goes against a caution for this person. Check it with them, then "
                    "confirm to save it."
                )
            }
        )


@dataclass
class _Outcome:
    adjustments: Adjustments
    before: dict[str, Any]
    after: dict[str, Any]
    cautions: list[Caution] = field(default_factory=list)


def change_plan(
    actor: User, subject: User, request: PlanChangeRequest, *, now: datetime | None = None
) -> ProgramChange:
    """Make one change to ``subject``'s plan as their clinician ``actor``; returns the change
    recorded. Raises ``WriteRefused`` for anyone who may not, ``NoProgram`` without a program,
    ``ValidationError`` (by field) for a bad request, and ``CautionsToConfirm`` for a change
    against a caution that is not confirmed. Nothing is saved, and no audit record is left,
    unless the change is."""
    note = _checked_note(request)
    if request.kind not in KINDS:
        raise ValidationError({"kind": _("Choose one of the changes offered.")})
    if request.kind == ChangeKind.BEDTIME:
        return _change_bedtime(actor, subject, request, note, now)
    with transaction.atomic():
        program = locked_for(actor, subject, request.kind, now)
        plan = program.get_plan()
        outcome = _apply(plan, request)
        if outcome.cautions and not request.confirm_cautions:
            raise CautionsToConfirm(outcome.cautions)
        new_plan = services.plan_with(program, outcome.adjustments)
        _check_fits(request, new_plan)
        program.plan = new_plan.model_dump(mode="json")
        after = dict(outcome.after)
        if outcome.cautions:
            after["cautions_confirmed"] = sorted({caution.rule for caution in outcome.cautions})
        return services.record(
            program,
            ChangeKind(request.kind),
            outcome.before,
            after,
            now,
            changed_by=actor,
            note=note,
        )


def locked_for(actor: User, subject: User, change: str, now: datetime | None) -> Program:
    """The person's program locked for their clinician's change (through the write door)."""
    try:
        return services.locked_program(subject, now, actor=actor, change=change)
    except services.NoProgram as exc:
        raise ValidationError({"program": _("This person has not set up a program yet.")}) from exc


def care_team_changes(actor: AnyUser, subject: AnyUser, limit: int = 5) -> list[ProgramChange]:
    """The latest changes ``subject``'s care team made to their plan, newest first."""
    found = (
        ProgramChange.objects.for_reader(actor, subject)
        .exclude(changed_by_name="")
        .order_by("-at", "-id")
    )
    return list(found[:limit])


# -- checking a request ---------------------------------------------------------------------------


def _checked_note(request: PlanChangeRequest) -> str:
    note = (request.note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Write a note to the person: they see it with the change.")}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}}
        )
    return note


def _item(plan: Plan, slot: str) -> PlanItem:
    item = plan.item(slot) if slot else None
    if item is None:
        raise ValidationError({"slot": _("Choose an exercise that is in the plan.")})
    return item


def _cautions(plan: Plan, exercise_id: str, block: Block) -> list[Caution]:
    exercise = services.catalogue()[exercise_id]
    name = _name(exercise_id)
    result = []
    for rule in excluding_rules(plan.profile, exercise, block):
        why = render_why(rule.why)
        result.append(Caution(rule.id, exercise_id, name, why.text, why.references))
    return result


def _name(exercise_id: str) -> str:
    exercise = get_library().exercises.get(exercise_id)
    return exercise.name.get() if exercise is not None else exercise_id


def _dose_json(item: PlanItem) -> dict[str, Any]:
    return {
        "hold_seconds": item.dose.hold_seconds,
        "reps": item.dose.reps,
        "sets": item.dose.sets,
        "days": str(item.dose.days),
    }


def _apply(plan: Plan, request: PlanChangeRequest) -> _Outcome:
    adjustments = plan.adjustments
    match request.kind:
        case ChangeKind.SWAP:
            return _swap(plan, adjustments, request)
        case ChangeKind.ADD:
            return _add(plan, adjustments, request)
        case ChangeKind.REMOVE:
            item = _item(plan, request.slot)
            return _Outcome(
                _without_slot(adjustments, item),
                {"slot": item.slot, "exercise_id": item.exercise_id},
                {"slot": item.slot, "exercise_id": None},
            )
        case ChangeKind.HOLD | ChangeKind.RELEASE:
            return _hold(plan, adjustments, request)
        case ChangeKind.DOSE:
            return _dose(plan, adjustments, request)
        case ChangeKind.NIGHTS:
            return _nights(plan, adjustments, request)
    raise ValidationError({"kind": _("Choose one of the changes offered.")})


def _swap(plan: Plan, adjustments: Adjustments, request: PlanChangeRequest) -> _Outcome:
    item = _item(plan, request.slot)
    if item.slot not in SLOTS_BY_ID:
        raise ValidationError(
            {"slot": _("An exercise you added has no alternatives: take it out and add another.")}
        )
    if request.exercise_id not in clinician_options(item.slot, services.catalogue()):
        raise ValidationError(
            {"exercise_id": _("Choose one of the exercises that can take this one's place.")}
        )
    if request.exercise_id == item.exercise_id:
        raise ValidationError({"exercise_id": _("That is already the exercise in this place.")})
    block = SLOTS_BY_ID[item.slot].block
    cautions = _cautions(plan, request.exercise_id, block)
    chosen = Chosen(
        exercise_id=request.exercise_id, confirmed=tuple(caution.rule for caution in cautions)
    )
    return _Outcome(
        adjustments.with_changes(
            exercises={**adjustments.model_dump()["exercises"], item.slot: chosen.model_dump()}
        ),
        {"slot": item.slot, "exercise_id": item.exercise_id},
        {"slot": item.slot, "exercise_id": request.exercise_id},
        cautions,
    )


def _add(plan: Plan, adjustments: Adjustments, request: PlanChangeRequest) -> _Outcome:
    if request.exercise_id not in services.catalogue():
        raise ValidationError({"exercise_id": _("There is no such exercise in the library.")})
    if request.block not in ADD_BLOCKS:
        raise ValidationError(
            {"block": _("Choose where it goes: the bedtime routine or the daytime.")}
        )
    if any(item.exercise_id == request.exercise_id for item in plan.items):
        raise ValidationError({"exercise_id": _("This exercise is already in the plan.")})
    block = Block(request.block)
    cautions = _cautions(plan, request.exercise_id, block)
    added = Added(
        exercise_id=request.exercise_id,
        block=block,
        confirmed=tuple(caution.rule for caution in cautions),
    )
    return _Outcome(
        adjustments.with_changes(added=[*adjustments.model_dump()["added"], added.model_dump()]),
        {"exercise_id": None},
        {"exercise_id": request.exercise_id, "block": str(block)},
        cautions,
    )


def _without_slot(adjustments: Adjustments, item: PlanItem) -> Adjustments:
    data = adjustments.model_dump()
    data["exercises"].pop(item.slot, None)
    data["doses"].pop(item.slot, None)
    data["added"] = [a for a in data["added"] if a["exercise_id"] != item.exercise_id]
    if item.slot in SLOTS_BY_ID:
        data["removed"] = [*data["removed"], item.slot]
    data["held"] = [held for held in data["held"] if held != item.exercise_id]
    return Adjustments.model_validate(data)


def _hold(plan: Plan, adjustments: Adjustments, request: PlanChangeRequest) -> _Outcome:
    item = _item(plan, request.slot)
    held = list(adjustments.held)
    if request.kind == ChangeKind.HOLD:
        if item.held:
            raise ValidationError({"slot": _("This exercise is already on hold.")})
        held.append(item.exercise_id)
    else:
        if not item.held:
            raise ValidationError({"slot": _("This exercise is not on hold.")})
        held.remove(item.exercise_id)
    state = {"slot": item.slot, "exercise_id": item.exercise_id}
    return _Outcome(
        adjustments.with_changes(held=held),
        {**state, "held": item.held},
        {**state, "held": not item.held},
    )


def _dose(plan: Plan, adjustments: Adjustments, request: PlanChangeRequest) -> _Outcome:
    item = _item(plan, request.slot)
    if request.hold_seconds is None and request.reps is None and request.sets is None:
        raise ValidationError(
            {"reps": _("Give the new hold, repetitions or sets (or several of them).")}
        )
    exercise = services.catalogue()[item.exercise_id]
    allowed = safe_range(exercise.hold_seconds, exercise.reps, exercise.sets)
    errors: dict[str, str] = {}
    if request.hold_seconds is not None:
        if item.dose.hold_seconds is None or allowed.hold_seconds is None:
            errors["hold_seconds"] = _("This exercise is counted in repetitions, not held.")
        else:
            _in_range(errors, "hold_seconds", request.hold_seconds, allowed.hold_seconds)
    if request.reps is not None:
        _in_range(errors, "reps", request.reps, allowed.reps)
    if request.sets is not None:
        _in_range(errors, "sets", request.sets, allowed.sets)
    if errors:
        raise ValidationError(errors)
    current = adjustments.doses.get(item.slot)
    kept = current.model_dump() if current and current.exercise_id == item.exercise_id else {}
    given = {
        key: value
        for key, value in (
            ("hold_seconds", request.hold_seconds),
            ("reps", request.reps),
            ("sets", request.sets),
        )
        if value is not None
    }
    dose_set = DoseSet.model_validate({**kept, **given, "exercise_id": item.exercise_id})
    before = {"slot": item.slot, "exercise_id": item.exercise_id, **_dose_json(item)}
    after_dose = item.dose.model_copy(update=given)
    after = {
        "slot": item.slot,
        "exercise_id": item.exercise_id,
        "hold_seconds": after_dose.hold_seconds,
        "reps": after_dose.reps,
        "sets": after_dose.sets,
        "days": str(after_dose.days),
    }
    if after == before:
        raise ValidationError({"reps": _("That is already the amount for this exercise.")})
    doses = {**adjustments.model_dump()["doses"], item.slot: dose_set.model_dump()}
    return _Outcome(adjustments.with_changes(doses=doses), before, after)


def _in_range(errors: dict[str, str], key: str, value: int, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        errors[key] = _("Choose between %(low)d and %(high)d for this exercise.") % {
            "low": low,
            "high": high,
        }


def _nights(plan: Plan, adjustments: Adjustments, request: PlanChangeRequest) -> _Outcome:
    item = _item(plan, request.slot)
    if request.nights not in NIGHTS:
        raise ValidationError({"nights": _("Choose every night or every other night.")})
    days = Days(request.nights)
    if item.dose.days is days:
        raise ValidationError({"nights": _("That is already how often it is done.")})
    current = adjustments.doses.get(item.slot)
    kept = current.model_dump() if current and current.exercise_id == item.exercise_id else {}
    dose_set = DoseSet.model_validate({**kept, "exercise_id": item.exercise_id, "days": days})
    state = {"slot": item.slot, "exercise_id": item.exercise_id}
    doses = {**adjustments.model_dump()["doses"], item.slot: dose_set.model_dump()}
    return _Outcome(
        adjustments.with_changes(doses=doses),
        {**state, "days": str(item.dose.days)},
        {**state, "days": str(days)},
    )


def _check_fits(request: PlanChangeRequest, plan: Plan) -> None:
    """The bedtime routine stays within 10 minutes, whatever the clinician asks for."""
    if request.kind == ChangeKind.ADD and request.block == Block.BEDTIME:
        added = next((i for i in plan.items if i.exercise_id == request.exercise_id), None)
        if added is None or added.block is not Block.BEDTIME:
            raise ValidationError(
                {
                    "block": _(
                        "It does not fit in the 10-minute bedtime routine: add it to the daytime."
                    )
                }
            )
    if plan.bedtime_seconds > BEDTIME_LIMIT_SECONDS:
        field_name = "reps" if request.kind == ChangeKind.DOSE else "slot"
        raise ValidationError(
            {field_name: _("That would make the bedtime routine longer than 10 minutes.")}
        )


def _change_bedtime(
    actor: User, subject: User, request: PlanChangeRequest, note: str, now: datetime | None
) -> ProgramChange:
    if request.bedtime is None:
        raise ValidationError({"bedtime": _("Give the new bedtime.")})
    with transaction.atomic():
        program = services.change_bedtime(subject, request.bedtime, now=now, actor=actor, note=note)
        return (
            ProgramChange.objects.same_owner_as(program).filter(program=program).latest("at", "id")
        )
