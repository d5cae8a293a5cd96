"""Schemas and loaders for the clinical content the assessment runs on.

medicines.yaml, conditions.yaml, red_flags.yaml, triage_rules.yaml and contributors.yaml are
validated on load and then cross-checked against each other and against the input schema, so a
typo in a rule (an unknown symptom, a medicine class that does not exist, a red flag no rule
reads) stops start-up and the tests instead of silently never firing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, model_validator

from crampcare.assessment.logic import (
    Condition,
    medication_classes_in,
    negated_symptoms,
    symptoms_in,
)
from crampcare.assessment.schema import (
    CONDITION_IDS,
    SYMPTOM_IDS,
    ConditionId,
    SymptomId,
    TriageLevel,
)
from crampcare.knowledge.base import Cited, ContentModel, Slug, Text, read_yaml

# The shared medicine-class vocabulary; medicines.yaml must describe exactly these.
MEDICINE_CLASS_IDS = (
    "thiazide_diuretic",
    "loop_diuretic",
    "potassium_sparing_diuretic",
    "diuretic_unspecified",
    "arb",
    "laba",
    "statin",
    "conjugated_estrogens",
    "raloxifene",
    "teriparatide",
    "iron_sucrose_iv",
    "naproxen",
    "nifedipine",
    "salbutamol",
    "oral_contraceptive",
    "antidepressant_anxiolytic",
    "gabapentinoid",
    "zolpidem",
    "quinine",
)

Evidence = Literal["strong", "moderate", "weak", "reported", "uncertain"]


class ContentError(ValueError):
    """The clinical content is inconsistent; the message says which file and entry."""


class RatioWithInterval(ContentModel):
    ratio: float = Field(gt=0)
    low: float = Field(gt=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> RatioWithInterval:
        if not self.low <= self.ratio <= self.high:
            raise ValueError("the ratio must lie inside its interval")
        return self


class GenericMedicine(ContentModel):
    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)
    # Overrides the class's evidence when this medicine's own link differs (e.g. pregabalin).
    evidence: Evidence | None = None


class ActionWhenRuleFires(ContentModel):
    """A medicine card's action replaced while a triage rule fires (e.g. emergency first)."""

    rule: Slug
    action: Text


class MedicineClass(Cited):
    id: Slug
    name: Text
    role: Literal["may_cause_cramps", "treatment_with_warning"]
    evidence: Evidence | None = None
    garrison: RatioWithInterval | None = None
    why: Text
    aliases: list[str] = Field(default_factory=list)
    generics: list[GenericMedicine] = Field(min_length=1)
    instead_when: list[ActionWhenRuleFires] = Field(default_factory=list)

    @model_validator(mode="after")
    def _evidence_for_causes(self) -> MedicineClass:
        if self.role == "may_cause_cramps" and self.evidence is None:
            raise ValueError(f"{self.id}: a medicine that may cause cramps needs its evidence")
        if self.garrison is not None and "R11" not in self.references:
            raise ValueError(f"{self.id}: a Garrison ratio must cite R11")
        return self


class MedicinesFile(ContentModel):
    contributor_action: Text
    classes: list[MedicineClass]


class ClinicalCondition(Cited):
    id: ConditionId
    name: Text
    linked_to_cramps: bool
    why: Text
    action: Text


class RedFlag(ContentModel):
    id: SymptomId
    question: Text
    help: Text
    ask_if: Condition | None = None
    used_by: list[str] = Field(min_length=1)


class TriageRule(Cited):
    id: Slug
    level: TriageLevel
    when: Condition
    message: Text
    action: Text
    note: str | None = None


class ContributorRule(Cited):
    id: Slug
    modifiable: bool
    when: Condition
    message: Text
    action: Text
    note: str | None = None


@dataclass(frozen=True)
class ClinicalContent:
    medicines: MedicinesFile
    conditions: tuple[ClinicalCondition, ...]
    red_flags: tuple[RedFlag, ...]
    rules: tuple[TriageRule, ...]
    contributors: tuple[ContributorRule, ...]

    def medicine_class(self, class_id: str) -> MedicineClass:
        return next(item for item in self.medicines.classes if item.id == class_id)

    def condition(self, condition_id: str) -> ClinicalCondition:
        return next(item for item in self.conditions if item.id == condition_id)


_Model = TypeVar("_Model", bound=BaseModel)


def _parse(model: type[_Model], name: str, data: object) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ContentError(f"{name}: {error}") from error


def _parse_list(model: type[_Model], name: str) -> tuple[_Model, ...]:
    data = read_yaml(name)
    if not isinstance(data, list):
        raise ContentError(f"{name}: expected a list of entries")
    return tuple(_parse(model, f"{name}[{index}]", item) for index, item in enumerate(data))


