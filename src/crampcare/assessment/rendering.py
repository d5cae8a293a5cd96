"""A result as it is stored (ids and parameters) and as it is read (words in a language).

A saved assessment keeps, in ``Assessment.result``, what the engine decided and nothing it said:
the level and status, the unanswered red flags, each triage rule that fired (its id, its level
and the answers that fired it), each risk-profile factor (its id, such as ``sitting``,
``medicine.statin`` or ``condition.diabetes``, and whether it is modifiable) and the medicine
names not recognised. :func:`render_result` words it, from the content files, in the language
active when it is read; the pages, the doctor's report and its PDF, the program's hold and the
API all read a saved result through it, and ``evaluate`` (the API's evaluate route and
``crampcare assess``) renders the same stored form straight away.

Results saved before the ids carried the words. Migration ``assessment.0002`` kept only the ids
of every reason and factor whose words it could match to the content; one that matches nothing
keeps its ``message``, ``action`` and ``references`` as stored, and is shown as is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from pydantic import BaseModel

from crampcare.assessment.clinical import ClinicalContent, load_clinical
from crampcare.assessment.schema import AssessmentResult, Contributor, Reason, result_status
from crampcare.knowledge.base import DEFAULT_LANGUAGE, Text

MEDICINE = "medicine."
CONDITION = "condition."
# What a stored reason or factor holds in full when its words matched no content (kept as is).
KEPT_WORDS = ("message", "action", "references")


class UnknownContentId(LookupError):
    """A stored id that names no rule, factor, medicine class or condition in the content."""


def stored_result(result: AssessmentResult) -> dict[str, Any]:
    """What is saved for a result: its ids and parameters, without words."""
    return {
        "triage": result.triage.value,
        "status": result.status,
        "incomplete": list(result.incomplete),
        "reasons": [
            {
                "rule": reason.rule,
                "level": reason.level.value,
                "fired_by": _json(reason.fired_by),
            }
            for reason in result.reasons
        ],
        "contributors": [
            {"id": item.id, "modifiable": item.modifiable} for item in result.contributors
        ],
        "unrecognised_medications": list(result.unrecognised_medications),
    }


def render_result(stored: Mapping[str, Any], language: str | None = None) -> AssessmentResult:
    """The result object of docs/assessment.md for a stored result, worded in ``language``
    (default: the language active now). An id the content no longer has is shown as a plain
    "no longer in our guidance" line (the tests check that every id the engine can store today
    resolves)."""
    return AssessmentResult.model_validate(rendered(stored, language))


def rendered(stored: Mapping[str, Any], language: str | None = None) -> dict[str, Any]:
    """:func:`render_result` as the JSON object the API and the CLI give. Only the reasons and
    factors are worded; every other field is passed on as stored."""
    content = load_clinical()
    fired = [str(reason.get("rule")) for reason in stored.get("reasons") or []]
    out = dict(stored)
    if "status" not in out and out.get("triage"):
        out["status"] = result_status(str(out["triage"]), out.get("incomplete") or [])
    if "reasons" in out:
        out["reasons"] = [
            _in_order(
                Reason,
                reason,
                _kept(reason)
                or _or_retired(
                    lambda r=reason: reason_words(str(r.get("rule")), content, language)
                ),
            )
            for reason in stored.get("reasons") or []
        ]
    if "contributors" in out:
        out["contributors"] = [
            _in_order(
                Contributor,
                item,
                _kept(item)
                or _or_retired(factor_words, str(item.get("id")), content, language, fired),
            )
            for item in stored.get("contributors") or []
        ]
    return out


def _or_retired(words: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """The words for a stored id, or, for an id a later version of the content no longer has, a
    plain line instead of an error: a saved check stays readable (its stored level still counts;
    the tests check that every id the engine can store today resolves)."""
    try:
        return words(*args)
    except UnknownContentId:
        return {
            "message": gettext(
                "This part of an earlier check is no longer in crampcare's guidance, so it "
                "cannot be shown in words."
            ),
            "action": gettext("If anything about your legs worries you, talk to a doctor."),
            "references": [],
        }


def _in_order(
    model: type[BaseModel], stored: Mapping[str, Any], words: Mapping[str, Any]
) -> dict[str, Any]:
    """The stored fields and the words together, in the order of the output's fields."""
    merged = {**_without_words(stored), **words}
    ordered = {name: merged[name] for name in model.model_fields if name in merged}
    return {**ordered, **merged}


