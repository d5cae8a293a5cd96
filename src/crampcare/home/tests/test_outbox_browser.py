"""In Chromium: what is logged without a connection is kept on the phone, shown as waiting, and
sent once when the network is back: a cramp from the offline relief guide, a morning check-in and
a finished session (with the night it belongs to), and never twice when an answer is lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.diary.models import CrampEpisode, NightCheckin
from crampcare.programs.models import Session
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import (
    look,
    look_both_schemes,
    sign_in_with_form,
    wait_for_the_worker,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAITING = "[data-outbox-panel]:not([hidden])"


@contextmanager
def _offline(page: Any) -> Iterator[None]:
    """No connection at all: the browser says so (``navigator.onLine``) and every request fails,
    the service worker's too. (The browser's offline switch alone lets a request that a page
    makes through its service worker reach the network, which a real phone without signal would
    not.)"""

    def cut(route: Any) -> None:
        route.abort("internetdisconnected")

    page.context.route("**/*", cut)
    page.context.set_offline(True)
    try:
        yield
    finally:
        page.context.unroute("**/*", cut)
        page.context.set_offline(False)


def _visit_once(page: Any, live_server: Any, user: User, *, session: str = "") -> None:
    """Signed in, the worker in control, tonight's session (and ``session`` query) opened."""
    make_program(user, now=timezone.now())
    sign_in_with_form(page, live_server, user)
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    page.goto(live_server.url + "/program/session/" + session)
    page.get_by_role("button", name="Start").wait_for()


def _waiting_labels(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("[data-outbox-list] li").all_inner_texts()]


def _wait_until_sent(page: Any) -> None:
    page.locator("[data-outbox-panel]").wait_for(state="hidden", timeout=15_000)
    page.get_by_text("Sent: your diary has it now.").wait_for()


