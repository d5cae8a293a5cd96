from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from crampcare.testing.browser import browser, dark_page, page  # noqa: F401 - fixtures

if TYPE_CHECKING:
    from django.test import Client

    from crampcare.accounts.models import User

# Imports of Django models stay inside fixtures so pure-logic tests also run without Django.


@pytest.fixture(autouse=True)
def _fresh_onboarding_state() -> Iterator[None]:
    # "Has anyone signed up yet?" is cached per process; each test starts from its own database.
    from crampcare.accounts import onboarding

    onboarding.forget()
    yield
    onboarding.forget()


@pytest.fixture
def user(db: None) -> User:
    from crampcare.testing.builders import make_user

    return make_user("owner@example.org", display_name="Olive")


@pytest.fixture
def other_user(db: None) -> User:
    from crampcare.testing.builders import make_user

    return make_user("stranger@example.org", display_name="Sam")


@pytest.fixture
def owner_client(user: User) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stranger_client(other_user: User) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(other_user)
    return client
