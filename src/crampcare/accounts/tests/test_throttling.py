from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db


TOO_MANY = "Too many failed login attempts. Try again later."


def _sign_in(client: Client, email: str, password: str) -> str:
    return client.post("/accounts/login/", {"login": email, "password": password}).content.decode()


def test_it_slows_down_password_guessing_on_one_account(client: Client, user: User) -> None:
    pages = [_sign_in(client, user.email, f"guess {n}") for n in range(6)]
    assert all(TOO_MANY not in page for page in pages[:5])
    assert TOO_MANY in pages[5]
    # Even the right password waits until the window has passed.
    assert TOO_MANY in _sign_in(client, user.email, "correct horse battery staple")
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_other_accounts(client: Client, user: User, other_user: User) -> None:
    for n in range(6):
        _sign_in(client, user.email, f"guess {n}")
    response = client.post(
        "/accounts/login/", {"login": other_user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
