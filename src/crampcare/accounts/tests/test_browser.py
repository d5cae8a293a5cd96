from __future__ import annotations

from typing import Any

import pytest

from crampcare.testing.browser import look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-private-phrase"


def test_it_signs_up_through_onboarding_then_out_and_in(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    assert page.url.endswith("/welcome/")
    page.get_by_role("heading", name="Welcome to crampcare").wait_for()
    look(page, "onboarding")

    page.get_by_label("What should we call you?").fill("Olive")
    page.get_by_label("Email").fill("olive@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Hello, Olive").wait_for()
    look(page, "home-signed-in")

    page.goto(live_server.url + "/account/")
    look(page, "account-settings")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Leg cramp? Let’s ease it.").wait_for()
    look(page, "home-visitor")

    page.goto(live_server.url + "/accounts/login/")
    look(page, "sign-in")
    page.get_by_label("Email").fill("olive@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Hello, Olive").wait_for()
    assert page.url == live_server.url + "/"


def test_it_shows_clear_errors_on_a_bad_sign_in(page: Any, live_server: Any, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("not correct").first.wait_for()
    look(page, "sign-in-error")


def test_it_looks_right_in_dark_mode(dark_page: Any, live_server: Any, user) -> None:
    dark_page.goto(live_server.url + "/")
    dark_page.get_by_role("heading", name="Leg cramp? Let’s ease it.").wait_for()
    look(dark_page, "home-visitor")
    dark_page.goto(live_server.url + "/no-such-page/")
    look(dark_page, "not-found")
