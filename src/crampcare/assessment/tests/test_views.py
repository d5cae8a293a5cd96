from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment import drafts, services
from crampcare.assessment.models import Assessment
from crampcare.assessment.questionnaire import STEPS
from crampcare.assessment.tests.builders import typical_payload
from crampcare.assessment.tests.pages import TYPICAL_PAGES, all_no, complete
from crampcare.testing.builders import PASSWORD, every_row

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


def test_it_starts_without_an_account(client: Client, user: User) -> None:
    page = _html(client.get("/assessment/"))
    assert "Start the check" in page
    assert "8 short pages" in page
    response = client.post("/assessment/")
    assert response["Location"] == "/assessment/step/about-you/"


def test_it_shows_the_progress_on_every_step(client: Client, user: User) -> None:
    for number, step in enumerate(STEPS, start=1):
        page = _html(client.get(f"/assessment/step/{step.slug}/"))
        assert f"Step {number} of {len(STEPS)}" in page
        assert f"<h1>{step.title}</h1>" in page


def test_it_answers_an_unknown_step_with_404(client: Client, user: User) -> None:
    assert client.get("/assessment/step/horoscope/").status_code == 404


def test_it_saves_a_visitors_answers_in_the_session_as_they_go(client: Client, user: User) -> None:
    response = client.post("/assessment/step/about-you/", {"age": "71", "sex": "male"})
    assert response["Location"] == "/assessment/step/your-cramps/"
    assert client.session[drafts.SESSION_ANSWERS]["age"] == 71
    assert 'value="71"' in _html(client.get("/assessment/step/about-you/"))
    assert every_row(Assessment).count() == 0


def test_it_saves_a_signed_in_persons_answers_in_one_draft(
    owner_client: Client, user: User
) -> None:
    owner_client.post("/assessment/step/about-you/", TYPICAL_PAGES["about-you"])
    owner_client.post("/assessment/step/your-cramps/", TYPICAL_PAGES["your-cramps"])
    draft = Assessment.objects.for_user(user).get()
    assert not draft.completed
    assert draft.answers["age"] == 67
    assert draft.answers["cramp_times"] == ["night"]
    assert draft.shown_result() == services.evaluate(draft.answers)


def test_it_finishes_into_a_saved_assessment(owner_client: Client, user: User) -> None:
    response = complete(owner_client)
    stored = Assessment.objects.for_user(user).get()
    assert response["Location"] == f"/assessment/{stored.pk}/"
    assert stored.completed
    assert stored.result["triage"] == "self_care"
    assert stored.result["incomplete"] == []


def test_it_offers_to_continue_where_you_left_off(client: Client, user: User) -> None:
    client.post("/assessment/step/about-you/", TYPICAL_PAGES["about-you"])
    client.post("/assessment/step/your-cramps/", TYPICAL_PAGES["your-cramps"])
    page = _html(client.get("/assessment/"))
    assert "Continue where you left off" in page
    assert 'href="/assessment/step/medicines/"' in page


def test_it_resumes_a_signed_in_draft_in_a_new_session(user: User) -> None:
    first = Client()
    first.force_login(user)
    first.post("/assessment/step/about-you/", TYPICAL_PAGES["about-you"])
    later = Client()
    later.force_login(user)
    page = _html(later.get("/assessment/"))
    assert "Continue where you left off" in page
    assert 'href="/assessment/step/your-cramps/"' in page


def test_it_starts_over_on_request(owner_client: Client, user: User) -> None:
    finished = services.save_assessment(user, typical_payload())
    owner_client.post("/assessment/step/about-you/", {"age": "50"})
    owner_client.post("/assessment/")
    assert list(services.list_for(user, user)) == [finished]
    assert "Continue where you left off" not in _html(owner_client.get("/assessment/"))


def test_it_reopens_a_saved_result_to_change_the_answers(owner_client: Client, user: User) -> None:
    stored = services.save_assessment(user, typical_payload())
    response = owner_client.post(f"/assessment/{stored.pk}/edit/")
    assert response["Location"] == "/assessment/step/about-you/"
    assert 'value="67"' in _html(owner_client.get("/assessment/step/about-you/"))
    owner_client.post("/assessment/step/about-you/", {**TYPICAL_PAGES["about-you"], "age": "68"})
    response = owner_client.post("/assessment/step/other-signs/", all_no("other-signs"))
    assert response["Location"] == f"/assessment/{stored.pk}/"
    stored.refresh_from_db()
    assert stored.answers["age"] == 68
    assert stored.shown_result() == services.evaluate(stored.answers)
    assert every_row(Assessment).count() == 1


def test_it_keeps_input_and_names_the_field_on_bad_input(client: Client, user: User) -> None:
    client.post("/assessment/step/about-you/", {"age": "60"})
    response = client.post("/assessment/step/about-you/", {"age": "12", "sex": "female"})
    assert response.status_code == 400
    page = _html(response)
    assert "Please check what you entered" in page
    assert 'id="id_age_error"' in page
    assert 'value="12"' in page
    assert re.search(r'value="female"[^>]*checked', page)
    saved = client.session[drafts.SESSION_ANSWERS]
    assert saved["age"] == 60
    assert saved["sex"] is None


