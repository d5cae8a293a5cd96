"""An account made without signing up (createsuperuser, the demo) has its sign-in address as
allauth keeps it from the start, so allauth's email page never adds it while being read."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import connection
from django.test import Client

from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db


def _addresses(user: User) -> list[tuple[str, bool, bool]]:
    return list(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified"))


def test_it_keeps_the_address_of_an_account_made_without_signing_up(user: User) -> None:
    assert _addresses(user) == [("owner@example.org", False, False)]


def test_the_email_page_shows_the_address_without_adding_it(
    owner_client: Client, user: User
) -> None:
    page = owner_client.get("/accounts/email/").content.decode()

    assert "owner@example.org" in page
    assert _addresses(user) == [("owner@example.org", False, False)]


def test_the_migration_adds_the_addresses_missing_and_only_those(
    user: User, other_user: User
) -> None:
    EmailAddress.objects.filter(user=user).delete()
    migration = import_module("crampcare.accounts.migrations.0004_email_addresses")
    editor = SimpleNamespace(connection=connection)

    migration.add_missing(apps, editor)
    migration.add_missing(apps, editor)

    assert _addresses(user) == [("owner@example.org", False, False)]
    assert _addresses(other_user) == [("stranger@example.org", False, False)]
