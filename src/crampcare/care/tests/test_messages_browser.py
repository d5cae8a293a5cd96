"""In Chromium, without JavaScript doing any of the work: Olive reads her clinician's reply,
answers it and starts a new conversation (a refused empty one first); then Tess, her clinician,
reads her messages and answers. axe and screenshots, light and dark, phone and desktop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from crampcare.care import messaging
from crampcare.care.tests.conftest import Team
from crampcare.testing.browser import look, look_both_schemes, sign_in_with_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _conversation(team: Team) -> int:
    start = timezone.now() - timedelta(days=2)
    with time_machine.travel(start, tick=False):
        thread = messaging.start_thread(
            team.person,
            team.relationship.pk,
            "Cramps after my new walking routine",
            "Since I started walking every morning I get a calf cramp most nights, around 3am. "
            "Should I walk less?",
        )
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        messaging.reply(
            team.clinician,
            thread.pk,
            "Thanks for telling me. Keep walking, but try the calf stretch before bed for the "
            "next two weeks, and log each night in your diary.\n\nWe can look at it together "
            "at your next visit.",
        )
    return thread.pk


def test_a_person_and_her_clinician_write_to_each_other(
    page: Any, live_server: Any, team: Team
) -> None:
    thread_id = _conversation(team)

    sign_in_with_cookie(page, live_server, team.person)
    page.goto(live_server.url + "/diary/")
    # The unread badge in the navigation: on the folded menu up to wide screens, and beside
    # Messages in the list; and the header never makes the page scroll sideways.
    for width in (390, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 800})
    summary = page.locator(".nav-menu summary")
    assert "1 unread messages" in summary.text_content()
    summary.click()
    assert page.locator(".nav-menu").get_by_role("link", name="Messages 1 unread").is_visible()
    page.set_viewport_size({"width": 1440, "height": 800})
    assert page.locator(".nav-inline").get_by_role("link", name="Messages 1 unread").is_visible()

    page.goto(live_server.url + "/care/messages/")
    page.get_by_role("heading", name="Messages", exact=True).wait_for()
    assert page.locator(".thread-list").get_by_text("1 unread").is_visible()
    look_both_schemes(page, "messages-person")

    page.get_by_role("link", name="Cramps after my new walking routine").click()
    page.get_by_role("heading", name="Cramps after my new walking routine").wait_for()
    assert page.get_by_text("try the calf stretch before bed").is_visible()
    page.get_by_label("Your reply").fill("Thank you, I will try that tonight.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your reply is sent.").wait_for()
    assert page.get_by_text("Thank you, I will try that tonight.").is_visible()
    look_both_schemes(page, "thread-person")

    page.goto(live_server.url + "/care/messages/new/")
    page.get_by_role("button", name="Send").click()  # nothing typed
    page.get_by_role("heading", name="Please check what you entered").wait_for()
    assert page.get_by_text("Give the conversation a short subject.").first.is_visible()
    look(page, "new-thread-errors")
    page.get_by_label("Subject").fill("Question about magnesium")
    page.get_by_label("Message").fill("A friend takes magnesium for cramps. Is it worth trying?")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Question about magnesium").wait_for()
    page.get_by_text("Your message is sent.").wait_for()

    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, team.clinician)
    page.goto(live_server.url + "/care/messages/")
    page.get_by_role("heading", name="Messages", exact=True).wait_for()
    assert page.get_by_text("with Olive (in your care)").first.is_visible()
    look_both_schemes(page, "messages-clinician")
    page.goto(live_server.url + f"/care/messages/{thread_id}/")
    assert page.get_by_text("Thank you, I will try that tonight.").is_visible()
    page.get_by_label("Your reply").fill("Good. Tell me how the first week goes.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your reply is sent.").wait_for()
    look_both_schemes(page, "thread-clinician")


def test_replying_and_starting_work_with_javascript_off(
    browser: Any, live_server: Any, team: Team
) -> None:
    thread_id = _conversation(team)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in_with_cookie(page, live_server, team.person)
        page.goto(live_server.url + f"/care/messages/{thread_id}/")
        page.get_by_label("Your reply").fill("Sent with scripts off.")
        page.get_by_role("button", name="Send").click()
        page.get_by_text("Your reply is sent.").wait_for()
        assert page.get_by_text("Sent with scripts off.").is_visible()
        page.goto(live_server.url + "/care/messages/new/")
        page.get_by_label("To", exact=True).select_option(label="Tess · Riverside Physio")
        page.get_by_label("Subject").fill("Scripts off")
        page.get_by_label("Message").fill("A new conversation without JavaScript.")
        page.get_by_role("button", name="Send").click()
        page.get_by_role("heading", name="Scripts off").wait_for()
    finally:
        context.close()
