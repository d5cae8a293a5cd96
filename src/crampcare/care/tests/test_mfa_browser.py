"""In Chromium: a clinician without two-step sign-in opens the care page, is sent to set it up,
scans (types) the key, then signs in again with a code. axe and both colour schemes on the
set-up page and on the code step."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.care import services
from crampcare.care.models import Organisation, Role
from crampcare.testing.browser import look, look_both_schemes
from crampcare.testing.builders import PASSWORD, make_user
from crampcare.testing.mfa import code_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_sets_up_the_app_then_signs_in_with_a_code(page: Any, live_server: Any) -> None:
    owner = make_user("owner@example.org", display_name="Ada", is_staff=True)
    tess = make_user("tess@example.org", display_name="Tess")
    clinic = services.create_organisation(owner, "Riverside Physio", Organisation.Kind.CLINIC)
    services.add_member(owner, clinic, tess, Role.CLINICIAN)

    page.goto(live_server.url + "/accounts/login/?next=/care/")
    page.get_by_label("Email").fill(tess.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Sent from the care page to set up the app: the password again first (allauth).
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    assert page.get_by_text("Two-step sign-in is required for clinicians").is_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Set up two-step sign-in").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    look_both_schemes(page, "mfa-set-up")
    key = page.locator("#totp-key").inner_text().strip()
    page.get_by_label("Code from the app").fill(code_now(key))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    look(page, "mfa-recovery-codes")

    page.goto(live_server.url + "/account/")
    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/?next=/care/")
    page.get_by_label("Email").fill(tess.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    look_both_schemes(page, "mfa-code-step")
    page.get_by_label("Code").fill(code_now(key))
    page.get_by_role("button", name="Sign in", exact=True).click()
    # In, and back where she was going: the care page.
    page.get_by_role("heading", name="Your people").wait_for()
    assert page.url == live_server.url + "/care/"
