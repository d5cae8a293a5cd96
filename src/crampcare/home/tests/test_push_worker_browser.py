"""In Chromium: the service worker shows a pushed reminder as a notification, and a tap on it
opens the session. The message is handed to the worker through the DevTools protocol
(``ServiceWorker.deliverPushMessage``) as a push service would; the encryption on the way is
tested in programs/tests/test_push_reminders.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import sign_in_with_cookie, wait_for_the_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, icon: n.icon,
                            badge: n.badge, data: n.data}));
}"""


def _push(page: Any, live_server: Any, message: dict[str, str]) -> None:
    session = page.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    session.send("ServiceWorker.enable")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    session.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registrations[0]["registrationId"],
            "data": json.dumps(message),
        },
    )


def _shown(page: Any) -> list[dict[str, Any]]:
    for _ in range(50):
        shown = page.evaluate(NOTIFICATIONS)
        if shown:
            return list(shown)
        page.wait_for_timeout(100)
    return []


def test_the_worker_shows_a_reminder_and_keeps_its_link_on_this_site(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    make_program(user, now=timezone.now())
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")
    wait_for_the_worker(page)
    page.reload()

    _push(
        page,
        live_server,
        {
            "title": "Time for tonight’s stretches",
            "body": "A few minutes before you sleep. Tap to start.",
            "url": "https://evil.example.org/phish",
            "tag": "crampcare-bedtime-2025-06-10",
        },
    )

    [shown] = _shown(page)
    assert shown["title"] == "Time for tonight’s stretches"
    assert shown["body"] == "A few minutes before you sleep. Tap to start."
    assert shown["tag"] == "crampcare-bedtime-2025-06-10"
    assert shown["icon"].endswith("/static/crampcare/icons/icon-any-192.png")
    assert shown["badge"].endswith("/static/crampcare/icons/badge-96.png")
    # A link to anywhere else is replaced by tonight's session.
    assert shown["data"] == {"url": "/program/session/"}
