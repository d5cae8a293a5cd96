"""The small condition language used by triage rules, red-flag questions and profile contributors.

A condition is a YAML mapping with one key::

    all: [condition, ...]            every one holds
    any: [condition, ...]            at least one holds
    not: condition                   the opposite
    symptom: <symptom id>            the red-flag answer is "yes"
    field: <name>, <operator>: x     a plain answer compared (eq, in, gte, gt, lte, lt,
                                     contains, contains_any; which ones depends on the field)
    medication_class: <class id>     a medicine of that class is listed
    condition: <condition id>        that health condition is listed

Evaluation uses three-valued (Kleene) logic: an unanswered question is *unknown*, never "no".
``all`` is false if any part is false, true if all are true, otherwise unknown; ``any`` mirrors
it; ``not`` keeps unknown unknown. A rule fires only on *true*, so it never fires on a guess,
and the unknown answers are reported back to be asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import Discriminator, Field, Tag, model_validator

from crampcare.assessment.schema import (
    FIELD_CHOICES,
    FIELD_KINDS,
    Answer,
    AssessmentInput,
    ConditionId,
    SymptomId,
)
from crampcare.knowledge.base import ContentModel

_OPERATORS = ("eq", "in_", "gte", "gt", "lte", "lt", "contains", "contains_any")
_OPERATORS_BY_KIND = {
    "bool": {"eq"},
    "number": {"eq", "gte", "gt", "lte", "lt"},
    "choice": {"eq", "in_"},
    "choices": {"contains", "contains_any"},
}


class AllOf(ContentModel):
    kind: ClassVar[str] = "all"
    all: list[Condition] = Field(min_length=1)


class AnyOf(ContentModel):
    kind: ClassVar[str] = "any"
    any: list[Condition] = Field(min_length=1)


class NotOf(ContentModel):
    kind: ClassVar[str] = "not"
    not_: Condition = Field(alias="not")


class SymptomTrue(ContentModel):
    kind: ClassVar[str] = "symptom"
    symptom: SymptomId


class MedicationClassPresent(ContentModel):
    kind: ClassVar[str] = "medication_class"
    medication_class: str


class ConditionPresent(ContentModel):
    kind: ClassVar[str] = "condition"
    condition: ConditionId


class FieldTest(ContentModel):
    """One plain answer compared with a value; exactly one operator, suited to the field."""

    kind: ClassVar[str] = "field"
    field: str
    eq: bool | float | str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    contains: str | None = None
    contains_any: list[str] | None = Field(default=None, min_length=1)

    @property
    def operator(self) -> str:
        return next(name for name in _OPERATORS if name in self.model_fields_set)

    @property
    def operand(self) -> Any:
        return getattr(self, self.operator)

    @model_validator(mode="after")
    def _operator_fits_field(self) -> FieldTest:
        kind = FIELD_KINDS.get(self.field)
        if kind is None:
            raise ValueError(f"unknown answer field {self.field!r}")
        used = [name for name in _OPERATORS if name in self.model_fields_set]
        if len(used) != 1:
            raise ValueError(f"field test on {self.field!r} needs exactly one operator")
        operator, operand = used[0], getattr(self, used[0])
        if operator not in _OPERATORS_BY_KIND[kind]:
            raise ValueError(f"operator {operator.rstrip('_')!r} does not apply to {self.field!r}")
        if kind == "bool" and not isinstance(operand, bool):
            raise ValueError(f"{self.field!r} is yes/no: compare it with true or false")
        if kind == "number" and (isinstance(operand, bool | str) or operand is None):
            raise ValueError(f"{self.field!r} is a number: compare it with a number")
        if kind in ("choice", "choices"):
            values = operand if isinstance(operand, list) else [operand]
            unknown = [value for value in values if value not in FIELD_CHOICES[self.field]]
            if unknown:
                raise ValueError(f"{unknown!r} are not choices of {self.field!r}")
        return self


def _kind_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((key for key in _KINDS if key in value), None)
    return getattr(value, "kind", None)


_KINDS = ("all", "any", "not", "symptom", "medication_class", "condition", "field")

Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[SymptomTrue, Tag("symptom")]
    | Annotated[MedicationClassPresent, Tag("medication_class")]
    | Annotated[ConditionPresent, Tag("condition")]
    | Annotated[FieldTest, Tag("field")],
    Discriminator(_kind_of),
]

for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


@dataclass(frozen=True)
class Facts:
    """The answers plus what was derived from them once (medicine classes matched by name)."""

    answers: AssessmentInput
    # class id -> the names as given that matched it
    medication_classes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """``truth`` is True, False or None (unknown); ``evidence`` are the answers that decided it."""

    truth: bool | None
    evidence: Mapping[str, Answer] = field(default_factory=dict)


def evaluate_condition(condition: Condition, facts: Facts) -> Outcome:
    if isinstance(condition, AllOf):
        return _combine([evaluate_condition(part, facts) for part in condition.all], decisive=False)
    if isinstance(condition, AnyOf):
        return _combine([evaluate_condition(part, facts) for part in condition.any], decisive=True)
    if isinstance(condition, NotOf):
        inner = evaluate_condition(condition.not_, facts)
        return Outcome(None if inner.truth is None else not inner.truth, inner.evidence)
    if isinstance(condition, SymptomTrue):
        answer = facts.answers.symptom(condition.symptom)
        if answer is None:
            return Outcome(None)
        return Outcome(answer, {f"symptoms.{condition.symptom}": answer})
    if isinstance(condition, MedicationClassPresent):
        names = facts.medication_classes.get(condition.medication_class, ())
        return Outcome(bool(names), {"medications": sorted(names)})
    if isinstance(condition, ConditionPresent):
        present = condition.condition in facts.answers.conditions
        return Outcome(present, {"conditions": [condition.condition]} if present else {})
    return _field_outcome(condition, facts.answers)


def _combine(outcomes: list[Outcome], *, decisive: bool) -> Outcome:
    """Kleene AND (decisive=False) or OR (decisive=True) over the parts.

    The evidence is taken from the parts that decided the result: for a true ``any``, every true
    part (so all the answers that fired a rule are shown, not just the first).
    """
    deciding = [outcome for outcome in outcomes if outcome.truth is decisive]
    if deciding:
        return Outcome(decisive, merge_evidence(outcome.evidence for outcome in deciding))
    if any(outcome.truth is None for outcome in outcomes):
        return Outcome(None)
    return Outcome(not decisive, merge_evidence(outcome.evidence for outcome in outcomes))


def _field_outcome(test: FieldTest, answers: AssessmentInput) -> Outcome:
    value = getattr(answers, test.field)
    if value is None:
        return Outcome(None)
    operator, operand = test.operator, test.operand
    if operator in ("contains", "contains_any"):
        wanted = {operand} if operator == "contains" else set(operand)
        matched = sorted(wanted.intersection(value))
        return Outcome(bool(matched), {test.field: matched or sorted(set(value))})
    truth = {
        "eq": lambda: value == operand,
        "in_": lambda: value in operand,
        "gte": lambda: value >= operand,
        "gt": lambda: value > operand,
        "lte": lambda: value <= operand,
        "lt": lambda: value < operand,
    }[operator]()
    return Outcome(bool(truth), {test.field: value})


def merge_evidence(parts: Iterable[Mapping[str, Answer]]) -> dict[str, Answer]:
    """Union of answer maps; list values (matched items) are merged, sorted and de-duplicated."""
    merged: dict[str, Answer] = {}
    for part in parts:
        for key, value in part.items():
            existing = merged.get(key)
            if isinstance(value, list) and isinstance(existing, list):
                merged[key] = sorted(set(existing) | set(value))
            else:
                merged[key] = value
    return dict(sorted(merged.items()))


def walk(condition: Condition, *, negated: bool = False) -> Iterator[tuple[Condition, bool]]:
    """Every node of a condition, with whether it sits under an odd number of ``not``."""
    yield condition, negated
    if isinstance(condition, AllOf):
        for part in condition.all:
            yield from walk(part, negated=negated)
    elif isinstance(condition, AnyOf):
        for part in condition.any:
            yield from walk(part, negated=negated)
    elif isinstance(condition, NotOf):
        yield from walk(condition.not_, negated=not negated)


def symptoms_in(condition: Condition) -> set[str]:
    return {node.symptom for node, _ in walk(condition) if isinstance(node, SymptomTrue)}


def negated_symptoms(condition: Condition) -> set[str]:
    return {
        node.symptom
        for node, negated in walk(condition)
        if isinstance(node, SymptomTrue) and negated
    }


def medication_classes_in(condition: Condition) -> set[str]:
    return {
        node.medication_class
        for node, _ in walk(condition)
        if isinstance(node, MedicationClassPresent)
    }
