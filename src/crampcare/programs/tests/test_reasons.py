"""The plan's cited lines: stored as reason ids, worded from plan_reasons.yaml when read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import translation

from crampcare.knowledge.base import CONTENT_DIR, read_yaml
from crampcare.knowledge.loader import ContentError
from crampcare.programs import reasons
from crampcare.programs.catalogue import default_catalogue
from crampcare.programs.plan import Plan, generate_plan
from crampcare.programs.reasons import (
    REASONS_FILE,
    KeptWhy,
    parse_reasons,
    plan_reasons,
    plan_with,
    render_why,
    why_to_id,
    why_to_words,
)
from crampcare.programs.tests.english_plans import PLAN_CASES

GOLDEN = Path(__file__).resolve().parent / "golden"


def _golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_it_words_each_plan_exactly_as_the_python_literals_did(case: str) -> None:
    profile, options = PLAN_CASES[case]
    plan = generate_plan(profile, default_catalogue(), **options)

    expected = _golden("plan_english.json")[case]
    with translation.override("en"):
        items = [
            [i.slot, i.exercise_id, i.shown_why.text, i.shown_why.references] for i in plan.items
        ]
        notes = [
            [n.rule, n.exercise_id, n.shown_why.text, n.shown_why.references] for n in plan.notes
        ]
    assert items == expected["items"]
    assert notes == expected["notes"]


def test_it_stores_only_ids_that_resolve_to_content() -> None:
    known = plan_reasons()
    for profile, options in PLAN_CASES.values():
        stored = generate_plan(profile, default_catalogue(), **options).model_dump(mode="json")
        whys = [entry["why"] for entry in (*stored["items"], *stored["notes"])]
        assert all(isinstance(why, str) and why in known for why in whys), whys


def test_it_words_the_plan_when_it_is_read_in_the_language_active_then() -> None:
    with translation.override("en"):
        stored = generate_plan(*_typical()).model_dump(mode="json")
    plan = Plan.model_validate(stored)
    item = plan.items[0]
    spanish = {"text": {"en": "English words", "es": "Palabras en español"}, "references": ["R1"]}

    with mock.patch.object(reasons, "plan_reasons", return_value={item.why: _reason(spanish)}):
        with translation.override("es"):
            assert item.shown_why.text == "Palabras en español"
        with translation.override("en"):
            assert item.shown_why.text == "English words"
        # A language with no catalogue and no words in the file falls back to English.
        with translation.override("de"):
            assert item.shown_why.text == "English words"


def test_it_renders_through_one_function_each_time_the_plan_is_read() -> None:
    plan = generate_plan(*_typical())
    with mock.patch("crampcare.programs.plan.render_why", wraps=render_why) as spy:
        _ = plan.items[0].shown_why
        _ = plan.notes[0].shown_why
    assert spy.call_count == 2


def test_it_shows_a_kept_line_from_before_the_ids_as_it_was() -> None:
    kept = KeptWhy.model_validate({"text": {"en": "An older line."}, "references": ["R1"]})

    shown = render_why(kept)

    assert (shown.id, shown.text, shown.references) == (None, "An older line.", ["R1"])


def test_it_turns_stored_words_into_ids_and_back() -> None:
    stored = _golden("plan_stored_before_ids.json")["hip-replacement"]

    with_ids = plan_with(stored, why_to_id)

    assert all(isinstance(i["why"], str) for i in (*with_ids["items"], *with_ids["notes"]))
    assert plan_with(with_ids, why_to_words) == stored
    changed = {"text": {"en": "Words we no longer use."}, "references": ["R1"]}
    assert why_to_id(changed) == changed


def test_it_refuses_a_reasons_file_with_an_unknown_reference() -> None:
    data = _raw()
    data["exercises"][0]["references"] = ["R999"]

    with pytest.raises(ContentError, match="unknown reference id 'R999'"):
        parse_reasons(data)


def test_it_refuses_a_reasons_file_without_references() -> None:
    data = _raw()
    data["changes"][0]["references"] = []

    with pytest.raises(ContentError, match="references"):
        parse_reasons(data)


def test_it_refuses_a_reasons_file_missing_a_reason_the_code_names() -> None:
    data = _raw()
    dropped = data["changes"].pop(0)["id"]

    with pytest.raises(ContentError, match=f"no change reason '{dropped}'"):
        parse_reasons(data)


def test_it_refuses_a_reason_no_code_uses_and_an_id_listed_twice() -> None:
    data = _raw()
    data["changes"].append({**data["changes"][0], "id": "no-such-rule"})
    with pytest.raises(ContentError, match="'no-such-rule' is no rule's"):
        parse_reasons(data)

    data = _raw()
    data["changes"].append(data["changes"][0])
    with pytest.raises(ContentError, match="listed twice"):
        parse_reasons(data)


def test_it_refuses_a_slot_whose_reason_is_missing() -> None:
    data = _raw()
    data["exercises"] = [r for r in data["exercises"] if r["id"] != "trial-stretch"]

    with pytest.raises(ContentError, match="slot 'calf': no exercise reason 'trial-stretch'"):
        parse_reasons(data)


def test_it_keeps_every_reason_in_english_under_a_language_key() -> None:
    for reason_id, reason in plan_reasons().items():
        assert reason.text.en.strip(), reason_id
        assert "\n" not in reason.text.en, reason_id
    assert (CONTENT_DIR / REASONS_FILE).exists()


def _raw() -> Any:
    return json.loads(json.dumps(read_yaml(REASONS_FILE)))


def _reason(data: dict[str, Any]) -> reasons.PlanReason:
    return reasons.PlanReason.model_validate({"id": "x", **data})


def _typical() -> tuple[Any, Any]:
    profile, _options = PLAN_CASES["typical"]
    return profile, default_catalogue()
