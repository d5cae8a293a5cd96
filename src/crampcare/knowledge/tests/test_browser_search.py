"""Site search in a real browser: what people type, typos and everyday words, finds the right page.

The first result is what counts on a phone: the rest is below the fold. The expected pages are
those of test_search.py (the ranking itself is tested there, without a browser).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from crampcare.testing.browser import look_both_schemes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def first_result(page: Any) -> tuple[str, str, str]:
    """The first result's kind ("Topic" or "Exercise"), title and snippet, as shown."""
    first = page.locator(".search-results > li").first
    return (
        first.locator(".pill").inner_text().strip(),
        first.locator("h3").inner_text().strip(),
        first.locator("p").inner_text().strip(),
    )


def search_for(page: Any, box: str, query: str) -> None:
    page.get_by_role("searchbox", name=box).fill(query)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.get_by_role("heading", name=re.compile(rf"results? for “{re.escape(query)}”")).wait_for()


def test_it_finds_the_right_first_page_for_what_people_type(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/learn/")
    # A typo: "calff" still finds a calf exercise first.
    search_for(page, "Search topics and exercises", "calff")
    kind, title, _ = first_result(page)
    assert kind == "Exercise"
    assert "calf" in title.lower()
    look_both_schemes(page, "search-typo-calff")

    # From here on, the search page's own box.
    box = "What are you looking for?"
    search_for(page, box, "cramp at night pregnant")
    assert first_result(page)[:2] == ("Topic", "Cramps in pregnancy")
    look_both_schemes(page, "search-pregnant")

    search_for(page, box, "tonic water")
    kind, title, snippet = first_result(page)
    assert (kind, title) == ("Topic", "What doesn't work, or isn't safe")
    assert "quinine" in snippet.lower()
    look_both_schemes(page, "search-tonic-water")

    search_for(page, box, "water tablets")
    kind, title, snippet = first_result(page)
    assert (kind, title) == ("Topic", "Medicines and cramps")
    assert "water tablets" in snippet.lower()
    look_both_schemes(page, "search-water-tablets")

    # The first result opens the page it names.
    page.locator(".search-results > li").first.get_by_role("link").click()
    page.get_by_role("heading", level=1, name="Medicines and cramps").wait_for()
