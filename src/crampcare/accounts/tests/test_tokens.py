from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from crampcare.accounts import services
from crampcare.accounts.models import AccessToken, User
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_digest_of_the_secret(user: User) -> None:
    token, secret = services.create_token(user, "script")
    stored = every_row(AccessToken).get(pk=token.pk)
    assert secret.startswith("cc_")
    assert secret not in (stored.digest, stored.prefix)
    assert len(stored.digest) == 64
    assert secret.startswith(stored.prefix)


def test_it_authenticates_the_api_with_a_token(client: Client, user: User) -> None:
    _, secret = services.create_token(user, "script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_it_rejects_a_wrong_token_with_json(client: Client, user: User) -> None:
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cc_wrong")
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_it_creates_and_revokes_from_account_settings(owner_client: Client, user: User) -> None:
    response = owner_client.post("/account/tokens/", {"name": "Health export"})
    assert response.status_code == 200
    token = AccessToken.objects.for_user(user).get()
    assert token.prefix in response.content.decode()
    response = owner_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert not AccessToken.objects.for_user(user).exists()


def test_it_stops_a_revoked_token_working(client: Client, user: User) -> None:
    token, secret = services.create_token(user, "script")
    services.revoke_token(user, token.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_it_refuses_a_token_without_a_name(owner_client: Client, user: User) -> None:
    response = owner_client.post("/account/tokens/", {"name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not AccessToken.objects.for_user(user).exists()


def test_it_creates_tokens_through_the_api(owner_client: Client, user: User) -> None:
    response = owner_client.post("/api/v1/tokens", {"name": "cli"}, content_type="application/json")
    assert response.status_code == 201
    secret = response.json()["token"]
    assert services.user_for_token(secret) == user
    listed = owner_client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["cli"]
    assert "token" not in listed[0]


def test_it_gives_the_owner_as_the_orm_would_load_them(user: User) -> None:
    _, secret = services.create_token(user, "script")
    found = services.user_for_token(secret)
    assert found is not None
    loaded = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(loaded, field.attname), field.name
        assert type(getattr(found, field.attname)) is type(getattr(loaded, field.attname))


def test_it_refuses_the_token_of_a_deactivated_person(user: User) -> None:
    _, secret = services.create_token(user, "script")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert services.user_for_token(secret) is None
    assert services.user_for_token(secret + "x") is None
    assert services.user_for_token("not-a-token") is None


def test_it_notes_the_last_use_at_most_once_a_minute(user: User) -> None:
    token, secret = services.create_token(user, "script")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.user_for_token(secret)
    first = every_row(AccessToken).get(pk=token.pk).last_used_at
    assert first == start
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        services.user_for_token(secret)
    assert every_row(AccessToken).get(pk=token.pk).last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        services.user_for_token(secret)
    assert every_row(AccessToken).get(pk=token.pk).last_used_at == start + timedelta(seconds=61)
