"""The personal risk profile: which known contributors to cramps apply, and what to do about each.

Ranked with the things you can change yourself first. Medicines are listed as not modifiable on
purpose: only the prescriber should change them, and the advice says so.
"""

from __future__ import annotations

from crampcare.assessment.clinical import ClinicalContent
from crampcare.assessment.logic import Facts, evaluate_condition
from crampcare.assessment.rendering import CONDITION, MEDICINE


def risk_factors(facts: Facts, content: ClinicalContent) -> list[tuple[str, bool]]:
    """Each factor that applies, as (id, modifiable): a contributor rule's id, ``medicine.<class>``
    or ``condition.<id>``. Their words are rendered when read (rendering.factor_words)."""
    items = [
        (rule.id, rule.modifiable)
        for rule in content.contributors
        if evaluate_condition(rule.when, facts).truth is True
    ]
    for class_id in facts.medication_classes:
        # Quinine is a treatment with a warning, not a cause; the triage rule speaks to it.
        if content.medicine_class(class_id).role != "may_cause_cramps":
            continue
        items.append((f"{MEDICINE}{class_id}", False))
    for condition_id in sorted(set(facts.answers.conditions)):
        if not content.condition(condition_id).linked_to_cramps:
            continue
        items.append((f"{CONDITION}{condition_id}", False))
    return sorted(items, key=lambda item: (not item[1], item[0]))
