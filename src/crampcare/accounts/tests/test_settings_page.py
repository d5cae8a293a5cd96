from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts import services
from crampcare.accounts.models import AccessToken, User
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db


def test_it_saves_name_and_time_zone(owner_client: Client, user: User) -> None:
    response = owner_client.post(
        "/account/", {"display_name": "Liv", "time_zone": "Australia/Sydney"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == ("Liv", "Australia/Sydney")


def test_it_keeps_input_and_explains_a_bad_time_zone(owner_client: Client, user: User) -> None:
    response = owner_client.post("/account/", {"display_name": "Liv", "time_zone": "Nowhere"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert 'value="Liv"' in page
    user.refresh_from_db()
    assert user.display_name == "Olive"


def test_it_needs_the_password_to_delete_the_account(owner_client: Client, user: User) -> None:
    response = owner_client.post("/account/delete/", {"password": "wrong"})
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_it_erases_every_record_when_the_account_is_deleted(
    owner_client: Client, user: User, other_user: User
) -> None:
    services.create_token(user, "one")
    services.create_token(other_user, "theirs")
    response = owner_client.post("/account/delete/", {"password": "correct horse battery staple"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert every_row(AccessToken).count() == 1
    assert owner_client.get("/account/").status_code == 302


def test_it_links_to_downloading_and_importing_your_data(owner_client: Client) -> None:
    page = owner_client.get("/account/").content.decode()
    assert 'href="/diary/data/export.zip"' in page
    assert 'href="/diary/data/export.json"' in page
    assert 'href="/diary/data/"' in page
