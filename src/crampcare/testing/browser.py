"""Browser fixtures: Debian's chromium through Playwright, axe-core checks and screenshots.

Never `playwright install`: we drive /usr/bin/chromium. Tests are skipped (with the reason) when
it is missing, which only happens outside CI (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path(os.environ.get("CRAMPCARE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium to run browser tests")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield instance
        instance.close()


# How long teardown waits for requests the page already sent (a slow save under load).
SETTLE_TIMEOUT_MS = 30_000
SETTLE_POLL_MS = 25
# The server must stay idle this long before the test database may be flushed.
SERVER_QUIET_SECONDS = 0.2
# Generous under load (2 cores shared by a whole team): a slow answer is not a failure.
ACTION_TIMEOUT_MS = 20_000
NAVIGATION_TIMEOUT_MS = 30_000


class _ServerRequests:
    """Which live-server requests Django is handling right now, each by the thread handling it.

    A request counts from Django's "started" signal to its "finished" signal, and only while its
    thread is alive: a request whose "finished" never came (its connection dropped in a way that
    skipped the answer's close) must not hold every later test's teardown for the full timeout.
    """

    def __init__(self) -> None:
        self.threads: dict[int, threading.Thread] = {}
        self.changed = threading.Condition()

    @property
    def active(self) -> int:
        with self.changed:
            self._forget_ended()
            return len(self.threads)

    def _forget_ended(self) -> None:
        for ident, thread in list(self.threads.items()):
            if not thread.is_alive():
                del self.threads[ident]

    # Only the live server's requests count. Django's test client sends the same signals, and a
    # streaming answer it returns (a download) sends "finished" only once a test reads it to the
    # end: counted, one never read kept the server "busy", and every later browser test's
    # teardown waited its full timeout.
    def started(self, sender: Any = None, **_: Any) -> None:
        # The live server answers in threads of its own; a WSGI handler called in the test's own
        # thread (the schemathesis test calls the app in-process) is not the live server.
        if _from_test_client(sender) or threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.threads[threading.get_ident()] = threading.current_thread()

    def finished(self, sender: Any = None, **_: Any) -> None:
        # The test client's answers close with no handler class (sender None).
        if sender is None or _from_test_client(sender):
            return
        with self.changed:
            self.threads.pop(threading.get_ident(), None)
            self.changed.notify_all()

    def _idle(self) -> bool:
        self._forget_ended()
        return not self.threads

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait until no request has been in progress for SERVER_QUIET_SECONDS."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                # Polled as well as notified: a thread that ends sends no signal.
                while not self._idle():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self.changed.wait(timeout=min(left, SERVER_QUIET_SECONDS))
                # Quiet for a moment: a request the browser sent as the page went away may be
                # about to arrive.
                if not self.changed.wait(timeout=SERVER_QUIET_SECONDS) and self._idle():
                    return True


def _from_test_client(sender: Any) -> bool:
    from django.test.client import AsyncClientHandler, ClientHandler

    return isinstance(sender, type) and issubclass(sender, ClientHandler | AsyncClientHandler)


server_requests = _ServerRequests()
request_started.connect(server_requests.started, dispatch_uid="crampcare-browser-started")
request_finished.connect(server_requests.finished, dispatch_uid="crampcare-browser-finished")


def _new_page(
    browser: Any,
    *,
    viewport: dict[str, int],
    dark: bool,
    service_workers: str = "block",
    locale: str = "en-GB",
) -> Any:
    # The app's service worker (home/pwa.py) precaches about a hundred pages and files on a first
    # visit: only the tests of the app on the phone let it run (``app_page``); for every other
    # page test it would be load, and a cache between the test and the server.
    context = browser.new_context(
        service_workers=service_workers,
        viewport=viewport,
        color_scheme="dark" if dark else "light",
        reduced_motion="reduce",
        # The browser's language: what it sends as Accept-Language.
        locale=locale,
        timezone_id="Europe/London",
    )
    # Count the requests the browser has sent and not yet seen answered, so teardown can wait
    # for them (see close_context).
    pending: set[Any] = set()

    def sent(request: Any) -> None:
        pending.add(request)

    def answered(request: Any) -> None:
        pending.discard(request)

    def closed(gone: Any) -> None:
        # A closed tab reports nothing more about its requests: no answer or failure would ever
        # take them off the list, and every later wait would run to its timeout. Whether the
        # server is still handling one is what close_context's server-side wait covers.
        pending.difference_update([request for request in pending if _page_of(request) is gone])

    context.on("request", sent)
    context.on("requestfinished", answered)
    context.on("requestfailed", answered)
    # A fetch sent with ``keepalive`` (the session player's saves) never reports "finished" to
    # Playwright, only its response: without this, each one held every later wait for its full
    # timeout (30 s, several times a test).
    context.on("response", lambda response: answered(response.request))
    context.on("page", lambda opened: opened.on("close", closed))
    context._crampcare_pending = pending
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return page


def _page_of(request: Any) -> Any:
    try:
        return request.frame.page
    except Exception:  # a request with no frame (a service worker's): no page to close
        return None


def wait_for_requests(page: Any, timeout_ms: int = SETTLE_TIMEOUT_MS) -> None:
    """Wait until every request the page's context has sent has been answered."""
    pending: set[Any] = getattr(page.context, "_crampcare_pending", set())
    waited = 0
    while pending and waited < timeout_ms:
        page.wait_for_timeout(SETTLE_POLL_MS)
        waited += SETTLE_POLL_MS
    # Best effort: a request the browser abandoned is also covered by the server-side wait below.


def close_context(page: Any) -> None:
    """Close the page's context without leaving a request in flight on the live server.

    A request still being handled when the test database is flushed fails at teardown (a foreign
    key to a row just deleted, or a locked table) and leaves rows behind for the next test. So:
    refuse every new request (timers and page scripts, such as the session player's saves, can
    fire at any moment), leave each page for a blank one (so no script is left to send a last
    save as the browser closes), wait for what was already sent, close, and wait until the
    server has finished every request, including any the browser gave up on.
    """
    context = page.context
    context.route("**/*", lambda route: route.abort())
    for open_page in context.pages:
        open_page.goto("about:blank")
    wait_for_requests(page)
    context.close()
    # Bounded wait, not an assertion: one request left counted (an error path) must not fail
    # every later test of the worker.
    server_requests.wait_until_idle(SETTLE_TIMEOUT_MS / 1000)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page in light mode."""
    page = _new_page(browser, viewport=PHONE, dark=False)
    yield page
    close_context(page)


@pytest.fixture
def app_page(browser: Any) -> Iterator[Any]:
    """A phone-sized page in light mode with service workers allowed (the app on the phone)."""
    page = _new_page(browser, viewport=PHONE, dark=False, service_workers="allow")
    yield page
    close_context(page)


def wait_for_the_worker(page: Any) -> None:
    """The service worker is installed (everything precached), active and controls ``page``."""
    # ``ready`` never settles when the worker fails to install (a script error, a failed
    # precache): fail with a reason after 30 s instead of waiting for ever.
    page.evaluate(
        """() => Promise.race([
          navigator.serviceWorker.ready,
          new Promise((resolve, reject) => setTimeout(
            () => reject(new Error("the service worker did not install within 30 s")), 30000)),
        ])"""
    )
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)


@pytest.fixture
def spanish_page(browser: Any) -> Iterator[Any]:
    """A phone-sized page in light mode, in a browser set to Spanish (Accept-Language: es-ES)."""
    page = _new_page(browser, viewport=PHONE, dark=False, locale="es-ES")
    yield page
    close_context(page)


@pytest.fixture
def dark_page(browser: Any) -> Iterator[Any]:
    """A phone-sized page in dark mode."""
    page = _new_page(browser, viewport=PHONE, dark=True)
    yield page
    close_context(page)


def check_accessibility(page: Any, label: str) -> None:
    """Fail on any serious or critical axe-core violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe found problems on {label} ({page.url}):\n{details}"


def screenshot(page: Any, name: str, *, both_sizes: bool = True) -> None:
    """Save phone (390x844) and desktop (1280x800) screenshots under screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    original = page.viewport_size
    scheme = _scheme(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{safe}-phone-{scheme}.png", full_page=True)
    if both_sizes:
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=SCREENSHOTS / f"{safe}-desktop-{scheme}.png", full_page=True)
    page.set_viewport_size(original)


def look(page: Any, name: str) -> None:
    """Check accessibility and save screenshots: what every page visit in a browser test does."""
    check_accessibility(page, name)
    screenshot(page, name)


def _scheme(page: Any) -> str:
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    return "dark" if dark else "light"


def screenshot_both_schemes(page: Any, name: str, *, check: bool = False) -> None:
    """Screenshots of the current page in light and in dark (axe in each too when check).

    The page's own scheme first, then the other by emulating `prefers-color-scheme`, then back,
    so the rest of the test sees the page as it was.
    """
    own = _scheme(page)
    other = "light" if own == "dark" else "dark"
    for scheme in (own, other):
        page.emulate_media(color_scheme=scheme)
        if check:
            check_accessibility(page, f"{name} ({scheme})")
        screenshot(page, name)
    page.emulate_media(color_scheme=own)


def look_both_schemes(page: Any, name: str) -> None:
    """look() in light and in dark: axe and screenshots in each scheme."""
    screenshot_both_schemes(page, name, check=True)


def sign_in_with_form(page: Any, live_server: Any, user: Any) -> None:
    """Sign in through the sign-in page, as a person would (the user is the builders' Olive)."""
    from crampcare.testing.builders import PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Hello, Olive").wait_for()


def sign_in_with_cookie(page: Any, live_server: Any, user: Any) -> None:
    """Give the page a signed-in session without visiting the sign-in page."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