@cache
def load_clinical() -> ClinicalContent:
    """Load, validate and cross-check all assessment content (once per process)."""
    content = ClinicalContent(
        medicines=_parse(MedicinesFile, "medicines.yaml", read_yaml("medicines.yaml")),
        conditions=_parse_list(ClinicalCondition, "conditions.yaml"),
        red_flags=_parse_list(RedFlag, "red_flags.yaml"),
        rules=_parse_list(TriageRule, "triage_rules.yaml"),
        contributors=_parse_list(ContributorRule, "contributors.yaml"),
    )
    problems = cross_check(content)
    if problems:
        raise ContentError("clinical content is inconsistent:\n- " + "\n- ".join(problems))
    return content


def _same_ids(what: str, found: Sequence[str], expected: tuple[str, ...]) -> list[str]:
    problems = []
    if len(set(found)) != len(found):
        problems.append(f"{what}: an id is listed twice")
    if missing := sorted(set(expected) - set(found)):
        problems.append(f"{what}: missing {missing}")
    if unknown := sorted(set(found) - set(expected)):
        problems.append(f"{what}: unknown ids {unknown}")
    return problems


def cross_check(content: ClinicalContent) -> list[str]:
    """Every inconsistency between the content files, as readable messages (empty when sound)."""
    class_ids = [item.id for item in content.medicines.classes]
    problems = _same_ids("medicines.yaml", class_ids, MEDICINE_CLASS_IDS)
    problems += _same_ids(
        "conditions.yaml", [item.id for item in content.conditions], CONDITION_IDS
    )
    flag_ids = [item.id for item in content.red_flags]
    problems += _same_ids("red_flags.yaml", flag_ids, SYMPTOM_IDS)
    if set(flag_ids) == set(SYMPTOM_IDS) and tuple(flag_ids) != SYMPTOM_IDS:
        problems.append("red_flags.yaml: questions must follow the order of schema.SymptomId")
    rule_ids = [rule.id for rule in content.rules]
    if len(set(rule_ids)) != len(rule_ids):
        problems.append("triage_rules.yaml: a rule id is listed twice")
    contributor_ids = [item.id for item in content.contributors]
    if len(set(contributor_ids)) != len(contributor_ids):
        problems.append("contributors.yaml: an id is listed twice")

    readers: dict[str, set[str]] = {symptom: set() for symptom in SYMPTOM_IDS}
    for rule in content.rules:
        for symptom in symptoms_in(rule.when):
            readers[symptom].add(rule.id)
        # Monotonicity: a "no" to a red flag must never be what fires a rule.
        if negated := negated_symptoms(rule.when):
            problems.append(f"rule {rule.id}: fires on a red flag being absent {sorted(negated)}")
    for flag in content.red_flags:
        if set(flag.used_by) != readers[flag.id]:
            problems.append(
                f"red flag {flag.id}: used_by {sorted(flag.used_by)} but read by "
                f"{sorted(readers[flag.id])}"
            )
        if flag.ask_if is not None and symptoms_in(flag.ask_if):
            problems.append(f"red flag {flag.id}: ask_if may only use plain answers")

    conditions: list[tuple[str, Condition]] = [(f"rule {r.id}", r.when) for r in content.rules]
    conditions += [(f"contributor {c.id}", c.when) for c in content.contributors]
    for label, condition in conditions:
        if unknown := medication_classes_in(condition) - set(class_ids):
            problems.append(f"{label}: unknown medicine classes {sorted(unknown)}")
    for contributor in content.contributors:
        if symptoms_in(contributor.when):
            problems.append(f"contributor {contributor.id}: red flags belong to triage rules")
        if "." in contributor.id or contributor.id.startswith(("medicine", "condition")):
            problems.append(f"contributor {contributor.id}: that id space is generated")
    for item in content.medicines.classes:
        for override in item.instead_when:
            if override.rule not in rule_ids:
                problems.append(
                    f"medicine {item.id}: instead_when names unknown rule {override.rule}"
                )
    problems += _medicine_name_problems(content.medicines)
    return problems


def _medicine_name_problems(medicines: MedicinesFile) -> list[str]:
    # A generic name or class alias pointing at two classes would make matching ambiguous;
    # brands may (combination products such as Dyazide really contain two classes). Names are
    # compared as the matcher compares them (case and accents aside: "quinina" == "quinína").
    from crampcare.assessment.medicines import normalise

    owner: dict[str, str] = {}
    problems = []
    for item in medicines.classes:
        names = [item.id.replace("_", " "), *item.aliases]
        for generic in item.generics:
            names += [generic.name, *generic.aliases]
        for name in names:
            key = normalise(name)
            if owner.setdefault(key, item.id) != item.id:
                problems.append(f"medicine name {name!r} belongs to {owner[key]} and {item.id}")
    return problems
