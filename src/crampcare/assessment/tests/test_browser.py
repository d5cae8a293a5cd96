from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.schema import SYMPTOM_IDS
from crampcare.assessment.tests.builders import typical_payload
from crampcare.testing.browser import look, look_both_schemes
from crampcare.testing.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _continue(page: Any) -> None:
    page.get_by_role("button", name="Save and continue").click()


def _answer_flags(page: Any, yes: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> None:
    """Answer every warning-sign question on the page: "Yes" to those named, "No" otherwise."""
    for group in page.locator("fieldset.group").all():
        question = group.locator("legend").inner_text()
        if any(text in question for text in skip):
            continue
        answer = "Yes" if any(text in question for text in yes) else "No"
        group.get_by_label(answer, exact=True).check()


def _fill_up_to_warning_signs(page: Any, base: str, *, with_medicine: bool = False) -> None:
    page.goto(base + "/assessment/")
    page.get_by_role("heading", name="Check my cramps").wait_for()
    look(page, "assessment-start")
    page.get_by_role("button", name="Start the check").click()

    page.get_by_text("Step 1 of 8").wait_for()
    page.get_by_label("How old are you?").fill("64")
    page.get_by_label("Female").check()
    # Progressive enhancement: the weeks appear only after "pregnant: yes".
    # (expect() waits for the deferred script, which may run just after the page appears.)
    weeks = page.get_by_label("How many weeks pregnant are you?")
    expect(weeks).to_be_hidden()
    page.get_by_role("group", name="Are you pregnant?").get_by_label("Yes").check()
    expect(weeks).to_be_visible()
    page.get_by_role("group", name="Are you pregnant?").get_by_label("No").check()
    expect(weeks).to_be_hidden()
    look(page, "assessment-step-about-you")
    _continue(page)

    page.get_by_text("Step 2 of 8").wait_for()
    page.get_by_label("At night, in bed").check()
    page.get_by_label("Calf (back of the lower leg)").check()
    page.get_by_label("Sometimes one, sometimes the other").check()
    page.get_by_role("group", name="Do your cramps wake you or keep you awake?").get_by_label(
        "Yes"
    ).check()
    _continue(page)
    # Broken sleep needs a number of cramps (hazard T25): the error sits beside the field.
    page.get_by_role("heading", name="Please check what you entered").wait_for()
    look(page, "assessment-step-error")
    page.get_by_label("About how many cramps do you have in a week?").fill("3")
    page.get_by_label("How painful is a typical cramp, from 0 to 10?").fill("7")
    _continue(page)

    page.get_by_text("Step 3 of 8").wait_for()
    if with_medicine:
        page.get_by_label("Find a medicine").fill("lipi")
        page.get_by_role("button", name="Lipitor").click()
        assert "Lipitor" in page.get_by_label("Which medicines do you take?").input_value()
        look(page, "assessment-step-medicines")
    _continue(page)

    page.get_by_text("Step 4 of 8").wait_for()
    look(page, "assessment-step-health")
    _continue(page)
    page.get_by_text("Step 5 of 8").wait_for()
    page.get_by_label("How many hours a day do you spend sitting?").fill("8")
    page.get_by_label("How many cups of drink do you have in a day?").fill("4")
    page.get_by_label("On my front").check()
    look(page, "assessment-step-daily-life")
    _continue(page)
    page.get_by_text("Step 6 of 8").wait_for()


def test_it_puts_the_emergency_box_first_in_view_on_a_phone(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    _fill_up_to_warning_signs(page, live_server.url, with_medicine=True)
    _answer_flags(page, yes=("Is one calf swollen",))
    look(page, "assessment-step-leg-signs")
    _continue(page)
    page.get_by_text("Step 7 of 8").wait_for()
    _answer_flags(page)
    look(page, "assessment-step-nerves-and-muscles")
    _continue(page)
    page.get_by_text("Step 8 of 8").wait_for()
    _answer_flags(page, yes=("short of breath",))
    look(page, "assessment-step-other-signs")
    page.get_by_role("button", name="See my result").click()

    box = page.get_by_role("alert").filter(has_text="Call emergency services now")
    box.wait_for()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Call emergency services now"
    # First thing in the page's content, and fully in view without scrolling.
    first = page.locator("main > *:not(.print-only)").first
    assert first.get_attribute("class") == "alert-box alert-emergency"
    bounds = box.bounding_box()
    assert bounds is not None
    assert bounds["y"] >= 0
    assert bounds["y"] + 120 < page.viewport_size["height"]
    look(page, "assessment-result-emergency")
    # Chest symptoms are an emergency reason of their own, beside the clot-in-the-lung reason.
    assert box.get_by_text("even when the legs look normal").is_visible()

    dark_page.context.add_cookies(page.context.cookies())
    dark_page.goto(live_server.url + "/assessment/result/")
    dark_page.get_by_role("alert").filter(has_text="Call emergency services now").wait_for()
    look(dark_page, "assessment-result-emergency")

    page.get_by_role("link", name="Print for your doctor").click()
    page.get_by_text("Bring this to your doctor").wait_for()
    look(page, "assessment-printout")


def test_it_reaches_the_profile_without_red_flags(page: Any, live_server: Any, user: User) -> None:
    _fill_up_to_warning_signs(page, live_server.url)
    for step in (6, 7):
        _answer_flags(page)
        _continue(page)
        page.get_by_text(f"Step {step + 1} of 8").wait_for()
    _answer_flags(page)
    page.get_by_role("button", name="See my result").click()

    page.get_by_role("heading", name="Your cramp check", level=1).wait_for()
    assert page.get_by_role("alert").count() == 0
    page.get_by_role("heading", name="What may be behind your cramps").wait_for()
    page.get_by_role("heading", name="Things you can change").wait_for()
    assert page.get_by_text("You sit for many hours a day").is_visible()
    assert page.get_by_role("heading", name="Sleeping on your front").is_visible()
    look(page, "assessment-result-profile")


def test_it_asks_an_unanswered_red_flag_again(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    _fill_up_to_warning_signs(page, live_server.url)
    _answer_flags(page, skip=("Is one calf swollen",))
    _continue(page)
    for step in (7, 8):
        page.get_by_text(f"Step {step} of 8").wait_for()
        _answer_flags(page)
        _continue(page) if step < 8 else page.get_by_role("button", name="See my result").click()

    again = page.get_by_role("heading", name="One warning-sign question still needs an answer")
    again.wait_for()
    question = page.get_by_role("group", name="Is one calf swollen, when the other is not?")
    assert question.get_by_label("Not sure").count() == 0
    look(page, "assessment-result-asks-again")
    question.get_by_label("Yes").check()
    page.get_by_role("button", name="Update my result").click()
    page.get_by_role("alert").filter(has_text="See a doctor today").wait_for()
    assert again.count() == 0
    look(page, "assessment-result-urgent")

    # The same result in dark mode, from the same session.
    dark_page.context.add_cookies(page.context.cookies())
    dark_page.goto(live_server.url + "/assessment/result/")
    dark_page.get_by_role("alert").filter(has_text="See a doctor today").wait_for()
    look(dark_page, "assessment-result-urgent")


def test_it_keeps_saved_checks_for_a_signed_in_person(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    stored = services.save_assessment(
        user,
        typical_payload(
            cramps_per_week=4,
            sleep_disrupted=True,
            medications=["Lipitor 20 mg", "Metformin"],
            conditions=["diabetes"],
            symptoms={
                **dict.fromkeys(SYMPTOM_IDS, False),
                "calf_pain_walking_eases_with_rest": True,
                "muscle_wasting": None,
            },
        ),
    )
    page.goto(live_server.url + "/accounts/login/?next=/assessment/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Your earlier checks").wait_for()
    look_both_schemes(page, "assessment-start-signed-in")

    page.get_by_role("link", name="See a doctor soon").click()
    page.get_by_role("heading", name="Book an appointment with your doctor soon").wait_for()
    page.get_by_text("Your answers", exact=True).click()
    page.get_by_text("How old are you?").wait_for()
    look(page, "assessment-result-saved")

    dark_page.context.add_cookies(page.context.cookies())
    dark_page.goto(f"{live_server.url}/assessment/{stored.pk}/")
    dark_page.get_by_role("heading", name="What may be behind your cramps").wait_for()
    look(dark_page, "assessment-result-saved")

    page.get_by_role("button", name="Change my answers").click()
    page.get_by_text("Step 1 of 8").wait_for()
    assert page.get_by_label("How old are you?").input_value() == "67"
    look(page, "assessment-step-editing")


def test_it_offers_a_plain_medicine_search_page(page: Any, live_server: Any, user: User) -> None:
    page.goto(live_server.url + "/assessment/medicines/?q=ventolin")
    page.get_by_text("Salbutamol (albuterol) reliever inhalers").wait_for()
    look(page, "assessment-medicine-search")


def _sign_in(page: Any, base: str, user: User, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_it_sends_a_pregnant_person_to_her_midwife_in_light_and_dark(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    stored = services.save_assessment(
        user,
        typical_payload(
            age=31,
            pregnant=True,
            pregnancy_weeks=33,
            cramps_per_week=4,
            sleep_disrupted=True,
            symptoms={**dict.fromkeys(SYMPTOM_IDS, False), "pregnancy_sudden_swelling": True},
        ),
    )
    _sign_in(page, live_server.url, user, f"/assessment/{stored.pk}/")
    box = page.get_by_role("alert").filter(has_text="Contact your midwife or maternity unit today")
    box.wait_for()
    assert box.get_by_text("If you cannot reach your midwife").is_visible()
    assert page.get_by_text("next pregnancy check-up").count() == 0
    look(page, "assessment-result-pregnancy")

    dark_page.context.add_cookies(page.context.cookies())
    dark_page.goto(f"{live_server.url}/assessment/{stored.pk}/")
    dark_page.get_by_role("alert").filter(has_text="maternity unit").wait_for()
    look(dark_page, "assessment-result-pregnancy")


def test_it_shows_an_unfinished_check_as_incomplete_in_the_list_and_on_the_result(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    services.save_assessment(user, typical_payload(symptoms={"dark_urine": True}))
    unfinished = services.save_assessment(
        user,
        typical_payload(symptoms={**dict.fromkeys(SYMPTOM_IDS, False), "recent_clot_risk": None}),
    )
    _sign_in(page, live_server.url, user, "/assessment/")
    page.get_by_role("heading", name="Your earlier checks").wait_for()
    listed = page.locator(".saved-list")
    assert listed.get_by_text("Incomplete").is_visible()
    assert listed.get_by_text("Self-care").count() == 0
    look(page, "assessment-start-incomplete")

    page.goto(f"{live_server.url}/assessment/{unfinished.pk}/")
    page.get_by_role("heading", name="Your check is not finished", level=1).wait_for()
    look(page, "assessment-result-incomplete")
    dark_page.context.add_cookies(page.context.cookies())
    dark_page.goto(f"{live_server.url}/assessment/{unfinished.pk}/")
    dark_page.get_by_role("heading", name="Your check is not finished", level=1).wait_for()
    look(dark_page, "assessment-result-incomplete")
