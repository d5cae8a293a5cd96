"""The cited lines that say why a plan holds what it holds, read from content by id.

A stored plan (``Program.plan``, ``Session.items``) keeps a reason id per exercise and per
change (``PlanItem.why``, ``PlanNote.why``); :func:`render_why` turns it into words in the
language active when the plan is read, from ``knowledge/content/plan_reasons.yaml``. Plans stored
before the ids keep a cited line that matched no reason as it was (:class:`KeptWhy`), shown as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import Field, model_validator

from crampcare.knowledge.base import Cited, ContentModel, Slug, Text, read_yaml

REASONS_FILE = "plan_reasons.yaml"


class KeptWhy(Cited):
    """A cited line stored in full by a plan made before the reason ids, that the migration could
    match to no reason in the content file: kept, and shown as it was stored."""

    text: Text


class PlanReason(Cited):
    id: Slug
    text: Text
    # Which slots use it (exercises only); checked against the slots when the file loads.
    slots: list[str] = Field(default_factory=list)


class PlanReasonList(ContentModel):
    exercises: list[PlanReason]
    changes: list[PlanReason]

    @model_validator(mode="after")
    def _unique_ids(self) -> PlanReasonList:
        ids = [reason.id for reason in (*self.exercises, *self.changes)]
        twice = sorted({reason_id for reason_id in ids if ids.count(reason_id) > 1})
        if twice:
            raise ValueError(f"reason ids listed twice: {', '.join(twice)}")
        return self


@dataclass(frozen=True)
class ShownWhy:
    """A reason as a page, the API or a report shows it."""

    id: str | None  # None for a kept line from before the ids
    text: str
    references: list[str]


def parse_reasons(data: Any) -> Mapping[str, PlanReason]:
    """Validate a parsed reasons file and check its ids and references against the code and the
    reference list; raises ``ContentError`` naming every problem."""
    # Imported here: the loader reads the whole knowledge library, which this module's importers
    # (the pure plan code) do not need until a reason is read.
    from crampcare.knowledge.loader import ContentError, get_library, parse_document

    document = parse_document(PlanReasonList, REASONS_FILE, data)
    reasons = {reason.id: reason for reason in (*document.exercises, *document.changes)}
    problems = [
        f"{REASONS_FILE}: {reason.id!r}: unknown reference id {ref!r}"
        for reason in reasons.values()
        for ref in reason.references
        if ref not in get_library().references
    ]
    problems += _code_problems(document)
    if problems:
        raise ContentError("\n".join(problems))
    return MappingProxyType(reasons)


def _code_problems(document: PlanReasonList) -> list[str]:
    from crampcare.programs.plan import CARE_TEAM_REASON
    from crampcare.programs.rules import CHANGE_REASONS
    from crampcare.programs.slots import SLOTS

    problems = []
    exercises = {reason.id: reason for reason in document.exercises}
    changes = {reason.id for reason in document.changes}
    if CARE_TEAM_REASON not in exercises:
        problems.append(f"{REASONS_FILE}: no exercise reason {CARE_TEAM_REASON!r}")
    for slot in SLOTS:
        reason = exercises.get(slot.why)
        if reason is None:
            problems.append(f"{REASONS_FILE}: slot {slot.id!r}: no exercise reason {slot.why!r}")
        elif slot.id not in reason.slots:
            problems.append(f"{REASONS_FILE}: {slot.why!r}: slots should name {slot.id!r}")
    named = {slot.id: slot.why for slot in SLOTS}
    for reason in document.exercises:
        for slot_id in reason.slots:
            if named.get(slot_id) != reason.id:
                problems.append(f"{REASONS_FILE}: {reason.id!r}: slot {slot_id!r} does not use it")
    problems += [
        f"{REASONS_FILE}: no change reason {rule_id!r}"
        for rule_id in CHANGE_REASONS
        if rule_id not in changes
    ]
    problems += [
        f"{REASONS_FILE}: change reason {reason_id!r} is no rule's"
        for reason_id in sorted(changes - set(CHANGE_REASONS))
    ]
    return problems


@cache
def plan_reasons() -> Mapping[str, PlanReason]:
    """Every reason by id, loaded and checked once per process."""
    return parse_reasons(read_yaml(REASONS_FILE))


def render_why(why: str | KeptWhy, language: str | None = None) -> ShownWhy:
    """The words for a stored reason, in ``language`` (default: the active language)."""
    if isinstance(why, KeptWhy):
        return ShownWhy(id=None, text=why.text.get(language), references=list(why.references))
    reason = plan_reasons()[why]
    return ShownWhy(id=why, text=reason.text.get(language), references=list(reason.references))


def reason_for_text(english: str, references: Iterable[str]) -> str | None:
    """The reason id whose English words and references are exactly these (for plans stored
    before the ids), or None."""
    wanted = list(references)
    return next(
        (
            reason.id
            for reason in plan_reasons().values()
            if reason.text.en == english and list(reason.references) == wanted
        ),
        None,
    )


def why_to_id(stored: Any) -> Any:
    """A stored ``why`` as the ids version stores it: a reason id when the stored words match one,
    else unchanged (a kept line)."""
    if isinstance(stored, Mapping) and isinstance(stored.get("text"), Mapping):
        found = reason_for_text(str(stored["text"].get("en", "")), stored.get("references") or [])
        return found or dict(stored)
    return stored


def why_to_words(stored: Any) -> Any:
    """A stored ``why`` as plans stored it before the ids: the cited line in English (the reverse
    of :func:`why_to_id`, in the shape the old code stored)."""
    if isinstance(stored, str):
        reason = plan_reasons()[stored]
        # The old code wrote its lines from English literals: no other language was ever stored.
        return {"references": list(reason.references), "text": {"en": reason.text.en, "es": None}}
    return stored


def plan_with(plan: Mapping[str, Any], convert: Any) -> dict[str, Any]:
    """A stored plan (or anything with ``items`` and ``notes``) with each ``why`` converted."""
    out = dict(plan)
    for key in ("items", "notes"):
        if isinstance(out.get(key), list):
            out[key] = items_with(out[key], convert)
    return out


def items_with(items: Iterable[Any], convert: Any) -> list[Any]:
    return [
        {**item, "why": convert(item["why"])}
        if isinstance(item, Mapping) and "why" in item
        else item
        for item in items
    ]
