"""The insights on the demo account, in a real browser: light and dark, phone and desktop."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from crampcare.accounts.models import User
from crampcare.insights.models import SelfTest
from crampcare.testing.browser import look
from crampcare.testing.browser import sign_in_with_cookie as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_user() -> User:
    call_command("demo", "--time-zone", "Europe/London", stdout=io.StringIO())
    return User.objects.get(email="demo@example.org")


def test_it_shows_the_demo_insights_in_light_mode(
    page: Any, live_server: Any, demo_user: User
) -> None:
    _sign_in(page, live_server, demo_user)
    page.goto(live_server.url + "/insights/")
    page.get_by_role("heading", name="Have my cramps changed?").wait_for()
    # The answer in plain words first; the statistics are folded away under it.
    verdict = page.locator(".effect .verdict")
    assert verdict.is_visible()
    assert "as many cramps" in verdict.inner_text() or "cramps lately" in verdict.inner_text()
    stats = page.locator("details.stats-details")
    assert not stats.evaluate("d => d.open")
    assert not page.locator(".stats-details .figures").is_visible()
    stats.locator("summary").click()
    assert page.locator(".stats-details .figures").is_visible()
    page.locator(".effect").screenshot(path=str(_shot("insights-effect-open-phone-light")))
    stats.locator("summary").click()
    # Each chart is one image named by its finding.
    frequency = page.get_by_role("img", name="Cramps")
    assert frequency.first.is_visible()
    title = page.locator("#chart-frequency-title").inner_text()
    assert " a night" in title
    # On a phone the numbers are folded away under the chart.
    assert not page.locator("details.chart-data").first.evaluate("d => d.open")
    page.locator("svg.chart").first.screenshot(
        path=str(_shot("insights-chart-frequency-phone-light"))
    )
    look(page, "insights-demo")
    page.locator("#chart-severity-title").wait_for()

    page.get_by_role("button", name="Make the report").click()
    page.get_by_role("heading", name="Leg cramp report").wait_for()
    page.get_by_role("heading", name="Summary for the clinician").wait_for()
    assert "The patient reports" in page.locator(".summary-lines").inner_text()
    page.get_by_role("heading", name="Your own summary (for you to keep)").wait_for()
    # Charts span the report's width.
    chart = page.locator(".report svg.chart").first.bounding_box()
    article = page.locator("article.report").bounding_box()
    assert chart["width"] > 0.85 * article["width"]
    look(page, "insights-report")
    # Printed: the wide charts, and the person's own part on a page of its own.
    page.emulate_media(media="print")
    assert page.locator(".report .chart-wide svg").first.is_visible()
    assert not page.locator(".report .chart-narrow svg").first.is_visible()
    page.pdf(path=str(_shot("insights-report-print").with_suffix(".pdf")), format="A4")
    page.emulate_media(media="screen")

    page.goto(live_server.url + "/insights/self-test/")
    look(page, "insights-self-test")
    page.get_by_label("First way").fill("Bedtime stretches only")
    page.get_by_label("Second way").fill("Bedtime stretches and heel raises")
    page.get_by_role("button", name="Start tonight").click()
    page.get_by_role("heading", name="Tonight").wait_for()
    test = SelfTest.objects.for_user(demo_user).get()
    assert page.locator("p.tonight").inner_text() == test.schedule[0]
    look(page, "insights-self-test-running")


def test_it_shows_the_demo_insights_in_dark_mode(
    dark_page: Any, live_server: Any, demo_user: User
) -> None:
    _sign_in(dark_page, live_server, demo_user)
    dark_page.goto(live_server.url + "/insights/")
    dark_page.get_by_role("heading", name="Have my cramps changed?").wait_for()
    # The chart's colours come from the theme: light bars on a dark page.
    bar_fill = dark_page.locator("svg.chart path[class*='cc-fill-chart-cramps']").first
    colour = bar_fill.evaluate("el => getComputedStyle(el).fill")
    assert colour == "rgb(111, 214, 201)"
    dark_page.locator("svg.chart").first.screenshot(
        path=str(_shot("insights-chart-frequency-phone-dark"))
    )
    dark_page.locator("svg.chart").nth(1).screenshot(
        path=str(_shot("insights-chart-severity-phone-dark"))
    )
    look(dark_page, "insights-demo")
    dark_page.goto(live_server.url + "/insights/report/")
    look(dark_page, "insights-report")


def test_it_opens_the_numbers_beside_the_charts_on_a_wide_screen(
    page: Any, live_server: Any, demo_user: User
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, demo_user)
    page.goto(live_server.url + "/insights/")
    page.locator("details.chart-data[open]").first.wait_for()
    table = page.locator("details.chart-data table").first
    chart = page.locator("svg.chart").first
    assert table.bounding_box()["x"] > chart.bounding_box()["x"] + 200


def _shot(name: str) -> Any:
    from crampcare.testing.browser import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
