"""Issue 11.4: sign-up never tells a stranger whether an address has an account here.

Sign-up can hide it only when it confirms the address by email before signing anyone in. So open
sign-up comes with email (and then confirming is the default); a server without email keeps
sign-up closed after the owner unless its operator opens it, and `check --deploy` warns then."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.home.checks import check_production_profile
from crampcare.testing.cli import cli_env

pytestmark = pytest.mark.django_db

PHRASE = "a-long-and-private-phrase"


def _defaults(tmp_path, **env: str) -> tuple[str, str]:
    code = "import crampcare.settings as s;print(s.OPEN_SIGNUP, s.ACCOUNT_EMAIL_VERIFICATION)"
    base = {
        k: v for k, v in cli_env(tmp_path).items() if not k.startswith(("EMAIL_", "CRAMPCARE_O"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    open_signup, verification = result.stdout.split()
    return open_signup, verification


def test_it_opens_sign_up_only_with_email_and_then_confirms_addresses(tmp_path) -> None:
    assert _defaults(tmp_path) == ("False", "none")
    assert _defaults(tmp_path, EMAIL_HOST="mail.example.org") == ("True", "mandatory")
    # An operator may still choose: their choice wins over the default.
    assert _defaults(tmp_path, CRAMPCARE_OPEN_SIGNUP="true") == ("True", "none")
    assert _defaults(
        tmp_path, EMAIL_HOST="mail.example.org", CRAMPCARE_EMAIL_VERIFICATION="optional"
    ) == ("True", "optional")


def _sign_up(email: str) -> tuple[int, str, bool]:
    response = Client().post(
        "/accounts/signup/",
        {"email": email, "password1": PHRASE, "password2": PHRASE},
        follow=True,
    )
    page = response.content.decode()
    return (
        response.status_code,
        response.redirect_chain[-1][0] if response.redirect_chain else "",
        ("already" in page.lower()),
    )


def test_it_answers_a_registered_and_a_new_address_alike_by_default_without_email(
    user: User,
) -> None:
    # The default without email: sign-up is closed after the owner, for every address alike.
    registered = Client().post(
        "/accounts/signup/", {"email": user.email, "password1": PHRASE, "password2": PHRASE}
    )
    newcomer = Client().post(
        "/accounts/signup/", {"email": "new@example.org", "password1": PHRASE, "password2": PHRASE}
    )
    assert registered.status_code == newcomer.status_code
    assert registered.content.decode() == newcomer.content.decode()
    assert "Sign-up is closed" in newcomer.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_it_answers_alike_with_email_and_tells_the_address_owner(
    user: User, settings, mailoutbox
) -> None:
    settings.OPEN_SIGNUP = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    registered = _sign_up(user.email)
    newcomer = _sign_up("newcomer@example.org")
    assert registered == newcomer
    assert registered[2] is False  # neither page says "already"
    assert User.objects.filter(email=user.email).count() == 1
    to_owner = [mail for mail in mailoutbox if user.email in mail.to]
    assert to_owner
    assert "already" in to_owner[0].body.lower()
    to_newcomer = [mail for mail in mailoutbox if "newcomer@example.org" in mail.to]
    assert to_newcomer, "the newcomer gets the link that confirms their address"


def test_it_warns_at_deploy_when_open_sign_up_would_reveal_addresses(settings) -> None:
    settings.PRODUCTION, settings.DEBUG, settings.ALLOWED_HOSTS = True, False, ["cramps.org"]
    settings.OPEN_SIGNUP = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    assert [m.id for m in check_production_profile()] == ["crampcare.W001"]
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    assert check_production_profile() == []
    settings.OPEN_SIGNUP, settings.ACCOUNT_EMAIL_VERIFICATION = False, "none"
    assert check_production_profile() == []


def test_it_signs_in_on_confirming_and_carries_on_to_the_cramp_log(
    user: User, settings, mailoutbox
) -> None:
    settings.OPEN_SIGNUP = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client = Client()
    log_next = "/diary/cramp/?muscle=calf&since=1796240000"
    client.post(
        f"/accounts/signup/?next={quote(log_next)}",
        {"email": "newcomer@example.org", "password1": PHRASE, "password2": PHRASE},
    )
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    path = urlsplit(link.group(0)).path
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == log_next
    assert client.get("/api/v1/me").json()["email"] == "newcomer@example.org"
