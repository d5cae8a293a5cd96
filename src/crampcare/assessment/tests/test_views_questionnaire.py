"""The questionnaire's step definitions and the result page's layout rules (no requests)."""

from __future__ import annotations

import re
from collections import Counter

from crampcare.assessment import presentation, services, urls
from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.questionnaire import (
    STEP_SLUGS,
    STEPS,
    explain_fired_by,
    get_step,
    resume_step,
    summary,
)
from crampcare.assessment.schema import SYMPTOM_IDS, AssessmentInput
from crampcare.assessment.tests.builders import typical_payload
from crampcare.assessment.tests.docs import section


def test_it_asks_every_red_flag_on_exactly_one_page() -> None:
    asked = Counter(flag for step in STEPS for flag in step.flag_ids)
    assert set(asked) == set(SYMPTOM_IDS)
    assert set(asked.values()) == {1}


def test_it_asks_every_other_field_on_exactly_one_page() -> None:
    owned = Counter(
        name for step in STEPS if not step.asks_red_flags for name in step.form_class.answer_fields
    )
    assert set(owned) == set(AssessmentInput.model_fields) - {"symptoms"}
    assert set(owned.values()) == {1}


def test_it_resumes_at_the_first_page_not_yet_saved() -> None:
    assert resume_step({}) == STEPS[0]
    assert resume_step({"age": None, "sex": None}) == get_step("your-cramps")
    everything = typical_payload()
    assert resume_step(everything) == STEPS[-1]


def test_it_skips_pregnancy_questions_only_when_they_cannot_apply() -> None:
    other_signs = get_step("other-signs")
    assert other_signs is not None
    pregnancy = {"pregnancy_bleeding_or_fluid_leak", "pregnancy_contractions_or_dizziness"}
    asked = {flag.id for flag in other_signs.flags_to_ask({})}
    assert pregnancy <= asked
    asked = {flag.id for flag in other_signs.flags_to_ask({"pregnant": False})}
    assert not pregnancy & asked
    # An answer already given stays visible, so it can be changed.
    answers = {"pregnant": False, "symptoms": {"pregnancy_bleeding_or_fluid_leak": True}}
    assert "pregnancy_bleeding_or_fluid_leak" in {f.id for f in other_signs.flags_to_ask(answers)}


def test_it_reads_answers_back_in_the_words_of_the_questions() -> None:
    pages = {part.step.slug: dict(part.rows) for part in summary(typical_payload())}
    assert pages["about-you"]["What is your sex?"] == "Female"
    assert pages["about-you"]["Are you pregnant?"] == "No"
    assert "How many weeks pregnant are you?" not in pages["about-you"]
    assert pages["your-cramps"]["When do your cramps happen?"] == "At night, in bed"
    assert pages["your-cramps"]["About how many cramps do you have in a week?"] == "2"
    assert pages["medicines"]["Which medicines do you take?"] == "None"
    assert pages["daily-life"]["How do you usually lie when you sleep?"] == "On my side"
    assert pages["leg-signs"]["Is one calf swollen, when the other is not?"] == "No"


def test_it_explains_which_answers_fired_a_reason() -> None:
    lines = explain_fired_by(
        {"symptoms.dark_urine": True, "cramps_per_week": 4.0, "sleep_disrupted": True}
    )
    assert lines == [
        "Is your urine dark brown, like tea or cola? Yes",
        "About how many cramps do you have in a week? 4",
        "Do your cramps wake you or keep you awake? Yes",
    ]


def test_it_boxes_only_the_most_urgent_reasons() -> None:
    payload = typical_payload(
        symptoms={"calf_swelling_one_side": True, "breathless_or_chest_pain": True}
    )
    page = presentation.build(services.evaluate(payload), payload)
    assert page.has_box
    assert {reason.level for reason in page.box_reasons} == {"emergency"}
    assert {reason.level for reason in page.doctor_reasons} == {"urgent"}
    calm = presentation.build(services.evaluate(typical_payload()), typical_payload())
    assert not calm.has_box
    assert calm.box_reasons == []


def test_it_has_a_title_for_every_kind_of_contributor() -> None:
    ids = {item.id for item in load_clinical().contributors}
    assert ids == set(presentation.CONTRIBUTOR_TITLES)
    payload = typical_payload(medications=["Lipitor"], conditions=["diabetes"])
    page = presentation.build(services.evaluate(payload), payload)
    titles = {item.id: item.title for item in [*page.medicines, *page.other_factors]}
    assert titles["medicine.statin"] == "Statins (cholesterol medicines)"
    assert titles["condition.diabetes"] == "Diabetes"
    assert not any(item.message.startswith("Diabetes:") for item in page.other_factors)


def test_it_documents_every_step_and_page() -> None:
    text = section("Questionnaire pages")
    documented_steps = re.findall(r"^\| `([a-z-]+)` \| [^`]", text, re.M)
    assert documented_steps == list(STEP_SLUGS)
    documented_names = set(re.findall(r"^\| `(assessment:[a-z_]+)` \|", text, re.M))
    assert documented_names == {f"assessment:{p.name}" for p in urls.urlpatterns}
