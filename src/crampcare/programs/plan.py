"""Plan generation: a pure function from a person's profile to their nightly program.

The bedtime routine's core is the trial's protocol (a calf and a hamstring stretch, both legs,
just before sleep) [R1]; complementary work is added by profile; tailoring rules (rules.py) swap or
leave out what does not suit the person and record why in ``Plan.notes`` (as reason ids, see
reasons.py). The bedtime routine
never takes more than 10 minutes: extras that do not fit move to the daytime.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from crampcare.knowledge.base import Cited, Text
from crampcare.knowledge.loader import get_library
from crampcare.programs import dose as doses
from crampcare.programs.adjustments import Added, Adjustments, Chosen, added_slot
from crampcare.programs.catalogue import Catalogue, ExerciseInfo
from crampcare.programs.dose import BEDTIME_LIMIT_SECONDS, Days, Dose, Level
from crampcare.programs.profile import PlanProfile
from crampcare.programs.reasons import KeptWhy, ShownWhy, render_why
from crampcare.programs.rules import TEN_MINUTES_RULE, TRIAL_DOSE_RULE, Block, excluding_rules
from crampcare.programs.slots import SLOTS, SLOTS_BY_ID, Dosing, Role, Slot

Phase = Literal["program", "maintenance"]
NoteAction = Literal["replaced", "left_out", "moved"]
# What a plan stores for its cited "why" lines: a reason id in plan_reasons.yaml, whose words are
# rendered when the plan is read; or, in plans stored before the ids, a line that matched no
# reason, kept as it was.
StoredWhy = str | KeptWhy


class ItemCaution(Cited):
    """Library advice for changing this exercise, for a caution that applies to the person."""

    condition: str
    advice: Text


class PlanItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    slot: str
    exercise_id: str
    name: Text
    block: Block
    role: Role
    why: StoredWhy
    dose: Dose
    cautions: tuple[ItemCaution, ...] = ()
    # Paused for this person by their care team: shown on the plan, left out of the sessions.
    held: bool = False

    @model_serializer(mode="wrap")
    def _stored(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Stored as before unless held, so plans and sessions saved earlier compare equal.
        data: dict[str, Any] = handler(self)
        if not self.held:
            data.pop("held", None)
        return data

    @property
    def shown_name(self) -> str:
        """The exercise's name in the language active now: the library's while it has the
        exercise (so a name translated later shows in stored plans too), else as stored."""
        exercise = get_library().exercises.get(self.exercise_id)
        return (exercise.name if exercise is not None else self.name).get()

    @property
    def shown_cautions(self) -> tuple[ItemCaution, ...]:
        """The cautions stored for the person's conditions, worded as the library words them
        now (in the language active now); as stored where the library no longer has one."""
        exercise = get_library().exercises.get(self.exercise_id)
        current = {caution.condition: caution for caution in exercise.cautions} if exercise else {}
        return tuple(
            ItemCaution(
                condition=stored.condition,
                advice=current[stored.condition].advice,
                references=list(current[stored.condition].references),
            )
            if stored.condition in current
            else stored
            for stored in self.cautions
        )

    @property
    def shown_why(self) -> ShownWhy:
        """Why it is in the plan, in the language active now."""
        return render_why(self.why)

    @property
    def seconds(self) -> int:
        return self.dose.seconds


class PlanNote(BaseModel):
    """Why the plan differs from the standard one: which rule removed or moved what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    action: NoteAction
    exercise_id: str
    replaced_by: str | None = None
    why: StoredWhy

    @property
    def shown_why(self) -> ShownWhy:
        """Why the plan changed, in the language active now."""
        return render_why(self.why)


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: PlanProfile
    phase: Phase = "program"
    week: int = Field(ge=1)
    level: int = Field(ge=doses.MIN_LEVEL, le=doses.MAX_LEVEL)
    items: tuple[PlanItem, ...]
    notes: tuple[PlanNote, ...] = ()
    # The person's own choices: slot id -> exercise id (see swap_options).
    swaps: dict[str, str] = Field(default_factory=dict)
    # The person asked for progression (longer holds, more exercises at bedtime). Off: the
    # trial's dose, the two core stretches at level 1, for all six weeks [R1].
    progression: bool = False
    # The care team's tailoring, applied each time the plan is built (adjustments.py).
    adjustments: Adjustments = Field(default_factory=Adjustments)

    @model_serializer(mode="wrap")
    def _stored(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Stored as before unless a clinician tailored it.
        data: dict[str, Any] = handler(self)
        if self.adjustments.empty:
            data.pop("adjustments", None)
        return data

    def block(self, block: Block) -> tuple[PlanItem, ...]:
        return tuple(item for item in self.items if item.block is block)

    def item(self, slot: str) -> PlanItem | None:
        return next((item for item in self.items if item.slot == slot), None)

    @property
    def bedtime_seconds(self) -> int:
        """The longest possible bedtime session (every-night and alternate-night items together;
        exercises on hold take no time)."""
        return sum(item.seconds for item in self.block(Block.BEDTIME) if not item.held)


def generate_plan(
    profile: PlanProfile,
    catalogue: Catalogue,
    week: int = 1,
    *,
    level: int = doses.MIN_LEVEL,
    swaps: Mapping[str, str] | None = None,
    progression: bool = False,
    adjustments: Adjustments | None = None,
) -> Plan:
    """Build the plan for ``profile`` at progression ``level`` (1 = the trial's dose).

    Without ``progression`` (the person's opt-in, off by default) the plan is the trial's: the
    two core stretches alone at bedtime, at level 1 whatever ``level`` says, and every bedtime
    extra in the daytime, with a note [R1].

    ``swaps`` (slot id -> exercise id, each one of :func:`swap_options`) replace the default
    choice; a swap that a tailoring rule now rules out is set aside, with a note.
    ``adjustments`` (the care team's tailoring) come on top: their chosen exercises (kept against
    the rules they were confirmed against, set aside with a note against any other), the slots
    they removed, the exercises they added, paused or dosed. Raises
    ``ValueError`` for an unknown level, slot or swap, and ``KeyError`` if the catalogue lacks an
    exercise the slots name.
    """
    if week < 1:
        raise ValueError(f"week must be 1 or more, not {week}")
    doses.level(level)  # validates the range
    if not progression:
        level = doses.MIN_LEVEL
    current = doses.level(level)
    swaps = dict(swaps or {})
    for slot_id, exercise_id in swaps.items():
        if exercise_id not in _alternatives(_slot(slot_id), catalogue):
            raise ValueError(f"{exercise_id!r} is not an option for {slot_id!r}")

    adjustments = adjustments or Adjustments()
    builder = _Builder(profile, catalogue, progression)
    items = []
    for slot in SLOTS:
        if not slot.wanted(profile) or slot.id in adjustments.removed:
            continue
        chosen = adjustments.exercises.get(slot.id)
        if chosen is not None and builder.confirmed(chosen, slot.block):
            exercise: ExerciseInfo | None = catalogue[chosen.exercise_id]
        else:
            usable = chosen is not None and chosen.exercise_id in catalogue
            exercise = builder.choose(
                slot, chosen.exercise_id if chosen and usable else swaps.get(slot.id)
            )
            if exercise is not None and slot.role is Role.CORE and current.harder_variants:
                exercise = builder.harder(exercise, slot.block)
        if exercise is None:
            continue
        items.append(_item(slot, exercise, profile, current))
    for added in adjustments.added:
        if added.exercise_id in catalogue and builder.confirmed(added, added.block):
            items.append(_added_item(added, catalogue[added.exercise_id], profile))
        elif added.exercise_id in catalogue:
            builder._note_exclusions(added.exercise_id, added.block, None)
    items = [_adjusted(item, adjustments) for item in items]
    fitted = builder.fit_bedtime(items)
    return Plan(
        profile=profile,
        week=week,
        level=level,
        items=tuple(fitted),
        notes=_unique(builder.notes),
        swaps=swaps,
        progression=progression,
        adjustments=adjustments,
    )


def clinician_options(slot_id: str, catalogue: Catalogue) -> tuple[str, ...]:
    """Exercises a clinician may put in a slot: its candidates and their easier and harder
    variants, whatever the rules say (a rule that applies to the person is a caution the
    clinician must confirm, see ``programs/clinician.py``). Raises ``ValueError`` for an unknown
    slot."""
    return _alternatives(_slot(slot_id), catalogue)


def swap_options(profile: PlanProfile, slot_id: str, catalogue: Catalogue) -> tuple[str, ...]:
    """Exercises the person may choose for a slot: its candidates and their easier and harder
    variants, minus anything a tailoring rule leaves out for them."""
    slot = _slot(slot_id)
    return tuple(
        exercise_id
        for exercise_id in _alternatives(slot, catalogue)
        if not excluding_rules(profile, catalogue[exercise_id], slot.block)
    )


def session_items(plan: Plan, night_index: int) -> tuple[PlanItem, ...]:
    """Tonight's bedtime items. ``night_index`` counts nights from the start (0, 1, 2, ...);
    alternate-night items fall on even nights. "Most nights" items are offered every night.
    Exercises the care team put on hold are left out."""
    return tuple(
        item
        for item in plan.block(Block.BEDTIME)
        if not item.held and (item.dose.days is not Days.ALTERNATE or night_index % 2 == 0)
    )


def _slot(slot_id: str) -> Slot:
    try:
        return SLOTS_BY_ID[slot_id]
    except KeyError:
        raise ValueError(f"unknown slot {slot_id!r}") from None


def _alternatives(slot: Slot, catalogue: Catalogue) -> tuple[str, ...]:
    ids: dict[str, None] = {}
    for candidate in slot.all_candidates:
        ids[candidate] = None
        exercise = catalogue[candidate]
        ids.update(dict.fromkeys((*exercise.easier, *exercise.harder)))
    return tuple(exercise_id for exercise_id in ids if exercise_id in catalogue)


@dataclass
class _Builder:
    profile: PlanProfile
    catalogue: Catalogue
    progression: bool = False
    notes: list[PlanNote] = field(default_factory=list)

    def _allowed(self, exercise_id: str, block: Block) -> bool:
        return not excluding_rules(self.profile, self.catalogue[exercise_id], block)

    def confirmed(self, chosen: Chosen, block: Block) -> bool:
        """Whether a clinician's exercise stands: in the catalogue, and every rule that leaves it
        out for this person one the clinician confirmed it against."""
        if chosen.exercise_id not in self.catalogue:
            return False
        rules = excluding_rules(self.profile, self.catalogue[chosen.exercise_id], block)
        return all(rule.id in chosen.confirmed for rule in rules)

    def _note_exclusions(self, exercise_id: str, block: Block, replaced_by: str | None) -> None:
        for rule in excluding_rules(self.profile, self.catalogue[exercise_id], block):
            self.notes.append(
                PlanNote(
                    rule=rule.id,
                    action="replaced" if replaced_by else "left_out",
                    exercise_id=exercise_id,
                    replaced_by=replaced_by,
                    why=rule.why,
                )
            )

    def choose(self, slot: Slot, swap: str | None) -> ExerciseInfo | None:
        """The first allowed candidate, noting every one passed over on the way (and the
        standard first choice, so an in-bed routine says what it replaced)."""
        candidates = slot.candidates(self.profile)
        if swap is not None:
            candidates = (swap, *candidates)
        winner = next((c for c in candidates if self._allowed(c, slot.block)), None)
        passed_over = candidates[: candidates.index(winner)] if winner else candidates
        if slot.standard[0] not in passed_over and slot.standard[0] != winner:
            passed_over = (slot.standard[0], *passed_over)
        for exercise_id in dict.fromkeys(passed_over):
            self._note_exclusions(exercise_id, slot.block, winner)
        return self.catalogue[winner] if winner else None

    def harder(self, exercise: ExerciseInfo, block: Block) -> ExerciseInfo:
        """The first harder variant the rules allow, or the exercise itself."""
        for variant in exercise.harder:
            if variant not in self.catalogue:
                continue
            if self._allowed(variant, block):
                return self.catalogue[variant]
            self._note_exclusions(variant, block, None)
        return exercise

    def fit_bedtime(self, items: list[PlanItem]) -> list[PlanItem]:
        """Keep the core; then what the care team added at bedtime, while it fits; add extras in
        priority order while they fit in 10 minutes; move the rest to the daytime. Without the
        person's opt-in, bedtime is the trial's two stretches and the care team's additions
        alone, and every other extra moves to the daytime. Exercises on hold take no time."""
        used = sum(
            item.seconds
            for item in items
            if item.block is Block.BEDTIME and _core(item) and not item.held
        )
        pinned = set()
        for item in items:
            care_team = item.role is Role.CARE_TEAM and not item.held
            fits = used + item.seconds <= BEDTIME_LIMIT_SECONDS
            if item.block is Block.BEDTIME and care_team and fits:
                used += item.seconds
                pinned.add(item.slot)
        fitted = []
        for item in items:
            if item.block is not Block.BEDTIME or _core(item) or item.slot in pinned or item.held:
                fitted.append(item)
            elif item.role is Role.CARE_TEAM:
                fitted.append(item.model_copy(update={"block": Block.DAYTIME}))
                self.notes.append(
                    PlanNote(
                        rule=TEN_MINUTES_RULE,
                        action="moved",
                        exercise_id=item.exercise_id,
                        why=TEN_MINUTES_RULE,
                    )
                )
            elif not self.progression:
                fitted.append(item.model_copy(update={"block": Block.DAYTIME}))
                self.notes.append(
                    PlanNote(
                        rule=TRIAL_DOSE_RULE,
                        action="moved",
                        exercise_id=item.exercise_id,
                        why=TRIAL_DOSE_RULE,
                    )
                )
            elif used + item.seconds <= BEDTIME_LIMIT_SECONDS:
                used += item.seconds
                fitted.append(item)
            else:
                fitted.append(item.model_copy(update={"block": Block.DAYTIME}))
                self.notes.append(
                    PlanNote(
                        rule=TEN_MINUTES_RULE,
                        action="moved",
                        exercise_id=item.exercise_id,
                        why=TEN_MINUTES_RULE,
                    )
                )
        return fitted


def _unique(notes: list[PlanNote]) -> tuple[PlanNote, ...]:
    """One note per rule and exercise (a rule can pass over the same exercise in two slots)."""
    seen: dict[tuple[str, str], PlanNote] = {}
    for note in notes:
        seen.setdefault((note.rule, note.exercise_id), note)
    return tuple(seen.values())


def _core(item: PlanItem) -> bool:
    return item.role is Role.CORE


def _item(slot: Slot, exercise: ExerciseInfo, profile: PlanProfile, current: Level) -> PlanItem:
    cautions = _cautions(exercise, profile)
    return PlanItem(
        slot=slot.id,
        exercise_id=exercise.id,
        name=exercise.name,
        block=slot.block,
        role=slot.role,
        why=slot.why,
        dose=_dose(slot, exercise, current),
        cautions=cautions,
    )


# Why an exercise the care team added is there (plan_reasons.yaml).
CARE_TEAM_REASON = "care-team-added"


def _added_item(added: Added, exercise: ExerciseInfo, profile: PlanProfile) -> PlanItem:
    """An exercise the care team added: at bedtime dosed lightly as the extras are (the trial's
    hold, or one gentle set), elsewhere with the library's own dose."""
    dosing = Dosing.TRIAL if added.block is Block.BEDTIME else Dosing.LIBRARY
    return PlanItem(
        slot=added_slot(exercise.id),
        exercise_id=exercise.id,
        name=exercise.name,
        block=added.block,
        role=Role.CARE_TEAM,
        why=CARE_TEAM_REASON,
        dose=_dose_by(dosing, Days.EVERY, exercise, doses.level(doses.MIN_LEVEL)),
        cautions=_cautions(exercise, profile),
    )


def _adjusted(item: PlanItem, adjustments: Adjustments) -> PlanItem:
    """The item with the care team's dose and hold applied (a dose only while the slot still
    holds the exercise it was set for)."""
    update: dict[str, Any] = {}
    if item.exercise_id in adjustments.held:
        update["held"] = True
    dose_set = adjustments.doses.get(item.slot)
    if dose_set is not None and dose_set.exercise_id == item.exercise_id:
        changed = {
            key: value
            for key, value in dose_set.model_dump(exclude={"exercise_id"}).items()
            if value is not None and not (key == "hold_seconds" and item.dose.hold_seconds is None)
        }
        update["dose"] = item.dose.model_copy(update=changed)
    return item.model_copy(update=update) if update else item


def _cautions(exercise: ExerciseInfo, profile: PlanProfile) -> tuple[ItemCaution, ...]:
    return tuple(
        ItemCaution(
            condition=key,
            advice=exercise.cautions[key].advice,
            references=list(exercise.cautions[key].references),
        )
        for key in sorted(profile.caution_keys)
        if key in exercise.cautions
    )


def _dose(slot: Slot, exercise: ExerciseInfo, current: Level) -> Dose:
    return _dose_by(slot.dosing, slot.days, exercise, current)


def _dose_by(dosing: Dosing, days: Days, exercise: ExerciseInfo, current: Level) -> Dose:
    per_side = exercise.per_side
    # A counted-repetition exercise in a stretch slot is dosed as strength work.
    if not exercise.is_held and dosing in (Dosing.LEVEL, Dosing.TRIAL, Dosing.COOL_DOWN):
        dosing = Dosing.STRENGTH
    hold: int | None
    match dosing:
        case Dosing.LEVEL:
            hold, reps, sets, rest = current.hold_seconds, current.reps, 1, doses.TRIAL_REST_SECONDS
        case Dosing.TRIAL:
            hold, reps = doses.TRIAL_HOLD_SECONDS, doses.TRIAL_REPS
            sets, rest = 1, doses.TRIAL_REST_SECONDS
        case Dosing.COOL_DOWN:
            hold, reps = doses.COOL_DOWN_HOLD_SECONDS, doses.COOL_DOWN_REPS
            sets, rest = 1, doses.TRIAL_REST_SECONDS
        case Dosing.STRENGTH:
            hold, reps = exercise.hold_seconds, min(exercise.reps, doses.BEDTIME_STRENGTH_MAX_REPS)
            sets, rest = 1, doses.TRIAL_REST_SECONDS
        case Dosing.LIBRARY:
            hold, reps, sets, rest = (
                exercise.hold_seconds,
                exercise.reps,
                exercise.sets,
                exercise.rest_seconds,
            )
    return Dose(
        hold_seconds=hold, reps=reps, sets=sets, rest_seconds=rest, per_side=per_side, days=days
    )
