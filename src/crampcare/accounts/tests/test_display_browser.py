"""In Chromium: the largest text and high contrast, chosen on the account page, on the account
page itself, in the relief guide and in the session player; axe in both colour schemes, screenshots looked at."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look_both_schemes, sign_in_with_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT_SIZE = "() => getComputedStyle(document.documentElement).fontSize"


def test_largest_text_and_high_contrast_from_the_account_page(
    page: Any, live_server: Any, user: User
) -> None:
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/account/")
    standard = float(page.evaluate(ROOT_SIZE).removesuffix("px"))
    page.get_by_label("Largest").check()
    page.get_by_label("High contrast").check()
    page.get_by_role("button", name="Save").nth(1).click()
    page.get_by_text("Your reading settings are saved.").wait_for()
    assert float(page.evaluate(ROOT_SIZE).removesuffix("px")) >= standard * 1.3
    assert page.evaluate("document.documentElement.className") == "text-largest contrast-high"
    look_both_schemes(page, "account-largest-high-contrast")
    page.goto(live_server.url + "/cramp-now/calf/")
    page.get_by_role("link", name="It’s easing").first.wait_for()
    _controls_fit(page, ".relief-controls button")
    look_both_schemes(page, "relief-largest-high-contrast")
    make_program(user, now=timezone.now())
    page.goto(live_server.url + "/program/session/")
    page.get_by_role("button", name="Start").wait_for()
    _controls_fit(page, ".player-controls button, .controls button")
    look_both_schemes(page, "player-largest-high-contrast")


def _controls_fit(page: Any, selector: str) -> None:
    """Each control's words fit inside it, and every control inside the phone's width."""
    width = page.viewport_size["width"]
    for button in page.locator(selector).all():
        if not button.is_visible():
            continue
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), button.inner_text()
