"""A finished session is never lost: after the last step a reload brings back "How did it feel?"
and the night counts; skipping every exercise is recorded as skipped, not done (phone, dark)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs.models import Session
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look, wait_for_requests
from crampcare.testing.browser import sign_in_with_form as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAST = "?speed=400"
DONE = "() => ['done', 'skipped'].includes(document.getElementById('player').dataset.state)"
SAVED = "() => document.getElementById('player').dataset.saved === 'true'"


def test_it_brings_a_finished_session_back_to_how_did_it_feel_after_a_reload(
    dark_page: Any, live_server: Any, user: User
) -> None:
    page = dark_page
    assert page.viewport_size == {"width": 390, "height": 844}
    make_program(user, now=timezone.now())
    _sign_in(page, live_server, user)

    page.goto(live_server.url + "/program/session/" + FAST)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").click()
    # Step through to the first change of legs, paused, to see it.
    for _ in range(20):
        if page.eval_on_selector("#player", "el => el.dataset.phase") == "switch":
            break
        page.get_by_role("button", name="Skip").click()
    assert page.locator("[data-el=phase]").inner_text().lower() == "change legs"
    look(page, "program-player-change-legs")
    # "Change legs" fits inside the countdown ring.
    ring = page.locator(".countdown").bounding_box()
    label = page.locator("[data-el=phase]").bounding_box()
    assert ring is not None
    assert label is not None
    assert label["x"] >= ring["x"]
    assert label["x"] + label["width"] <= ring["x"] + ring["width"]

    page.get_by_role("button", name="Carry on").click()
    page.wait_for_function(DONE, timeout=30_000)
    page.wait_for_function(SAVED)
    wait_for_requests(page)
    session = Session.objects.for_user(user).get()
    assert session.completed_at is not None  # the night counts before any rating
    assert not session.skipped

    page.reload()
    page.get_by_role("heading", name="How did it feel?").wait_for()
    assert page.get_by_text("Well done: tonight counts.").is_visible()
    assert not page.get_by_role("button", name="Start").is_visible()
    button = page.get_by_role("button", name="Log tonight’s session")
    button.scroll_into_view_if_needed()
    look(page, "program-player-finished-reloaded")
    # Not hidden behind the sticky "Cramp now" bar.
    box, bar = button.bounding_box(), page.locator(".cramp-bar").bounding_box()
    assert box is not None
    if bar is not None:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        box = button.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= bar["y"]

    page.locator("label[for=difficulty-3]").click()
    page.locator("label[for=pain-0]").click()
    button.click()
    page.get_by_text("Done tonight").wait_for()
    session.refresh_from_db()
    assert (session.difficulty, session.pain) == (3, 0)


def test_it_records_a_session_with_every_exercise_skipped_as_skipped(
    dark_page: Any, live_server: Any, user: User
) -> None:
    page = dark_page
    make_program(user, now=timezone.now())
    _sign_in(page, live_server, user)

    page.goto(live_server.url + "/program/session/")
    page.get_by_role("button", name="Skip").wait_for()
    steps = 0
    while page.eval_on_selector("#player", "el => el.dataset.state") not in ("done", "skipped"):
        page.get_by_role("button", name="Skip").click()
        steps += 1
        assert steps < 200
    assert page.eval_on_selector("#player", "el => el.dataset.state") == "skipped"
    page.get_by_role("heading", name="Skipped tonight").wait_for()
    assert not page.get_by_role("heading", name="How did it feel?").is_visible()
    page.wait_for_function(SAVED)
    wait_for_requests(page)
    look(page, "program-player-skipped")

    session = Session.objects.for_user(user).get()
    assert session.skipped
    assert session.completed_at is None

    page.reload()
    page.get_by_role("heading", name="Skipped tonight").wait_for()
    look(page, "program-player-skipped-reloaded")