def reason_words(rule_id: str, content: ClinicalContent, language: str | None) -> dict[str, Any]:
    rule = next((rule for rule in content.rules if rule.id == rule_id), None)
    if rule is None:
        raise UnknownContentId(f"triage rule {rule_id!r}")
    return {
        "message": _text(rule.message, language),
        "action": _text(rule.action, language),
        "references": list(rule.references),
    }


def factor_words(
    factor_id: str, content: ClinicalContent, language: str | None, fired: Collection[str]
) -> dict[str, Any]:
    """The words of one risk-profile factor. ``fired``: the triage rules that fired, which can
    change a medicine's action (beside a suspected statin muscle breakdown, emergency help comes
    first)."""
    try:
        if factor_id.startswith(MEDICINE):
            medicine = content.medicine_class(factor_id.removeprefix(MEDICINE))
            override = next((i for i in medicine.instead_when if i.rule in fired), None)
            action = override.action if override else content.medicines.contributor_action
            return {
                "message": f"{_text(medicine.name, language)}: {_text(medicine.why, language)}",
                "action": _text(action, language),
                "references": list(medicine.references),
            }
        if factor_id.startswith(CONDITION):
            condition = content.condition(factor_id.removeprefix(CONDITION))
            return {
                "message": f"{_text(condition.name, language)}: {_text(condition.why, language)}",
                "action": _text(condition.action, language),
                "references": list(condition.references),
            }
    except (KeyError, StopIteration, LookupError) as error:
        raise UnknownContentId(f"risk factor {factor_id!r}") from error
    rule = next((rule for rule in content.contributors if rule.id == factor_id), None)
    if rule is None:
        raise UnknownContentId(f"risk factor {factor_id!r}")
    return {
        "message": _text(rule.message, language),
        "action": _text(rule.action, language),
        "references": list(rule.references),
    }


def _kept(stored: Mapping[str, Any]) -> dict[str, Any] | None:
    if "message" not in stored:
        return None
    return {key: stored.get(key) for key in KEPT_WORDS}


def _without_words(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stored.items() if key not in KEPT_WORDS}


def _text(text: Text, language: str | None) -> str:
    return text.get(language)


def _json(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, list) else value for key, value in values.items()}


# --- results saved before the ids (the migration and the reverse) -----------------------------


def _languages() -> Iterable[str]:
    return (DEFAULT_LANGUAGE, *(code for code in Text.model_fields if code != DEFAULT_LANGUAGE))


def words_to_ids(result: Mapping[str, Any]) -> dict[str, Any]:
    """A result saved with its words, as the ids version stores it: each reason and factor whose
    words are exactly what the content says for its id (in any language the content has) keeps
    only its id and parameters; one that matches nothing keeps its words, to be shown as is."""
    content = load_clinical()
    fired = [str(reason.get("rule")) for reason in result.get("reasons") or []]

    def matched(item: Mapping[str, Any], words: Any) -> dict[str, Any]:
        if "message" not in item:
            return dict(item)
        for language in _languages():
            try:
                expected = words(language)
            except UnknownContentId:
                return dict(item)
            if all(item.get(key) == expected[key] for key in KEPT_WORDS):
                return _without_words(item)
        return dict(item)

    out = dict(result)
    if isinstance(result.get("reasons"), list):
        out["reasons"] = [
            matched(r, lambda lang, r=r: reason_words(str(r.get("rule")), content, lang))
            for r in result["reasons"]
        ]
    if isinstance(result.get("contributors"), list):
        out["contributors"] = [
            matched(c, lambda lang, c=c: factor_words(str(c.get("id")), content, lang, fired))
            for c in result["contributors"]
        ]
    return out


def ids_to_words(result: Mapping[str, Any]) -> dict[str, Any]:
    """The reverse: a stored result with its English words written back, in the shape results
    were saved in before the ids."""
    if not result or "triage" not in result:
        return dict(result)
    return rendered(result, DEFAULT_LANGUAGE)
