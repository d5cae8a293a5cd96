"""Red-flag triage: which rules fire for these answers, and which questions still need an answer.

Pure: a function of the answers and the rules in triage_rules.yaml, with no database or request.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.assessment.clinical import ClinicalContent, TriageRule
from crampcare.assessment.logic import Facts, evaluate_condition
from crampcare.assessment.schema import Answer, TriageLevel


@dataclass(frozen=True)
class FiredRule:
    rule: TriageRule
    fired_by: dict[str, Answer]


@dataclass(frozen=True)
class TriageOutcome:
    level: TriageLevel
    # most urgent first, then by rule id
    fired: tuple[FiredRule, ...]
    # red-flag ids that apply but have no answer, in question order
    incomplete: tuple[str, ...]

    def stored_reasons(self) -> list[dict[str, object]]:
        """Each rule that fired, as a result stores it: its id, level and the answers that fired
        it. The words are rendered when read (rendering.reason_words)."""
        return [
            {"rule": item.rule.id, "level": item.rule.level.value, "fired_by": item.fired_by}
            for item in self.fired
        ]


def triage(facts: Facts, content: ClinicalContent) -> TriageOutcome:
    """The highest level any rule reaches (self_care when none fires), every rule that fired."""
    fired = []
    for rule in content.rules:
        outcome = evaluate_condition(rule.when, facts)
        # Only a definite "true" fires; unknown is handled through `incomplete`, never guessed.
        if outcome.truth is True:
            fired.append(FiredRule(rule=rule, fired_by=dict(outcome.evidence)))
    fired.sort(key=lambda item: (-item.rule.level.rank, item.rule.id))
    level = fired[0].rule.level if fired else TriageLevel.SELF_CARE
    return TriageOutcome(
        level=level, fired=tuple(fired), incomplete=unanswered_red_flags(facts, content)
    )


def unanswered_red_flags(facts: Facts, content: ClinicalContent) -> tuple[str, ...]:
    """Red-flag questions that apply to this person and are unanswered (null or missing).

    A question is left out only when its ``ask_if`` is definitely false (for example, pregnancy
    questions for someone who said they are not pregnant); when in doubt it is asked.
    """
    pending = []
    for flag in content.red_flags:
        if facts.answers.symptom(flag.id) is not None:
            continue
        if flag.ask_if is not None and evaluate_condition(flag.ask_if, facts).truth is False:
            continue
        pending.append(flag.id)
    return tuple(pending)