def test_it_needs_the_number_of_cramps_when_sleep_is_disturbed(
    owner_client: Client, user: User
) -> None:
    data = {**TYPICAL_PAGES["your-cramps"], "sleep_disrupted": "yes", "cramps_per_week": ""}
    response = owner_client.post("/assessment/step/your-cramps/", data)
    assert response.status_code == 400
    assert 'id="id_cramps_per_week_error"' in _html(response)
    assert every_row(Assessment).count() == 0


def test_it_refuses_pregnancy_weeks_for_someone_not_pregnant(client: Client, user: User) -> None:
    response = client.post(
        "/assessment/step/about-you/", {"sex": "female", "pregnant": "no", "pregnancy_weeks": "20"}
    )
    assert response.status_code == 400
    assert 'id="id_pregnancy_weeks_error"' in _html(response)


def test_it_reads_medicines_one_per_line_or_comma(client: Client, user: User) -> None:
    client.post(
        "/assessment/step/medicines/",
        {"medications": "Lipitor 20 mg\n\nventolin, Metformin;  lipitor 20 MG"},
    )
    assert client.session[drafts.SESSION_ANSWERS]["medications"] == [
        "Lipitor 20 mg",
        "ventolin",
        "Metformin",
    ]


def test_it_saves_and_shows_the_sleeping_position(client: Client, user: User) -> None:
    data = {**TYPICAL_PAGES["daily-life"], "sleeping_position": "front"}
    response = client.post("/assessment/step/daily-life/", data)
    assert response["Location"] == "/assessment/step/leg-signs/"
    assert client.session[drafts.SESSION_ANSWERS]["sleeping_position"] == "front"
    page = _html(client.get("/assessment/step/daily-life/"))
    assert "How do you usually lie when you sleep?" in page
    assert re.search(r'value="front"[^>]*checked', page)
    for label in ("On my back", "On my side", "On my front", "It varies"):
        assert label in page
    complete(client, **{"daily-life": data})
    result = _html(client.get("/assessment/result/"))
    assert "How do you usually lie when you sleep?" in result
    assert "On my front" in result
    assert result.index("Things you can change") < result.index("Sleeping on your front")
    assert "pillow under your shins" in result


def test_it_leaves_a_skipped_sleeping_position_unanswered(client: Client, user: User) -> None:
    data = {**TYPICAL_PAGES["daily-life"]}
    del data["sleeping_position"]
    client.post("/assessment/step/daily-life/", data)
    assert client.session[drafts.SESSION_ANSWERS]["sleeping_position"] is None


def test_it_names_the_field_for_an_unknown_sleeping_position(client: Client, user: User) -> None:
    data = {**TYPICAL_PAGES["daily-life"], "sleeping_position": "upside-down"}
    response = client.post("/assessment/step/daily-life/", data)
    assert response.status_code == 400
    assert 'id="id_sleeping_position_error"' in _html(response)
    assert drafts.SESSION_ANSWERS not in client.session


def test_it_leaves_a_skipped_or_unsure_red_flag_unanswered(client: Client, user: User) -> None:
    data = all_no("leg-signs", calf_swelling_one_side="unsure")
    del data["calf_red_warm"]
    client.post("/assessment/step/leg-signs/", data)
    symptoms = client.session[drafts.SESSION_ANSWERS]["symptoms"]
    assert symptoms["calf_swelling_one_side"] is None
    assert "calf_red_warm" not in symptoms
    page = _html(client.get("/assessment/step/leg-signs/"))
    assert re.search(r'name="calf_swelling_one_side" value="unsure"[^>]*checked', page)


def test_it_asks_pregnancy_questions_only_when_they_may_apply(client: Client, user: User) -> None:
    assert "In this pregnancy" in _html(client.get("/assessment/step/other-signs/"))
    client.post("/assessment/step/about-you/", {"sex": "male"})
    assert "In this pregnancy" not in _html(client.get("/assessment/step/other-signs/"))


def test_it_puts_the_warning_box_first_and_asks_missing_flags_again(
    client: Client, user: User
) -> None:
    complete(
        client,
        **{
            "leg-signs": all_no("leg-signs", calf_swelling_one_side="yes"),
            "other-signs": all_no("other-signs", breathless_or_chest_pain="yes", dark_urine=""),
        },
    )
    page = _html(client.get("/assessment/result/"))
    order = [
        page.index('role="alert"'),
        page.index("Call emergency services now</h1>"),
        page.index("warning-sign question still needs an answer"),
        page.index("Also tell the doctor"),
        page.index("What may be behind your cramps"),
    ]
    assert order == sorted(order)
    result = services.evaluate(client.session[drafts.SESSION_ANSWERS])
    assert result["incomplete"] == ["dark_urine"]
    for reason in result["reasons"]:
        assert reason["message"].replace("'", "&#x27;") in page


