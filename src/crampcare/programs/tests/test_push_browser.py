"""In Chromium: "Reminders on this phone" on the plan page, turned on and off.

Headless Chromium has no push service to subscribe with (subscribing needs the browser maker's
servers), so the browser's push side is a stand-in (``navigator.serviceWorker``, ``PushManager``
and ``Notification``, set before the page loads) holding a real key pair; everything from the
page's script to the API and the database is real. The sending side, through a real push
service, is tested in test_push_reminders.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import PushSubscription, User
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look_both_schemes, screenshot, sign_in_with_cookie
from crampcare.testing.builders import every_row
from crampcare.testing.push_service import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test"

STAND_IN = """
(() => {
  const subscription = %(subscription)s;
  const state = { permission: %(permission)s, subscribed: null, asked: [] };
  window.__push = state;
  const pushSubscription = {
    endpoint: subscription.endpoint,
    options: { applicationServerKey: null },
    toJSON: () => subscription,
    unsubscribe: async () => { state.subscribed = null; return true; },
  };
  const pushManager = {
    getSubscription: async () => state.subscribed,
    subscribe: async (options) => {
      state.asked.push({
        userVisibleOnly: options.userVisibleOnly,
        key: Array.from(new Uint8Array(options.applicationServerKey)),
      });
      state.subscribed = pushSubscription;
      return pushSubscription;
    },
  };
  const registration = { pushManager };
  if (%(supported)s) {
    window.PushManager = function PushManager() {};
  } else {
    delete window.PushManager;
  }
  Object.defineProperty(navigator, "serviceWorker", {
    configurable: true,
    value: {
      register: async () => registration,
      getRegistration: async () => registration,
      ready: Promise.resolve(registration),
      controller: null,
      addEventListener: () => {},
    },
  });
  window.Notification = {
    get permission() { return state.permission; },
    requestPermission: async () => {
      if (state.permission === "default") state.permission = "granted";
      return state.permission;
    },
  };
})();
"""


def _stand_in(
    page: Any, *, permission: str = "default", supported: bool = True, endpoint: str = ENDPOINT
) -> Browser:
    browser = Browser()
    page.add_init_script(
        STAND_IN
        % {
            "subscription": json.dumps(browser.subscription(endpoint)),
            "permission": json.dumps(permission),
            "supported": "true" if supported else "false",
        }
    )
    return browser


def _status(page: Any) -> Any:
    return page.locator("[data-push-status]")


def test_it_turns_reminders_on_and_off_for_this_device(
    page: Any, live_server: Any, user: User
) -> None:
    make_program(user, now=timezone.now())
    browser = _stand_in(page)
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")
    section = page.locator("[data-push]")
    section.scroll_into_view_if_needed()
    _status(page).get_by_text("Reminders are off for this device.").wait_for()
    assert section.get_by_text("None yet.").is_visible()

    section.get_by_role("button", name="Turn on reminders on this device").click()

    _status(page).get_by_text("Reminders are on for this device.").wait_for()
    stored = PushSubscription.objects.for_user(user).get()
    assert (stored.endpoint, stored.p256dh, stored.auth) == (ENDPOINT, browser.p256dh, browser.auth)
    assert stored.label == "Chrome on Linux"
    asked = page.evaluate("() => window.__push.asked")
    assert asked[0]["userVisibleOnly"] is True
    key = section.get_attribute("data-key")
    assert len(asked[0]["key"]) == 65
    assert key
    section.get_by_text("Chrome on Linux (this device)").wait_for()
    assert not section.get_by_text("None yet.").is_visible()
    assert section.get_by_role("button", name="Turn off on this device").is_visible()
    assert not section.get_by_role("button", name="Turn on reminders on this device").is_visible()
    section.scroll_into_view_if_needed()
    look_both_schemes(page, "plan-push-on")

    section.get_by_role("button", name="Turn off on this device").click()

    _status(page).get_by_text("Reminders are off for this device.").wait_for()
    section.get_by_text("None yet.").wait_for()
    assert not every_row(PushSubscription).filter(owner=user).exists()
    assert page.evaluate("() => window.__push.subscribed") is None


def test_it_says_when_the_browser_blocks_notifications(
    page: Any, live_server: Any, user: User
) -> None:
    make_program(user, now=timezone.now())
    _stand_in(page, permission="denied")
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")

    _status(page).get_by_text("This browser blocks notifications from crampcare.").wait_for()
    section = page.locator("[data-push]")
    assert section.get_by_role("button").count() == 0  # both hidden: nothing to press
    section.scroll_into_view_if_needed()
    screenshot(page, "plan-push-blocked", both_sizes=False)


def test_it_says_when_the_browser_cannot_show_reminders(
    page: Any, live_server: Any, user: User
) -> None:
    make_program(user, now=timezone.now())
    _stand_in(page, supported=False)
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")

    _status(page).get_by_text("This browser cannot show reminders from crampcare.").wait_for()
    assert page.locator("[data-push]").get_by_role("button").count() == 0


def test_it_says_when_turning_on_did_not_work(page: Any, live_server: Any, user: User) -> None:
    make_program(user, now=timezone.now())
    # A push service the server does not know: the API refuses it (422).
    _stand_in(page, endpoint="https://push.example.org/unknown")
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")
    section = page.locator("[data-push]")
    _status(page).get_by_text("Reminders are off for this device.").wait_for()

    section.get_by_role("button", name="Turn on reminders on this device").click()

    _status(page).get_by_text("That did not work.").wait_for()
    page.wait_for_timeout(300)  # the state line is not overwritten a moment later
    assert _status(page).inner_text().startswith("That did not work.")
    assert section.get_by_role("button", name="Turn on reminders on this device").is_visible()
    assert not every_row(PushSubscription).filter(owner=user).exists()


def test_it_shows_the_state_at_once_before_any_worker_runs(
    page: Any, live_server: Any, user: User
) -> None:
    # This page's browser context runs no service worker: the state comes without waiting.
    make_program(user, now=timezone.now())
    sign_in_with_cookie(page, live_server, user)
    page.goto(live_server.url + "/program/plan/")

    _status(page).get_by_text("Reminders are off for this device.").wait_for()
    section = page.locator("[data-push]")
    assert section.get_by_role("button", name="Turn on reminders on this device").is_visible()
