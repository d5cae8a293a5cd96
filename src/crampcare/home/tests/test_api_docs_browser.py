"""The interactive API docs render in a real browser: Swagger UI parses our OpenAPI document.

The page is django-ninja's Swagger UI with our template (ninja/swagger.html: a language and both
colour schemes), deep links off (they nest a link in each operation's button) and contrast fixes
in crampcare/api-docs.css; axe checks it as it opens and with an operation opened to try.
"""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.testing.browser import look_both_schemes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_operations_on_the_api_docs_page(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 20
    assert page.get_by_text("/api/v1/diary/episodes").first.is_visible()
    # Swagger UI reports a document it cannot read in an error box instead of the operations.
    assert page.locator(".errors-wrapper").count() == 0
    assert "Parser error" not in page.content()
    assert page.locator("html").get_attribute("lang") == "en"
    look_both_schemes(page, "api-docs")

    # An operation opened to try it out (its parameters, the Execute button and the responses).
    page.locator(".opblock-post .opblock-summary-control").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.wait_for()
    look_both_schemes(page, "api-docs-try-it-out")

    # The Authorize dialog (its close button gets a name from api-docs.js).
    page.get_by_role("button", name="Authorize").first.click()
    page.get_by_role("button", name="Close").first.wait_for()
    look_both_schemes(page, "api-docs-authorize")