def test_a_cramp_logged_offline_reaches_the_diary_exactly_once(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    _visit_once(page, live_server, user)

    started = int(time.time()) - 240  # the guide was opened four minutes ago
    with _offline(page):
        page.goto(live_server.url + "/cramp-now/calf/")
        assert page.locator("#relief .relief-step").count() > 0
        page.goto(live_server.url + "/exercises/")
        assert page.locator("a[href^='/exercises/']").count() > 5
        page.goto(live_server.url + "/program/session/")
        page.get_by_role("button", name="Start").wait_for()

        page.goto(f"{live_server.url}/cramp-now/calf/?state=easing&since={started}")
        page.get_by_role("button", name="Log this cramp").click()
        page.get_by_text("Kept on this phone: it will be sent when you are back online.").wait_for()
        page.locator(WAITING).wait_for()
        assert len(_waiting_labels(page)) == 1
        assert "cramp at" in _waiting_labels(page)[0]
        assert page.get_by_role("button", name="Send now").is_hidden()  # offline: nothing to try
        look_both_schemes(page, "outbox-cramp-kept-offline")
        page.wait_for_timeout(3000)
        assert not CrampEpisode.objects.for_user(user).exists()

        # Still offline, on another page: it still waits.
        page.goto(live_server.url + "/exercises/")
        page.locator(WAITING).wait_for()

    _wait_until_sent(page)
    look(page, "outbox-sent")
    page.goto(live_server.url + "/diary/")
    episodes = list(CrampEpisode.objects.for_user(user))
    assert len(episodes) == 1
    assert episodes[0].started_at == datetime.fromtimestamp(started, UTC)
    assert episodes[0].muscle == "calf"
    assert page.locator(WAITING).count() == 0


def test_an_answer_lost_on_the_way_back_never_makes_a_second_cramp(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    sign_in_with_form(page, live_server, user)
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    started = int(time.time()) - 60

    lost: list[int] = []

    def lose_the_first_answer(route: Any) -> None:
        if not lost:
            response = route.fetch()  # the server saves the cramp...
            lost.append(response.status)
            route.abort("connectionreset")  # ...and the phone never hears it
        else:
            route.continue_()

    with _offline(page):
        page.goto(f"{live_server.url}/cramp-now/calf/?state=easing&since={started}")
        page.get_by_role("button", name="Log this cramp").click()
        page.locator(WAITING).wait_for()
        page.context.route("**/api/v1/diary/episodes", lose_the_first_answer)

    deadline = time.monotonic() + 10
    while not lost and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert lost == [201]
    assert CrampEpisode.objects.for_user(user).count() == 1

    # Sent again with the same key, by "Send now" (or the worker's Background Sync, whichever
    # comes first): the server answers with the cramp it already has.
    page.evaluate(
        """() => {
          const send = document.querySelector('[data-outbox-send]');
          if (send && !send.hidden && !send.closest('[hidden]')) send.click();
        }"""
    )
    _wait_until_sent(page)
    assert CrampEpisode.objects.for_user(user).count() == 1


def test_a_morning_check_in_and_a_session_finished_offline_are_sent_for_their_night(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    _visit_once(page, live_server, user, session="?speed=1000")
    page.goto(live_server.url + "/diary/")
    page.get_by_role("button", name="No cramps").wait_for()
    page.goto(live_server.url + "/program/session/?speed=1000")
    page.get_by_role("button", name="Start").wait_for()

    with _offline(page):
        page.get_by_role("button", name="Start").click()
        page.locator("#player[data-state='done']").wait_for(timeout=60_000)
        page.locator("#player[data-saved='queued']").wait_for()
        page.locator(WAITING).get_by_text("Tonight’s session, finished at").wait_for()
        page.locator("label[for=difficulty-3]").click()
        page.locator("label[for=pain-1]").click()
        page.get_by_role("button", name="Log tonight’s session").click()
        page.get_by_text("Kept on this phone: it will be sent when you are back online.").wait_for()
        look(page, "outbox-session-kept-offline")

        page.goto(live_server.url + "/diary/")
        page.get_by_role("button", name="2 cramps").click()
        page.get_by_text("Kept on this phone: it will be sent when you are back online.").wait_for()
        assert len(_waiting_labels(page)) == 3
        look_both_schemes(page, "outbox-three-waiting")
        assert not Session.objects.for_user(user).exists()
        assert not NightCheckin.objects.for_user(user).exists()

    _wait_until_sent(page)
    session = Session.objects.for_user(user).get()
    assert session.completed_at is not None
    assert (session.difficulty, session.pain) == (3, 1)
    checkin = NightCheckin.objects.for_user(user).get()
    assert checkin.cramp_count == 2


def test_a_session_kept_offline_is_refused_when_a_red_flag_held_the_program_meanwhile(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    _visit_once(page, live_server, user, session="?speed=1000")

    with _offline(page):
        page.get_by_role("button", name="Start").click()
        page.locator("#player[data-saved='queued']").wait_for(timeout=60_000)
        # Meanwhile, on another device, a check with warning signs holds the program.
        payload = answers("calf_swelling_one_side", "calf_red_warm").model_dump(mode="json")
        assessment_services.save_assessment(user, payload)

    refused = page.locator("[data-outbox-list] li.refused")
    refused.wait_for(timeout=15_000)
    assert "Not saved:" in refused.inner_text()
    assert page.locator("[data-outbox-status]").is_hidden()  # refused is not "sent"
    assert not Session.objects.for_user(user).filter(completed_at__isnull=False).exists()
    look_both_schemes(page, "outbox-refused-held")
    refused.get_by_role("button", name="Remove").click()
    page.locator("[data-outbox-panel]").wait_for(state="hidden")


def test_signing_out_asks_before_deleting_what_was_not_sent(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    sign_in_with_form(page, live_server, user)
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    with _offline(page):
        page.goto(f"{live_server.url}/cramp-now/calf/?state=easing&since={int(time.time())}")
        page.get_by_role("button", name="Log this cramp").click()
        page.locator(WAITING).wait_for()
        # Back online, the server cannot take it yet (the page's and the worker's tries alike):
        # it stays waiting.
        page.context.route(
            "**/api/v1/diary/episodes", lambda route: route.fulfill(status=503, body="busy")
        )
    page.goto(live_server.url + "/account/")
    page.locator(WAITING).wait_for()

    questions: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        questions.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Sign out").click()
    for _ in range(100):  # the question comes once the page has tried to send it first
        if questions:
            break
        page.wait_for_timeout(100)
    assert len(questions) == 1
    assert "Not sent yet: 1" in questions[0]
    assert page.url == live_server.url + "/account/"  # still signed in, the cramp still kept

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert len(questions) == 2
    assert not CrampEpisode.objects.for_user(user).exists()
