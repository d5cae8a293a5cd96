"""The program in a real browser: set up, the pages, and a whole guided session with a fast clock,
a reload halfway that resumes at the same exercise, and the feedback that logs it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs import reminders
from crampcare.programs.models import Program, Session
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look, look_both_schemes
from crampcare.testing.browser import sign_in_with_form as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Test-only: the player's clock runs 200 times faster (a 10-minute routine takes 3 seconds).
FAST = "?speed=200"


def _state(page: Any) -> dict[str, str]:
    result: dict[str, str] = page.eval_on_selector("#player", "el => ({...el.dataset})")
    return result


def test_it_runs_a_whole_session_resumes_after_a_reload_and_logs_it(
    dark_page: Any, live_server: Any, user: User
) -> None:
    page = dark_page
    make_program(user, now=timezone.now())
    _sign_in(page, live_server, user)
    look(page, "home-with-program")

    page.goto(live_server.url + "/program/")
    page.get_by_role("link", name="Start tonight’s stretches").wait_for()
    look(page, "program-today")

    page.goto(live_server.url + "/program/session/" + FAST)
    page.get_by_role("button", name="Start").wait_for()
    assert _state(page)["state"] == "idle"
    assert page.get_by_role("heading", name="Wall calf stretch").is_visible()
    look(page, "program-player-ready")

    page.get_by_role("button", name="Start").click()
    page.wait_for_function("() => Number(document.getElementById('player').dataset.item) >= 1")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => document.getElementById('player').dataset.saved === 'true'")
    halfway = _state(page)
    assert halfway["state"] == "paused"
    look(page, "program-player-paused")

    page.reload()
    page.get_by_role("button", name="Carry on").wait_for()
    resumed = _state(page)
    assert resumed["item"] == halfway["item"]
    assert resumed["step"] == halfway["step"]
    assert resumed["phase"] == halfway["phase"]
    name = page.locator("[data-el=name]").inner_text()
    assert name == Session.objects.for_user(user).get().items[int(halfway["item"])]["name"]["en"]

    page.get_by_role("button", name="Carry on").click()
    page.wait_for_function(
        "() => document.getElementById('player').dataset.state === 'done'", timeout=30_000
    )
    page.get_by_role("heading", name="How did it feel?").wait_for()
    page.locator("label[for=difficulty-4]").click()
    page.locator("label[for=pain-1]").click()
    look(page, "program-player-feedback")
    page.get_by_role("button", name="Log tonight’s session").click()

    page.get_by_text("Done tonight").wait_for()
    page.get_by_text("4 out of 10 for effort and 1 out of 10 for pain").wait_for()
    look(page, "program-today-done")
    session = Session.objects.for_user(user).get()
    assert (session.difficulty, session.pain) == (4, 1)
    assert session.completed_at is not None


def test_it_drives_the_player_from_the_keyboard(page: Any, live_server: Any, user: User) -> None:
    make_program(user, now=timezone.now())
    _sign_in(page, live_server, user)

    page.goto(live_server.url + "/program/session/")
    page.get_by_role("button", name="Start").wait_for()
    page.locator("body").press("Space")
    assert _state(page)["state"] == "running"
    assert _state(page)["phase"] == "ready"
    # The arrows work with a player button focused too (after tapping one).
    page.get_by_role("button", name="Pause").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('player').dataset.phase === 'hold'")
    assert page.locator("[data-el=rep]").inner_text() == "Hold 1 of 3"
    assert page.locator("[data-el=side]").inner_text() == "Left leg"
    page.locator("body").press("ArrowLeft")
    page.wait_for_function("() => document.getElementById('player').dataset.phase === 'ready'")
    page.locator("body").press("Space")
    assert _state(page)["state"] == "paused"
    voice = page.get_by_role("button", name="Spoken cues: on")
    voice.click()
    assert page.get_by_role("button", name="Spoken cues: off").get_attribute("aria-pressed") == (
        "false"
    )
    look(page, "program-player-light")


def test_it_looks_right_from_set_up_to_the_plan(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    user.time_zone = "Europe/London"
    user.save()
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/program/")
    page.get_by_role("link", name="Set up my plan").click()
    page.get_by_role("heading", name="Set up your plan").wait_for()
    page.get_by_label("How old are you?").fill("12")
    page.get_by_role("button", name="Make my plan").click()
    page.get_by_text("Please check what you entered").wait_for()
    look(page, "program-set-up-error")
    page.get_by_label("How old are you?").fill("67")
    page.get_by_label("When do you usually go to bed?").fill("22:30")
    page.get_by_label("I have had a hip replacement").check()
    page.get_by_role("button", name="Make my plan").click()
    page.get_by_role("link", name="Start tonight’s stretches").wait_for()
    assert Program.objects.for_user(user).get().profile["conditions"] == ["hip_replacement"]

    page.goto(live_server.url + "/program/plan/")
    page.get_by_text("Swap for another exercise").first.click()
    page.get_by_label("Instead of Wall calf stretch").select_option("calf-stretch-seated")
    page.locator("form.swap-form").first.get_by_role("button", name="Swap").click()
    page.get_by_text("Swapped.").wait_for()
    page.get_by_role("button", name="Get my calendar link").click()
    page.get_by_text("Your new calendar link is ready.").wait_for()
    look(page, "program-plan")
    page.goto(live_server.url + "/program/history/")
    page.get_by_text("Wall calf stretch → Seated calf stretch").wait_for()
    look(page, "program-history")

    for path, name in (
        ("/program/plan/", "program-plan"),
        ("/program/history/", "program-history"),
        ("/program/start/", "program-about-you"),
    ):
        dark_page.context.add_cookies(page.context.cookies())
        dark_page.goto(live_server.url + path)
        look(dark_page, name)

    program = Program.objects.for_user(user).get()
    dark_page.goto(
        live_server.url + f"/program/unsubscribe/{reminders.unsubscribe_token(program)}/"
    )
    look(dark_page, "program-unsubscribe")
    dark_page.get_by_role("button", name="Stop reminder emails").click()
    dark_page.get_by_role("heading", name="No more reminder emails").wait_for()
    look(dark_page, "program-unsubscribed")


def test_it_welcomes_someone_without_a_plan(dark_page: Any, live_server: Any, user: User) -> None:
    _sign_in(dark_page, live_server, user)
    dark_page.goto(live_server.url + "/program/")
    dark_page.get_by_role("link", name="Set up my plan").wait_for()
    look(dark_page, "program-welcome")


def test_it_shows_the_calendar_link_again_with_a_qr_code_and_a_copy_button(
    dark_page: Any, live_server: Any, user: User
) -> None:
    page = dark_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    make_program(user, now=timezone.now())
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")
    page.get_by_role("button", name="Get my calendar link").click()
    page.get_by_text("Your new calendar link is ready.").wait_for()

    field = page.get_by_label("Your calendar link", exact=True)
    url = field.input_value()
    # Built from the address in use (the live server's), which a phone cannot reach: it says so.
    assert url.startswith(live_server.url + "/program/calendar/cal_")
    assert page.get_by_text("Your phone cannot reach this address").is_visible()
    qr = page.get_by_role("img", name="QR code of your calendar link")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_role("button", name="Copy the link").click()
    page.get_by_text("Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.locator("#calendar-title").scroll_into_view_if_needed()
    look_both_schemes(page, "program-calendar-link")

    # Shown again later, folded away until asked for.
    page.reload()
    page.get_by_text("Show my calendar link").click()
    assert page.get_by_label("Your calendar link", exact=True).input_value() == url
    assert page.request.get(url).status == 200

    page.get_by_role("button", name="Turn the link off").click()
    page.get_by_text("The calendar link is turned off.").wait_for()
    assert page.request.get(url).status == 404
