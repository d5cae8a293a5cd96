"""Red-flag pages in a real phone-sized browser: the warning box and the call link are fully in
view, never under the sticky "Cramp now" bar, and the held program looks right (hazard P17)."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import PHONE, look
from crampcare.testing.browser import sign_in_with_form as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _uncovered(page: Any, selector: str) -> None:
    """The element is entirely inside the viewport and no part of it is under the sticky bar."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None, selector
    height = page.viewport_size["height"]
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= height, f"{selector} runs off the screen"
    bar = page.locator(".cramp-bar")
    if bar.count() and bar.is_visible():
        bar_box = bar.bounding_box()
        assert box["y"] + box["height"] <= bar_box["y"], f"{selector} is under the Cramp now bar"
    # What a finger on the middle of the element would touch is the element itself.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hit = page.evaluate(
        "([s, x, y]) => document.querySelector(s).contains(document.elementFromPoint(x, y))",
        [selector, x, y],
    )
    assert hit, f"something covers {selector}"


@pytest.mark.parametrize(
    ("level", "yes"),
    [
        ("urgent", ("leg_pain_at_rest",)),
        ("emergency", ("calf_swelling_one_side", "coughing_blood")),
    ],
)
def test_it_keeps_the_warning_and_the_call_link_clear_of_the_sticky_bar(
    page: Any, dark_page: Any, live_server: Any, user: User, level: str, yes: tuple[str, ...]
) -> None:
    payload = answers(*yes).model_dump(mode="json")
    assessment = assessment_services.save_assessment(user, payload)
    for browser_page, scheme in ((page, "light"), (dark_page, "dark")):
        browser_page.set_viewport_size(PHONE)
        _sign_in(browser_page, live_server, user)
        browser_page.goto(f"{live_server.url}/assessment/{assessment.pk}/")

        _uncovered(browser_page, ".alert-box h1")
        _uncovered(browser_page, ".alert-box .call-emergency")
        _uncovered(browser_page, ".alert-box .box-action")
        call = browser_page.locator(".alert-box .call-emergency").first
        assert call.get_attribute("href") == "tel:999"
        assert call.bounding_box()["height"] >= 44
        assert browser_page.get_by_role("heading", name="Get checked first").is_visible()
        assert browser_page.get_by_text("Start your nightly program").count() == 0
        look(browser_page, f"hold-result-{level}")
        del scheme


def test_it_shows_the_held_program_with_the_check_form(
    page: Any, dark_page: Any, live_server: Any, user: User
) -> None:
    make_program(user)
    payload = answers("calf_swelling_one_side", "calf_red_warm").model_dump(mode="json")
    assessment_services.save_assessment(user, payload)
    for browser_page in (page, dark_page):
        browser_page.set_viewport_size(PHONE)
        _sign_in(browser_page, live_server, user)
        browser_page.goto(live_server.url + "/program/")

        browser_page.get_by_role("heading", name="Get checked first").wait_for()
        _uncovered(browser_page, ".held-box .call-emergency")
        assert browser_page.get_by_label("The day a doctor or nurse checked you").is_visible()
        look(browser_page, "hold-program")
        browser_page.goto(live_server.url + "/")
        look(browser_page, "hold-home")

    # The check recorded from the form lifts the hold.
    page.goto(live_server.url + "/program/")
    page.get_by_role("button", name="I have been checked").click()
    page.get_by_role("heading", name="Tonight’s stretches").wait_for()
