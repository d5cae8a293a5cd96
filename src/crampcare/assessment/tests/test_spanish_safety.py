"""The Spanish of the safety messages says what the English says, as strongly (issue 14): an
emergency still tells the person to call now, urgent care still today, and no medicine message
in either language tells anyone to stop a medicine on their own."""

from __future__ import annotations

import re

import pytest

from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.schema import TriageLevel

RULES = load_clinical().rules


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.level == TriageLevel.EMERGENCY], ids=lambda r: r.id
)
def test_every_emergency_tells_the_person_to_get_help_now_in_spanish(rule) -> None:  # type: ignore[no-untyped-def]
    english, spanish = _plain(rule.action.en), _plain(rule.action.es or "")
    assert "emergency" in english
    assert spanish, f"{rule.id} has no Spanish action"
    assert "emergencia" in spanish, spanish
    assert "ahora" in spanish or "de inmediato" in spanish or "ya" in spanish.split(), spanish
    if "call" in english:
        assert "llama" in spanish, spanish


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.level == TriageLevel.URGENT], ids=lambda r: r.id
)
def test_every_urgent_reason_keeps_its_timing_in_spanish(rule) -> None:  # type: ignore[no-untyped-def]
    english, spanish = _plain(rule.action.en), _plain(rule.action.es or "")
    assert spanish, f"{rule.id} has no Spanish action"
    if "today" in english:
        assert "hoy" in spanish, spanish
    if "emergency" in english:
        assert "emergencia" in spanish, spanish


STOP_ON_YOUR_OWN = re.compile(r"\b(deja|dejes|suspende|suspendas|interrumpe)\b")
MEDICINE_WORDS = re.compile(
    r"\b(medicines?|medications?|tablets?|pills?|statins?|diuretics?|quinine|prescri\w*)\b"
)


def test_no_spanish_message_tells_anyone_to_stop_a_medicine() -> None:
    """Where the English says not to stop a medicine on your own, so does the Spanish; and no
    Spanish text tells the person to stop one ("déjalo", "suspéndelo") without that "no"."""
    content = load_clinical()
    texts = [text for rule in content.rules for text in (rule.message, rule.action)]
    texts += [text for item in content.contributors for text in (item.message, item.action)]
    told_not_to_stop = 0
    for text in texts:
        english, spanish = _plain(text.en), _plain(text.es or "")
        if "do not stop" in english or "don't stop" in english:
            told_not_to_stop += 1
            assert re.search(r"\bno (lo |la |los |las )?(dejes|suspendas)\b", spanish), spanish
        if not MEDICINE_WORDS.search(english):
            continue  # "deja la pierna en reposo" rests a leg, it stops no medicine
        for found in STOP_ON_YOUR_OWN.finditer(spanish):
            before = spanish[max(0, found.start() - 12) : found.start()]
            assert "no " in before or "nunca" in before, spanish
    assert told_not_to_stop >= 3  # the medicine messages are there to be checked
