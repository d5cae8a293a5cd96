"""In Chromium: visit once, and the relief guide, the exercise library and tonight's session
(opened before) work without a connection; a page never opened says it is offline; signing out
leaves no copy of the person's pages; a new version replaces the worker and its caches."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.home import pwa
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look, sign_in_with_form, wait_for_the_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CACHE_NAMES = "() => caches.keys()"
# An exercise picture on the page has loaded and been drawn.
PICTURE_DRAWN = """selector => {
  const img = document.querySelector(selector);
  return Boolean(img && img.complete && img.naturalWidth > 0);
}"""


def _personal_pages_kept(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """async () => {
              const names = (await caches.keys()).filter((n) => n.startsWith('crampcare-personal-'));
              const kept = [];
              for (const name of names) {
                for (const request of await (await caches.open(name)).keys()) kept.push(request.url);
              }
              return kept;
            }"""
        )
    )


def test_the_relief_guide_library_and_session_work_offline(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    make_program(user, now=timezone.now())
    sign_in_with_form(page, live_server, user)
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    page.goto(live_server.url + "/program/session/")
    page.get_by_role("button", name="Start").wait_for()
    assert live_server.url + "/program/session/" in _personal_pages_kept(page)

    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/cramp-now/calf/")
        page.get_by_role("heading", level=1).wait_for()
        assert page.locator("#relief .relief-step").count() > 0
        # The step's picture comes from the worker's copy too.
        page.wait_for_function(PICTURE_DRAWN, arg="#relief img.pose-picture")
        assert page.get_by_text(
            "You are offline. Pages you opened before show their last copy"
        ).is_visible()
        look(page, "offline-relief-calf")

        # Someone is signed in on this phone: the offline copy offers to keep the cramp.
        page.goto(live_server.url + "/cramp-now/calf/?state=easing&since=1")
        page.get_by_role("heading", name="Log this cramp").wait_for()
        page.get_by_role("button", name="Log this cramp").wait_for()

        page.goto(live_server.url + "/exercises/")
        assert page.locator("a[href^='/exercises/']").count() > 5
        look(page, "offline-library")

        page.goto(live_server.url + "/program/session/")
        page.get_by_role("button", name="Start").wait_for()
        page.wait_for_function(PICTURE_DRAWN, arg=".player-figure img.pose-picture")
        look(page, "offline-session")

        page.goto(live_server.url + "/insights/")
        page.get_by_role("heading", name="You are offline").wait_for()
        look(page, "offline-page")
    finally:
        page.context.set_offline(False)

    page.goto(live_server.url + "/account/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert _personal_pages_kept(page) == []


def test_a_red_flag_drops_the_kept_session_so_none_offers_exercise_offline(
    app_page: Any, live_server: Any, user: User
) -> None:
    page = app_page
    make_program(user, now=timezone.now())
    sign_in_with_form(page, live_server, user)
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    page.goto(live_server.url + "/program/session/")
    page.get_by_role("button", name="Start").wait_for()
    assert live_server.url + "/program/session/" in _personal_pages_kept(page)

    # A check with warning signs (on this device or another) holds the program.
    payload = answers("calf_swelling_one_side", "calf_red_warm").model_dump(mode="json")
    assessment = assessment_services.save_assessment(user, payload)
    page.goto(f"{live_server.url}/assessment/{assessment.pk}/")
    page.get_by_role("heading", name="Get checked first").wait_for()
    page.wait_for_function(
        """async () => {
          for (const name of await caches.keys()) {
            if (!name.startsWith('crampcare-personal-')) continue;
            const kept = await (await caches.open(name)).keys();
            if (kept.some((r) => new URL(r.url).pathname.startsWith('/program/'))) return false;
          }
          return true;
        }""",
        timeout=10_000,
    )
    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/program/session/")
        page.get_by_role("heading", name="You are offline").wait_for()
        assert page.get_by_role("button", name="Start").count() == 0
    finally:
        page.context.set_offline(False)


def test_a_new_version_replaces_the_worker_and_its_caches(
    app_page: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = app_page
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    old = pwa.version()
    assert f"crampcare-public-{old}" in page.evaluate(CACHE_NAMES)

    monkeypatch.setattr(pwa, "version", lambda: "a-new-version")
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    page.wait_for_function(
        """(old) => caches.keys().then((names) =>
             names.includes('crampcare-public-a-new-version') &&
             !names.some((n) => n.endsWith('-' + old)))""",
        arg=old,
        timeout=30_000,
    )
    page.reload()
    page.get_by_role("heading", level=1).wait_for()
    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/cramp-now/foot/")
        page.get_by_role("heading", level=1).wait_for()
    finally:
        page.context.set_offline(False)


def test_chromium_finds_the_app_installable(app_page: Any, live_server: Any) -> None:
    """The browser's own installability check (the one Lighthouse's installable-manifest audit
    reported): a valid manifest with the icons it needs and a worker in control."""
    page = app_page
    page.goto(live_server.url + "/cramp-now/")
    wait_for_the_worker(page)
    cdp = page.context.new_cdp_session(page)

    manifest = cdp.send("Page.getAppManifest")
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]

    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    # A test browser profile is a private one; everything else must be installable.
    assert [error for error in errors if error["errorId"] != "in-incognito"] == []
