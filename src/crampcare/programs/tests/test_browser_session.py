"""A finished session is never lost: after the last step a reload brings back "How did it feel?"
and the night counts, also when the connection dropped before the end and the tab was closed;
skipping every exercise is recorded as skipped, not done (phone, dark and light)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs.models import Session
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import (
    ACTION_TIMEOUT_MS,
    look,
    look_both_schemes,
    wait_for_requests,
)
from crampcare.testing.browser import sign_in_with_form as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAST = "?speed=400"
DONE = "() => ['done', 'skipped'].includes(document.getElementById('player').dataset.state)"
SAVED = "() => document.getElementById('player').dataset.saved === 'true'"


def assert_clear_of_the_cramp_bar(page: Any, button: Any) -> None:
    """At the bottom of the page the button sits above the sticky "Cramp now" bar, not under it."""
    bar = page.locator(".cramp-bar")
    assert bar.is_visible()  # on a phone the bar is always there
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box, bar_box = button.bounding_box(), bar.bounding_box()
    assert box is not None
    assert bar_box is not None
    assert box["y"] + box["height"] <= bar_box["y"]


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
    # Said as soon as the server has it, not only after a reload.
    assert page.get_by_text("Well done: tonight counts.").is_visible()
    look_both_schemes(page, "program-player-finished-live")

    page.reload()
    page.get_by_role("heading", name="How did it feel?").wait_for()
    assert page.get_by_text("Well done: tonight counts.").is_visible()
    assert not page.get_by_role("button", name="Start").is_visible()
    button = page.get_by_role("button", name="Log tonight’s session")
    button.scroll_into_view_if_needed()
    look_both_schemes(page, "program-player-finished-reloaded")
    assert_clear_of_the_cramp_bar(page, button)

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
    look_both_schemes(page, "program-player-skipped")

    session = Session.objects.for_user(user).get()
    assert session.skipped
    assert session.completed_at is None

    page.reload()
    page.get_by_role("heading", name="Skipped tonight").wait_for()
    look_both_schemes(page, "program-player-skipped-reloaded")


def test_it_keeps_a_session_finished_offline_after_the_tab_is_closed(
    page: Any, live_server: Any, user: User
) -> None:
    make_program(user, now=timezone.now())
    _sign_in(page, live_server, user)
    # The session runs in a tab of its own, which is closed; `page` opens the player again later
    # (same browser, so the same local storage).
    tab = page.context.new_page()
    tab.set_default_timeout(ACTION_TIMEOUT_MS)
    tab.goto(live_server.url + "/program/session/" + FAST)
    tab.get_by_role("button", name="Start").click()
    tab.get_by_role("button", name="Pause").click()
    # On to the last exercise, with the server up to date.
    last = tab.evaluate(
        "JSON.parse(document.getElementById('player-data').textContent).items.length - 1"
    )
    for _ in range(200):
        if int(tab.eval_on_selector("#player", "el => el.dataset.item")) == last:
            break
        tab.get_by_role("button", name="Skip").click()
    tab.wait_for_function(SAVED)
    wait_for_requests(tab)
    session = Session.objects.for_user(user).get()
    assert session.completed_at is None

    # The connection drops; the last exercise runs to its end; the saves fail; the tab is closed.
    page.context.set_offline(True)
    tab.get_by_role("button", name="Carry on").click()
    tab.wait_for_function(DONE, timeout=30_000)
    assert tab.eval_on_selector("#player", "el => el.dataset.state") == "done"
    tab.get_by_role("heading", name="How did it feel?").wait_for()
    # Kept on the phone (the outbox), to be sent when the network is back.
    tab.wait_for_function("() => document.getElementById('player').dataset.saved === 'queued'")
    assert not tab.get_by_text("Well done: tonight counts.").is_visible()  # not yet: unsaved
    tab.close()
    session.refresh_from_db()
    assert session.completed_at is None  # the server has not heard

    # Later, with the network back, the player is opened again.
    page.context.set_offline(False)
    page.goto(live_server.url + "/program/session/")
    page.get_by_role("heading", name="How did it feel?").wait_for()
    assert page.eval_on_selector("#player", "el => el.dataset.state") == "done"
    page.wait_for_function(SAVED)
    wait_for_requests(page)
    session.refresh_from_db()
    assert session.completed_at is not None  # the night counts
    assert not session.skipped
    button = page.get_by_role("button", name="Log tonight’s session")
    button.scroll_into_view_if_needed()
    look_both_schemes(page, "program-player-finished-offline")
    assert_clear_of_the_cramp_bar(page, button)

    # Opened once more, the server itself says the session is done.
    page.reload()
    page.get_by_role("heading", name="How did it feel?").wait_for()
    assert page.eval_on_selector("#player", "el => el.dataset.state") == "done"