def test_it_updates_the_result_when_a_flag_is_answered_again(client: Client, user: User) -> None:
    complete(client, **{"other-signs": all_no("other-signs", dark_urine="unsure")})
    empty = client.post("/assessment/result/", {})
    assert empty.status_code == 400
    assert "Choose yes or no" in _html(empty)
    response = client.post("/assessment/result/", {"again-dark_urine": "yes"})
    assert response["Location"] == "/assessment/result/"
    page = _html(client.get("/assessment/result/"))
    assert "Call emergency services now" in page
    assert "still needs an answer" not in page


def test_it_updates_a_saved_result_when_a_flag_is_answered_again(
    owner_client: Client, user: User
) -> None:
    stored = services.save_assessment(user, typical_payload(symptoms={}))
    owner_client.post(f"/assessment/{stored.pk}/", {"again-calf_red_warm": "no"})
    stored.refresh_from_db()
    assert stored.answers["symptoms"] == {"calf_red_warm": False}
    assert "calf_red_warm" not in stored.result["incomplete"]


def test_it_reaches_the_profile_with_changeable_things_first(client: Client, user: User) -> None:
    complete(client, **{"daily-life": {"sitting_hours_per_day": "9"}})
    page = _html(client.get("/assessment/result/"))
    assert "Nothing in your answers needs a doctor soon" in page
    assert page.index("Things you can change") < page.index("Other things that play a part")
    assert page.index("Sitting for long hours") < page.index("Your age")
    assert 'href="/references/#R1"' in page


def test_it_prints_a_clean_summary_for_the_doctor(owner_client: Client, user: User) -> None:
    stored = services.save_assessment(user, typical_payload(medications=["Lipitor"]))
    page = _html(owner_client.get(f"/assessment/{stored.pk}/?print=1"))
    assert "Bring this to your doctor" in page
    assert f"Answers given on {stored.updated_at:%-d %B %Y}" in page
    assert "site-nav" not in page
    assert "Hallegraeff" in page


def test_it_saves_a_visitors_result_when_they_sign_up(client: Client, user: User, settings) -> None:
    settings.OPEN_SIGNUP = True
    complete(client)
    response = client.post(
        "/accounts/signup/?next=/assessment/result/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    newcomer = User.objects.get(email="new@example.org")
    stored = Assessment.objects.for_user(newcomer).get()
    assert stored.completed
    assert stored.answers["age"] == 67
    assert drafts.SESSION_ANSWERS not in client.session
    assert client.get("/assessment/result/")["Location"] == f"/assessment/{stored.pk}/"


def test_it_keeps_a_visitors_unfinished_answers_when_they_sign_in(
    client: Client, user: User
) -> None:
    client.post("/assessment/step/about-you/", TYPICAL_PAGES["about-you"])
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    draft = Assessment.objects.for_user(user).get()
    assert not draft.completed
    page = _html(client.get("/assessment/"))
    assert "Continue where you left off" in page
    client.post("/assessment/step/your-cramps/", TYPICAL_PAGES["your-cramps"])
    draft.refresh_from_db()
    assert draft.answers["cramp_times"] == ["night"]


def test_it_lists_earlier_checks_for_the_signed_in_person(owner_client: Client, user: User) -> None:
    stored = services.save_assessment(user, typical_payload(symptoms={"dark_urine": True}))
    page = _html(owner_client.get("/assessment/"))
    assert "Your earlier checks" in page
    assert f'href="/assessment/{stored.pk}/"' in page


def test_it_suggests_medicines_as_you_type(client: Client, user: User) -> None:
    partial = _html(client.get("/assessment/medicines/?q=vent", HTTP_HX_REQUEST="true"))
    assert 'data-medicine="Ventolin"' in partial
    assert "<html" not in partial
    full = _html(client.get("/assessment/medicines/?q=zzzz"))
    assert "<html" in full
    assert "No medicine we know matches" in full


@pytest.mark.parametrize("saved", [1, 12])
def test_it_lists_and_shows_saved_checks_in_few_queries(
    owner_client: Client, user: User, saved: int, django_assert_max_num_queries
) -> None:
    for _ in range(saved):
        stored = services.save_assessment(user, typical_payload())
    with django_assert_max_num_queries(6):
        assert owner_client.get("/assessment/").status_code == 200
    with django_assert_max_num_queries(5):
        assert owner_client.get(f"/assessment/{stored.pk}/").status_code == 200
    with django_assert_max_num_queries(4):
        assert owner_client.get("/api/v1/assessments").status_code == 200


def test_it_names_medicines_it_did_not_recognise(client: Client, user: User) -> None:
    complete(client, medicines={"medications": "Lipitor\nMetformin\nWonderpill"})
    page = _html(client.get("/assessment/result/"))
    assert "We did not recognise these names" in page
    assert "Metformin, Wonderpill" in page
