"""In Chromium, with its virtual authenticator (a security key the browser emulates over the
DevTools protocol): someone with the app adds a security key, then signs in with the key in
place of a code. axe and both colour schemes on the add page and on the code step."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from crampcare.testing.browser import look, look_both_schemes
from crampcare.testing.builders import PASSWORD, make_user
from crampcare.testing.mfa import code_now, set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _plug_in_a_key(page: Any) -> None:
    """A USB security key that answers at once (presence and verification simulated)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def _password_step(page: Any, live_server: Any, email: str, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Enter your code").wait_for()


def test_someone_adds_a_security_key_and_signs_in_with_it(page: Any, live_server: Any) -> None:
    pat = make_user("pat@example.org", display_name="Pat")
    secret = set_up_app(pat)
    _plug_in_a_key(page)

    _password_step(page, live_server, pat.email, "/accounts/2fa/")
    assert not page.get_by_role("button", name="Use my security key").count()
    page.get_by_label("Code").fill(code_now(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Two-step sign-in", exact=True).wait_for()

    page.get_by_role("link", name="Add a security key").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Add a security key").wait_for()
    look_both_schemes(page, "security-key-add")
    page.get_by_label("Name of the key").fill("Blue key on my keyring")
    page.get_by_role("button", name="Add the key").click()
    page.get_by_text("Security key added.").wait_for()
    assert page.get_by_text("1 key added.").is_visible()
    look(page, "security-key-added")
    assert Authenticator.objects.filter(user=pat, type=Authenticator.Type.WEBAUTHN).count() == 1

    page.goto(live_server.url + "/accounts/2fa/webauthn/")
    page.get_by_role("link", name="Rename Blue key on my keyring").wait_for()
    look(page, "security-keys-list")

    page.goto(live_server.url + "/account/")
    page.get_by_role("button", name="Sign out").click()
    _password_step(page, live_server, pat.email, "/diary/")
    look_both_schemes(page, "security-key-code-step")
    page.get_by_role("button", name="Use my security key").click()
    page.wait_for_url(live_server.url + "/diary/")
    key = Authenticator.objects.get(user=pat, type=Authenticator.Type.WEBAUTHN)
    assert key.last_used_at is not None


def test_a_key_that_does_not_answer_is_explained_on_the_page(page: Any, live_server: Any) -> None:
    """The browser gets no answer from a key: the page says so (no silent button)."""
    pat = make_user("pat@example.org", display_name="Pat")
    secret = set_up_app(pat)
    _password_step(page, live_server, pat.email, "/accounts/2fa/webauthn/add/")
    page.get_by_label("Code").fill(code_now(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Add a security key").wait_for()
    # The person cancels the browser's prompt (or it times out): the browser refuses the request.
    page.evaluate(
        """() => {
          navigator.credentials.create = () => Promise.reject(
            new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError'))
        }"""
    )
    page.get_by_role("button", name="Add the key").click()
    page.get_by_text("The browser did not get an answer from a key").wait_for()
    assert not Authenticator.objects.filter(user=pat, type=Authenticator.Type.WEBAUTHN).exists()
