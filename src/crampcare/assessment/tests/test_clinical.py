"""The clinical content: consistent across files, cited, and safe in what it tells people."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import TypeAdapter

from crampcare.assessment.clinical import (
    MEDICINE_CLASS_IDS,
    ClinicalContent,
    ContributorRule,
    RedFlag,
    TriageRule,
    cross_check,
    load_clinical,
)
from crampcare.assessment.logic import Condition
from crampcare.knowledge.base import Text, read_yaml
from crampcare.knowledge.loader import get_library

OUR_FILES = (
    "medicines.yaml",
    "conditions.yaml",
    "red_flags.yaml",
    "triage_rules.yaml",
    "contributors.yaml",
)
CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


def texts(node: Any) -> Iterator[str]:
    """Every English user-facing string in a content tree."""
    if isinstance(node, dict):
        if "en" in node and set(node) <= {"en", "es"}:
            yield node["en"]
            return
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "references":
                yield from value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_it_loads_consistent_content() -> None:
    content = load_clinical()

    assert cross_check(content) == []
    assert [item.id for item in content.medicines.classes] == list(MEDICINE_CLASS_IDS)


@pytest.mark.parametrize("name", OUR_FILES)
def test_it_cites_only_references_that_exist(name: str) -> None:
    known = {entry["id"] for entry in read_yaml("references.yaml")["references"]}

    used = set(references(read_yaml(name)))

    # red_flags.yaml only asks questions; the rules that read the answers carry the citations.
    assert used or name == "red_flags.yaml"
    assert used <= known


def test_it_has_rules_at_every_level() -> None:
    levels = {rule.level.value for rule in load_clinical().rules}

    assert levels == {"emergency", "urgent", "see_doctor", "self_care"}


def test_it_tells_every_emergency_to_get_emergency_help_now() -> None:
    for rule in load_clinical().rules:
        if rule.level == "emergency":
            assert "emergency" in rule.action.en.lower(), rule.id
            assert "now" in rule.action.en, rule.id


@pytest.mark.parametrize("rule_id", ["new_medicine", "taking_quinine"])
def test_it_sends_medicine_worries_to_the_prescriber_without_stopping(rule_id: str) -> None:
    rule = next(rule for rule in load_clinical().rules if rule.id == rule_id)

    assert "the person who prescribed it" in rule.action.en
    assert "Do not stop it on your own" in rule.action.en


def test_it_gives_the_prescriber_advice_for_every_medicine_in_the_profile() -> None:
    action = load_clinical().medicines.contributor_action.en

    assert "the person who prescribed it" in action
    assert "Do not stop it" in action


STOP_ADVICE = re.compile(
    r"(?<!not )\bstop (taking )?(it|your|the|this|them)\b(?! on your own)", re.I
)
# An instruction (a sentence starting with the verb) to take quinine or tonic water.
QUININE_ADVICE = re.compile(r"(^|[.!?:]\s+)(take|try|use|start|ask)\b[^.]*\b(quinine|tonic)", re.I)


def test_it_recognises_unsafe_advice_when_it_is_written() -> None:
    assert STOP_ADVICE.search("If cramps start, stop taking your statin.")
    assert not STOP_ADVICE.search("Do not stop it on your own.")
    assert QUININE_ADVICE.search("Cramps at night? Try tonic water before bed.")
    assert not QUININE_ADVICE.search("You take quinine. It helps only a little.")


@pytest.mark.parametrize("name", OUR_FILES)
def test_it_never_advises_stopping_a_medicine_or_taking_quinine(name: str) -> None:
    for text in texts(read_yaml(name)):
        assert not STOP_ADVICE.search(text), text
        assert not QUININE_ADVICE.search(text), text


def test_it_quotes_garrisons_ratios_exactly() -> None:
    content = load_clinical()
    expected = {
        "laba": (2.42, 2.02, 2.89),
        "potassium_sparing_diuretic": (2.12, 1.61, 2.78),
        "thiazide_diuretic": (1.48, 1.29, 1.68),
        "loop_diuretic": (1.20, 1.00, 1.44),
        "statin": (1.16, 1.04, 1.29),
    }

    found = {
        item.id: (item.garrison.ratio, item.garrison.low, item.garrison.high)
        for item in content.medicines.classes
        if item.garrison is not None
    }

    assert found == expected


def test_it_marks_uncertain_links_as_uncertain() -> None:
    content = load_clinical()
    gabapentinoid = content.medicine_class("gabapentinoid")
    pregabalin = next(item for item in gabapentinoid.generics if item.name == "pregabalin")

    assert pregabalin.evidence == "uncertain"
    assert content.medicine_class("antidepressant_anxiolytic").evidence == "uncertain"
    assert content.medicine_class("quinine").role == "treatment_with_warning"


def test_it_explains_the_restless_legs_pattern_without_escalating() -> None:
    rule = next(rule for rule in load_clinical().rules if rule.id == "restless_legs_pattern")

    assert rule.level == "self_care"
    assert "restless legs" in rule.message.en


# --- the cross-check catches inconsistent content ---------------------------------------------


def rule(rule_id: str, when: dict[str, Any], level: str = "urgent") -> TriageRule:
    return TriageRule.model_validate(
        {
            "id": rule_id,
            "level": level,
            "when": when,
            "message": {"en": "m"},
            "action": {"en": "a"},
            "references": ["R24"],
        }
    )


def with_rules(*extra: TriageRule) -> ClinicalContent:
    content = load_clinical()
    return dataclasses.replace(content, rules=(*content.rules, *extra))


def test_it_rejects_a_rule_that_fires_on_a_red_flag_being_absent() -> None:
    content = with_rules(rule("calm_if_no_swelling", {"not": {"symptom": "dark_urine"}}))

    problems = cross_check(content)

    assert any("fires on a red flag being absent ['dark_urine']" in p for p in problems)


def test_it_rejects_a_red_flag_whose_readers_are_not_declared() -> None:
    content = with_rules(rule("extra_reader", {"symptom": "coughing_blood"}))

    problems = cross_check(content)

    assert any(p.startswith("red flag coughing_blood: used_by") for p in problems)


def test_it_rejects_a_rule_on_an_unknown_medicine_class() -> None:
    content = with_rules(rule("mystery_pill", {"medication_class": "unicorn_tonic"}))

    assert any("unknown medicine classes ['unicorn_tonic']" in p for p in cross_check(content))


def test_it_rejects_duplicate_rule_ids() -> None:
    content = load_clinical()
    duplicated = dataclasses.replace(content, rules=(*content.rules, content.rules[0]))

    assert "triage_rules.yaml: a rule id is listed twice" in cross_check(duplicated)


def test_it_rejects_a_missing_or_reordered_red_flag() -> None:
    content = load_clinical()
    missing = dataclasses.replace(content, red_flags=content.red_flags[1:])
    reordered = dataclasses.replace(content, red_flags=tuple(reversed(content.red_flags)))

    assert any("missing ['calf_swelling_one_side']" in p for p in cross_check(missing))
    assert any("must follow the order" in p for p in cross_check(reordered))


def test_it_rejects_an_ask_if_that_reads_a_red_flag() -> None:
    content = load_clinical()
    first = content.red_flags[0]
    circular = RedFlag.model_validate(
        {**first.model_dump(exclude={"ask_if"}), "ask_if": {"symptom": "dark_urine"}}
    )
    changed = dataclasses.replace(content, red_flags=(circular, *content.red_flags[1:]))

    assert any("ask_if may only use plain answers" in p for p in cross_check(changed))


def test_it_keeps_red_flags_out_of_the_profile_and_its_generated_ids() -> None:
    content = load_clinical()
    bad = ContributorRule(
        id="medicine-guess",
        modifiable=True,
        when=CONDITION.validate_python({"symptom": "dark_urine"}),
        message=Text(en="m"),
        action=Text(en="a"),
        references=["R24"],
    )
    changed = dataclasses.replace(content, contributors=(*content.contributors, bad))

    problems = cross_check(changed)

    assert "contributor medicine-guess: red flags belong to triage rules" in problems
    assert "contributor medicine-guess: that id space is generated" in problems


def test_it_links_each_reference_to_its_own_page_not_a_home_page_or_search() -> None:
    references = get_library().references
    for ref_id in ("R19", "R25", "R28", "R33", "R41"):
        link = urlsplit(references[ref_id].link)
        assert link.path.strip("/").count("/") >= 1, ref_id
        assert not link.query, ref_id
    assert "drc-20350826" not in references["R25"].link
    assert references["R2"].kind == "letter"


def test_it_cites_for_each_claim_a_source_that_covers_it() -> None:
    content = load_clinical()
    rules = {rule.id: rule for rule in content.rules}
    # R26 covers muscle breakdown after exertion and heat, not statins.
    assert "R26" not in content.medicine_class("statin").references
    assert "R13" in rules["possible_muscle_breakdown"].references
    # R10 does not cover acute limb ischaemia; the level is kept as the conservative reading.
    blocked = rules["possible_blocked_leg_artery"]
    assert "R10" not in blocked.references
    assert blocked.level == "emergency"
    assert blocked.note is not None
    assert "not verified" in blocked.note
