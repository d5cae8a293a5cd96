"""Results are stored as ids and parameters and worded when read, in the reader's language."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import translation

from crampcare.accounts.models import User
from crampcare.assessment import engine, rendering, services
from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.models import Assessment
from crampcare.assessment.rendering import (
    KEPT_WORDS,
    factor_words,
    ids_to_words,
    render_result,
    rendered,
    words_to_ids,
)
from crampcare.assessment.tests.builders import answers, typical_payload
from crampcare.assessment.tests.test_vignettes import VIGNETTES

GOLDEN = json.loads(
    (Path(__file__).resolve().parent / "golden" / "assessment_english.json").read_text("utf-8")
)
STATIN_BREAKDOWN = typical_payload(
    medications=["Lipitor"],
    conditions=["diabetes"],
    symptoms={"dark_urine": True, "extreme_muscle_pain_or_weakness": True},
)


def _stored(vignette: Any) -> dict[str, Any]:
    return engine.assess(
        answers(
            *vignette.yes,
            unanswered=vignette.unanswered,
            missing=vignette.missing,
            **vignette.fields,
        )
    )


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda vignette: vignette.name)
def test_it_words_every_vignette_exactly_as_before_the_ids(vignette: Any) -> None:
    stored = _stored(vignette)

    assert not any(key in item for key in KEPT_WORDS for item in stored["reasons"])
    assert not any(key in item for key in KEPT_WORDS for item in stored["contributors"])
    assert rendered(stored, "en") == GOLDEN[vignette.name]


def test_it_stores_only_ids_that_resolve_to_content() -> None:
    content = load_clinical()
    rules = {rule.id for rule in content.rules}
    for vignette in VIGNETTES:
        stored = _stored(vignette)
        assert {reason["rule"] for reason in stored["reasons"]} <= rules
        for item in stored["contributors"]:
            factor_words(item["id"], content, "en", ())  # raises if it resolves to nothing
    # Every factor the content can give resolves, medicines and conditions included.
    ids = [rule.id for rule in content.contributors]
    ids += [f"medicine.{m.id}" for m in content.medicines.classes if m.role == "may_cause_cramps"]
    ids += [f"condition.{c.id}" for c in content.conditions if c.linked_to_cramps]
    for factor_id in ids:
        assert factor_words(factor_id, content, "en", ())["message"]


def test_it_still_shows_a_check_whose_ids_the_content_no_longer_has() -> None:
    # A later version of the content may drop a rule or a factor: the saved check stays readable,
    # its level unchanged, with a plain line instead of the old words.
    shown = render_result(
        {
            **services.assess(typical_payload()),
            "triage": "urgent",
            "reasons": [{"rule": "gone", "level": "urgent", "fired_by": {}}],
            "contributors": [{"id": "no-such-factor", "modifiable": True}],
        }
    )
    assert shown.triage == "urgent"
    assert shown.reasons[0].level == "urgent"
    assert "no longer in crampcare's guidance" in shown.reasons[0].message
    assert "talk to a doctor" in shown.reasons[0].action
    assert "no longer in crampcare's guidance" in shown.contributors[0].message


def test_it_shows_a_saved_check_with_a_retired_rule_on_its_page(
    owner_client: Any, user: User
) -> None:
    stored = services.save_assessment(user, typical_payload())
    stored.result = {
        **stored.result,
        "triage": "urgent",
        "reasons": [{"rule": "gone", "level": "urgent", "fired_by": {}}],
    }
    stored.save()
    response = owner_client.get(f"/assessment/{stored.pk}/")
    assert response.status_code == 200
    assert "no longer in crampcare" in response.content.decode()


def test_it_words_the_statin_action_from_the_rules_that_fired() -> None:
    stored = services.assess(STATIN_BREAKDOWN)
    statin = next(c for c in render_result(stored, "en").contributors if c.id == "medicine.statin")
    assert statin.action.startswith("Get emergency help first")


@pytest.mark.django_db
def test_it_words_a_saved_result_when_it_is_read_in_the_language_active_then(user: User) -> None:
    with translation.override("en"):
        saved = services.save_assessment(user, typical_payload(sleeping_position="front"))
    assert "message" not in json.dumps(saved.result)
    row = Assessment.objects.for_user(user).get()
    rule = next(r for r in load_clinical().contributors if r.id == "sleeping_on_front")
    spanish = rule.message.model_copy(update={"es": "Duerme boca abajo."})
    spanish_rule = rule.model_copy(update={"message": spanish})
    content = load_clinical()
    content = dataclasses.replace(
        content,
        contributors=tuple(spanish_rule if r.id == rule.id else r for r in content.contributors),
    )

    with mock.patch.object(rendering, "load_clinical", return_value=content):
        with translation.override("es"):
            in_spanish = row.shown_result()
        with translation.override("de"):  # no catalogue and no German words: English
            in_german = row.shown_result()

    def message(result: dict[str, Any]) -> str:
        return next(c["message"] for c in result["contributors"] if c["id"] == "sleeping_on_front")

    assert message(in_spanish) == "Duerme boca abajo."
    assert message(in_german) == rule.message.en


@pytest.mark.django_db
def test_it_renders_through_one_function_each_time_a_result_is_read(user: User) -> None:
    services.save_assessment(user, typical_payload())
    row = Assessment.objects.for_user(user).get()

    with mock.patch("crampcare.assessment.models.rendered", wraps=rendered) as spy:
        with translation.override("fr"):
            row.shown_result()
        row.shown_result("en")

    assert [call.args[1] for call in spy.call_args_list] == [None, "en"]


def test_it_keeps_words_that_match_nothing_and_shows_them_as_stored() -> None:
    name = "after surgery, red warm calf and breathless"
    old = json.loads(json.dumps(GOLDEN[name]))  # a copy: the recorded words stay as they were
    old["reasons"][0]["message"] = "Words an older version used."

    stored = words_to_ids(old)

    assert stored["reasons"][0]["message"] == "Words an older version used."
    assert all("message" not in reason for reason in stored["reasons"][1:])
    assert all("message" not in item for item in stored["contributors"])
    assert rendered(stored, "en") == old


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_it_turns_every_old_result_into_ids_and_back(name: str) -> None:
    old = GOLDEN[name]

    stored = words_to_ids(old)

    assert not any("message" in item for item in (*stored["reasons"], *stored["contributors"]))
    assert ids_to_words(stored) == old
