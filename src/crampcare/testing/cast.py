"""The people a test is about, each named by their part, so a test says whose data it reads.

- the **owner** (Olive): the person whose records the test is about;
- a **teammate** (Tess): another person on the same install, the kind a care team's grant will
  name (a reader of the owner's records once a ``ReaderAccess`` grants it; with none, as today,
  nobody to them);
- a **stranger** (Sam): another person on the same install, never granted anything.

``conftest.py`` gives each as a fixture (``owner``, ``teammate``, ``stranger``, and signed-in
clients ``owner_client``, ``teammate_client``, ``stranger_client``); ``user`` and ``other_user``
are the owner and the stranger under their older names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from crampcare.accounts.models import User
from crampcare.testing.builders import make_user

OWNER_EMAIL = "owner@example.org"
TEAMMATE_EMAIL = "teammate@example.org"
STRANGER_EMAIL = "stranger@example.org"


def make_owner() -> User:
    return make_user(OWNER_EMAIL, display_name="Olive")


def make_teammate() -> User:
    return make_user(TEAMMATE_EMAIL, display_name="Tess")


def make_stranger() -> User:
    return make_user(STRANGER_EMAIL, display_name="Sam")


def signed_in(person: User) -> Client:
    """A test client signed in as ``person``."""
    client = Client()
    client.force_login(person)
    return client


@dataclass(frozen=True)
class Cast:
    owner: User
    teammate: User
    stranger: User

    @property
    def others(self) -> tuple[User, User]:
        """Everyone who is not the owner: neither may read the owner's records unless granted."""
        return self.teammate, self.stranger
