"""Safety properties of triage over many generated answer sets (hypothesis)."""

from __future__ import annotations

import random
from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.engine import evaluate
from crampcare.assessment.logic import negated_symptoms
from crampcare.assessment.schema import (
    CONDITION_IDS,
    SYMPTOM_IDS,
    AssessmentResult,
    CrampTime,
    ExerciseLevel,
    Footwear,
    Muscle,
    Sex,
    Side,
    SleepingPosition,
    TriageLevel,
    validate_payload,
)

PREGNANCY_FLAGS = {
    "pregnancy_bleeding_or_fluid_leak",
    "pregnancy_contractions_or_dizziness",
    "pregnancy_headache_or_vision",
    "pregnancy_sudden_swelling",
}
# The red flags added for the edges, each with the lowest level a "yes" must reach on its own.
NEW_FLAG_LEVELS = {
    "recent_clot_risk": TriageLevel.SELF_CARE,  # raises the calf rule; alone it is not a sign
    "saddle_numbness_or_bladder_bowel": TriageLevel.EMERGENCY,
    "injury_at_onset": TriageLevel.URGENT,
    "fever_spreading_redness": TriageLevel.URGENT,
    "confusion_drowsiness_or_fit": TriageLevel.URGENT,
    "pregnancy_headache_or_vision": TriageLevel.EMERGENCY,
    "pregnancy_sudden_swelling": TriageLevel.URGENT,
    "breathless_or_chest_pain": TriageLevel.EMERGENCY,
    "coughing_blood": TriageLevel.EMERGENCY,
}
MEDICINE_NAMES = [
    "Lipitor",
    "furosemide",
    "Dyazide",
    "Symbicort",
    "Ventolin",
    "Qualaquin",
    "Lyrica",
    "statin",
    "Metformin",
    "aspirin",
]


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def choice(literal: Any) -> st.SearchStrategy[str]:
    return st.sampled_from(get_args(literal))


def number(high: float) -> st.SearchStrategy[float | None]:
    return optional(st.floats(min_value=0, max_value=high, allow_nan=False))


payloads = st.fixed_dictionaries(
    {},
    optional={
        "age": optional(st.integers(min_value=18, max_value=120)),
        "sex": optional(choice(Sex)),
        "pregnant": optional(st.booleans()),
        "cramp_times": st.lists(choice(CrampTime), max_size=4),
        "muscles": st.lists(choice(Muscle), max_size=5),
        "sides": optional(choice(Side)),
        "cramps_per_week": number(30),
        "typical_severity": number(10),
        "typical_duration_minutes": number(30),
        "months_since_onset": number(240),
        "sleep_disrupted": optional(st.booleans()),
        "medications": st.lists(st.sampled_from(MEDICINE_NAMES), max_size=6),
        "started_medication_recently": optional(st.booleans()),
        "conditions": st.lists(st.sampled_from(CONDITION_IDS), max_size=12),
        "sitting_hours_per_day": number(24),
        "fluid_cups_per_day": number(30),
        "exercise_level": optional(choice(ExerciseLevel)),
        "exercise_in_heat": optional(st.booleans()),
        "footwear": optional(choice(Footwear)),
        "sleeping_position": optional(choice(SleepingPosition)),
        "symptoms": st.dictionaries(
            st.sampled_from(SYMPTOM_IDS), st.sampled_from([True, False, None])
        ),
    },
)
symptom_ids = st.sampled_from(SYMPTOM_IDS)


def run(payload: dict[str, Any]) -> AssessmentResult:
    return evaluate(validate_payload(payload))


def with_symptom(payload: dict[str, Any], symptom: str, answer: bool | None) -> dict[str, Any]:
    return {**payload, "symptoms": {**payload.get("symptoms", {}), symptom: answer}}


def without_symptom(payload: dict[str, Any], symptom: str) -> dict[str, Any]:
    symptoms = {k: v for k, v in payload.get("symptoms", {}).items() if k != symptom}
    return {**payload, "symptoms": symptoms}


def rank(result: AssessmentResult) -> int:
    return result.triage.rank


def fired(result: AssessmentResult) -> set[str]:
    return {reason.rule for reason in result.reasons}


@settings(deadline=None)
@given(payloads, symptom_ids)
def test_it_never_lowers_the_level_when_a_red_flag_turns_yes(
    payload: dict[str, Any], symptom: str
) -> None:
    before = run(payload)
    after = run(with_symptom(payload, symptom, True))

    assert rank(after) >= rank(before)
    assert fired(after) >= fired(before)


