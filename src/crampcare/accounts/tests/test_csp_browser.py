"""Issue 11.5: under the strict Content-Security-Policy every page still works: the browser
blocks nothing (no inline script, style attribute, <style> element or handler) anywhere."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD = """
window.__blocked = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__blocked.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""

PAGES = [
    "/",
    "/cramp-now/",
    "/cramp-now/calf/",
    "/cramp-now/calf/?state=easing",
    "/learn/",
    "/exercises/",
    "/assessment/",
    "/diary/",
    "/diary/cramp/",
    "/diary/checkin/",
    "/diary/data/",
    "/insights/",
    "/insights/report/",
    "/program/",
    "/program/plan/",
    "/program/session/",
    "/account/",
    "/account/delete/",
    "/welcome/next/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/api/v1/docs",
]


def test_it_blocks_nothing_on_any_page_of_the_demo_account(page: Any, live_server: Any) -> None:
    from django.test import Client

    from crampcare.accounts.models import User

    call_command("demo", "--time-zone", "Europe/London", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(email="demo@example.org"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.add_init_script(RECORD)
    blocked: dict[str, list[str]] = {}
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status < 500, path
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__blocked")
        if found:
            blocked[path] = found
    assert not blocked, blocked
