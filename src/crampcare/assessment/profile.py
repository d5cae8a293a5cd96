"""The personal risk profile: which known contributors to cramps apply, and what to do about each.

Ranked with the things you can change yourself first. Medicines are listed as not modifiable on
purpose: only the prescriber should change them, and the advice says so.
"""

from __future__ import annotations

from collections.abc import Collection

from crampcare.assessment.clinical import ClinicalContent, MedicineClass
from crampcare.assessment.logic import Facts, evaluate_condition
from crampcare.assessment.schema import Contributor
from crampcare.knowledge.base import Text


def risk_profile(
    facts: Facts,
    content: ClinicalContent,
    language: str,
    fired_rules: Collection[str] = (),
) -> list[Contributor]:
    """``fired_rules``: the triage rules that fired, which can change a medicine card's action
    (beside a suspected statin muscle breakdown, emergency help comes first)."""
    items = [
        Contributor(
            id=rule.id,
            modifiable=rule.modifiable,
            message=rule.message.get(language),
            action=rule.action.get(language),
            references=list(rule.references),
        )
        for rule in content.contributors
        if evaluate_condition(rule.when, facts).truth is True
    ]
    for class_id in facts.medication_classes:
        medicine = content.medicine_class(class_id)
        # Quinine is a treatment with a warning, not a cause; the triage rule speaks to it.
        if medicine.role != "may_cause_cramps":
            continue
        items.append(
            Contributor(
                id=f"medicine.{class_id}",
                modifiable=False,
                message=f"{medicine.name.get(language)}: {medicine.why.get(language)}",
                action=_medicine_action(medicine, content, fired_rules).get(language),
                references=list(medicine.references),
            )
        )
    for condition_id in sorted(set(facts.answers.conditions)):
        condition = content.condition(condition_id)
        if not condition.linked_to_cramps:
            continue
        items.append(
            Contributor(
                id=f"condition.{condition_id}",
                modifiable=False,
                message=f"{condition.name.get(language)}: {condition.why.get(language)}",
                action=condition.action.get(language),
                references=list(condition.references),
            )
        )
    return sorted(items, key=lambda item: (not item.modifiable, item.id))


def _medicine_action(
    medicine: MedicineClass, content: ClinicalContent, fired_rules: Collection[str]
) -> Text:
    override = next((item for item in medicine.instead_when if item.rule in fired_rules), None)
    return override.action if override else content.medicines.contributor_action