@settings(deadline=None)
@given(payloads, symptom_ids)
def test_it_treats_an_unanswered_red_flag_as_unknown_never_as_no(
    payload: dict[str, Any], symptom: str
) -> None:
    no = run(with_symptom(payload, symptom, False))
    unanswered = run(with_symptom(payload, symptom, None))
    missing = run(without_symptom(payload, symptom))
    yes = run(with_symptom(payload, symptom, True))

    assert missing == unanswered
    assert rank(no) <= rank(unanswered) <= rank(yes)
    assert fired(no) <= fired(unanswered) <= fired(yes)
    not_asked = symptom in PREGNANCY_FLAGS and (
        payload.get("sex") == "male" or payload.get("pregnant") is False
    )
    assert (symptom in unanswered.incomplete) is not not_asked
    assert symptom not in no.incomplete
    assert symptom not in yes.incomplete


@settings(deadline=None)
@given(payloads, st.randoms(use_true_random=False))
def test_it_gives_the_same_result_whatever_the_order_of_lists(
    payload: dict[str, Any], shuffler: random.Random
) -> None:
    shuffled = dict(payload)
    for key in ("cramp_times", "muscles", "medications", "conditions"):
        if key in shuffled:
            shuffled[key] = shuffler.sample(shuffled[key], len(shuffled[key]))
    shuffled["symptoms"] = dict(
        shuffler.sample(list(payload.get("symptoms", {}).items()), len(payload.get("symptoms", {})))
    )

    assert run(shuffled) == run(payload)


@settings(deadline=None)
@given(payloads)
def test_it_returns_a_consistent_sorted_deduplicated_result(payload: dict[str, Any]) -> None:
    result = run(payload)

    levels = [reason.level for reason in result.reasons]
    assert result.triage == max(levels, key=lambda level: level.rank, default=TriageLevel.SELF_CARE)
    assert result.reasons == sorted(result.reasons, key=lambda r: (-r.level.rank, r.rule))
    assert result.contributors == sorted(
        result.contributors, key=lambda c: (not c.modifiable, c.id)
    )
    for items in (
        result.incomplete,
        [reason.rule for reason in result.reasons],
        [item.id for item in result.contributors],
        result.unrecognised_medications,
    ):
        assert len(items) == len(set(items))
    answered = {k for k, v in payload.get("symptoms", {}).items() if v is not None}
    assert not answered & set(result.incomplete)
    assert AssessmentResult.model_validate_json(result.model_dump_json()) == result


@settings(deadline=None)
@given(payloads)
def test_it_fires_rules_only_on_red_flags_answered_yes(payload: dict[str, Any]) -> None:
    result = run(payload)

    for reason in result.reasons:
        assert reason.fired_by, reason.rule
        for key, value in reason.fired_by.items():
            if key.startswith("symptoms."):
                assert value is True
                assert payload["symptoms"][key.removeprefix("symptoms.")] is True


def test_it_loads_rules_that_satisfy_the_properties_statically() -> None:
    # The properties above rest on this: no rule can fire because a red flag is absent.
    assert all(not negated_symptoms(rule.when) for rule in load_clinical().rules)


@settings(deadline=None)
@given(payloads, st.sampled_from(sorted(NEW_FLAG_LEVELS)))
def test_it_raises_each_new_red_flag_to_at_least_its_level(
    payload: dict[str, Any], symptom: str
) -> None:
    before = run(payload)
    after = run(with_symptom(payload, symptom, True))

    assert rank(after) >= max(rank(before), NEW_FLAG_LEVELS[symptom].rank)
    assert fired(after) >= fired(before)


@settings(deadline=None)
@given(payloads)
def test_it_never_calls_a_check_with_unanswered_red_flags_self_care(
    payload: dict[str, Any],
) -> None:
    result = run(payload)

    if result.incomplete:
        assert result.status != "self_care"
    if result.status == "self_care":
        assert result.triage == TriageLevel.SELF_CARE
        assert result.incomplete == []
    assert result.status in {result.triage.value, "incomplete"}


@settings(deadline=None)
@given(payloads, symptom_ids)
def test_it_never_gives_self_care_while_any_one_red_flag_is_unanswered(
    payload: dict[str, Any], symptom: str
) -> None:
    unanswered = run(with_symptom(payload, symptom, None))
    not_asked = symptom in PREGNANCY_FLAGS and (
        payload.get("sex") == "male" or payload.get("pregnant") is False
    )

    if not not_asked:
        assert unanswered.status != "self_care"
