"""Two-step sign-in (allauth.mfa): setting up the app, the code asked at sign-in, recovery codes.

Codes are made with allauth's own TOTP maths (``crampcare.testing.mfa.code_now``), as an
authenticator app would make them.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from crampcare.accounts.models import User
from crampcare.testing.builders import PASSWORD, make_user
from crampcare.testing.mfa import code_now, recovery_codes, set_up_app

pytestmark = pytest.mark.django_db

CODE_STEP = "/accounts/2fa/authenticate/"


def _sign_in(client: Client, user: User) -> object:
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def _signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_it_asks_for_the_code_after_the_password_and_only_then_signs_in() -> None:
    user = make_user("pat@example.org")
    secret = set_up_app(user)
    client = Client()
    response = _sign_in(client, user)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == CODE_STEP  # type: ignore[index]
    assert _signed_in_as(client) is None
    assert client.get("/account/").status_code == 302  # still not in

    page = client.get(CODE_STEP)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Enter your code" in body
    assert 'autocomplete="one-time-code"' in body
    assert 'inputmode="numeric"' in body
    assert '<label for="id_code">Code</label>' in body

    wrong = client.post(CODE_STEP, {"code": "000000" if code_now(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert _signed_in_as(client) is None

    right = client.post(CODE_STEP, {"code": code_now(secret)})
    assert right.status_code == 302
    assert _signed_in_as(client) == str(user.pk)


def test_a_code_works_once() -> None:
    user = make_user("pat@example.org")
    secret = set_up_app(user)
    code = code_now(secret)
    first, second = Client(), Client()
    _sign_in(first, user)
    first.post(CODE_STEP, {"code": code})
    assert _signed_in_as(first) == str(user.pk)
    _sign_in(second, user)
    replay = second.post(CODE_STEP, {"code": code})
    assert "Incorrect code." in replay.content.decode()
    assert _signed_in_as(second) is None


def test_an_old_code_is_refused() -> None:
    user = make_user("pat@example.org")
    secret = set_up_app(user)
    client = Client()
    _sign_in(client, user)
    stale = code_now(secret, steps_ahead=-2)  # a minute old
    if stale == code_now(secret):
        pytest.skip("the two codes happen to be equal")
    client.post(CODE_STEP, {"code": stale})
    assert _signed_in_as(client) is None


def test_a_recovery_code_signs_in_once() -> None:
    user = make_user("pat@example.org")
    set_up_app(user)
    codes = recovery_codes(user)
    assert len(codes) == 10
    first = Client()
    _sign_in(first, user)
    first.post(CODE_STEP, {"code": codes[0]})
    assert _signed_in_as(first) == str(user.pk)
    assert len(recovery_codes(user)) == 9

    again = Client()
    _sign_in(again, user)
    refused = again.post(CODE_STEP, {"code": codes[0]})
    assert "Incorrect code." in refused.content.decode()
    assert _signed_in_as(again) is None
    again.post(CODE_STEP, {"code": codes[1]})
    assert _signed_in_as(again) == str(user.pk)


def test_without_the_app_the_password_is_enough() -> None:
    user = make_user("pat@example.org")
    client = Client()
    response = _sign_in(client, user)
    assert response["Location"] == "/"  # type: ignore[index]
    assert _signed_in_as(client) == str(user.pk)


def test_setting_up_the_app_from_the_page() -> None:
    user = make_user("pat@example.org")
    client = Client()
    _sign_in(client, user)
    # Changing how one signs in takes the password again first (allauth's reauthentication).
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    confirm = client.get(asked["Location"]).content.decode()
    assert "Confirm it is you" in confirm
    assert '<label for="id_password">' in confirm
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Set up two-step sign-in" in body
    assert 'src="data:image/svg+xml;base64,' in body
    assert "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]
    secret = page.context["form"].secret
    assert secret in body  # the key, for typing in by hand

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "12"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()

    done = client.post("/accounts/2fa/totp/activate/", {"code": code_now(secret)})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    codes_page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert all(code in codes_page for code in recovery_codes(user))
    overview = client.get("/accounts/2fa/").content.decode()
    assert "On. You are asked for a code each time you sign in." in overview
    assert "10 of 10 codes left" in overview
