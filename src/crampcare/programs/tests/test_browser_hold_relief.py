"""The relief guide for a person whose last check suspects a clot, in a phone-sized browser."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.testing.browser import PHONE, look
from crampcare.testing.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_warns_against_rubbing_a_calf_that_may_hold_a_clot(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    payload = answers("calf_swelling_one_side", "calf_red_warm").model_dump(mode="json")
    assessment_services.save_assessment(user, payload)
    for browser_page in (page, dark_page):
        browser_page.set_viewport_size(PHONE)
        browser_page.goto(live_server.url + "/accounts/login/")
        browser_page.get_by_label("Email").fill(user.email)
        browser_page.get_by_label("Password").fill(PASSWORD)
        browser_page.get_by_role("button", name="Sign In").click()
        browser_page.get_by_role("heading", name="Hello, Olive").wait_for()
        browser_page.goto(live_server.url + "/cramp-now/calf/?state=easing")

        caution = browser_page.get_by_role("heading", name="Your last check found warning signs")
        assert caution.is_visible()
        assert browser_page.get_by_text("Rub the muscle gently").count() == 0
        call = browser_page.locator(".relief-caution .call-button").first
        assert call.get_attribute("href", timeout=1000).startswith("tel:")
        assert call.bounding_box()["height"] >= 44
        look(browser_page, "hold-relief-easing")
