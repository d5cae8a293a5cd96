from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.conftest import REAL_PASSWORD_HASHERS

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-private-phrase"


def test_it_has_no_accounts_after_installation() -> None:
    assert User.objects.count() == 0


def test_it_sends_the_first_visit_to_onboarding(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"


def test_it_keeps_public_pages_open_before_onboarding(client: Client) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_it_creates_the_owner_account_and_signs_them_in(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = REAL_PASSWORD_HASHERS
    response = client.post(
        "/welcome/",
        {
            "display_name": "Olive",
            "email": "Olive@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 302
    owner = User.objects.get()
    assert owner.email == "olive@example.org"
    assert owner.is_superuser
    assert owner.is_staff
    assert owner.time_zone == "Europe/Amsterdam"
    assert owner.password.startswith("argon2")
    assert client.get("/").context["user"] == owner


def test_it_refuses_a_weak_password_and_saves_nothing(client: Client) -> None:
    response = client.post(
        "/welcome/", {"email": "a@example.org", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()
    assert User.objects.count() == 0


def test_it_closes_onboarding_once_the_owner_exists(client: Client, user: User) -> None:
    assert client.get("/welcome/")["Location"] == "/"
    client.post(
        "/welcome/", {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert User.objects.count() == 1


def test_it_makes_later_accounts_ordinary(client: Client, user: User) -> None:
    client.post(
        "/accounts/signup/",
        {"email": "second@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    second = User.objects.get(email="second@example.org")
    assert not second.is_staff
    assert not second.is_superuser


def test_it_can_close_signup_after_the_owner(client: Client, user: User, settings) -> None:
    settings.OPEN_SIGNUP = False
    response = client.get("/accounts/signup/")
    assert "closed" in response.content.decode().lower()
