"""The interactive API docs render in a real browser: Swagger UI parses our OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_operations_on_the_api_docs_page(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 20
    assert page.get_by_text("/api/v1/diary/episodes").first.is_visible()
    # Swagger UI reports a document it cannot read in an error box instead of the operations.
    assert page.locator(".errors-wrapper").count() == 0
    assert "Parser error" not in page.content()
    screenshot(page, "api-docs")
