"""A care team around the cast's owner, built through the care services.

- Olive (the cast's owner) is the person; Tess (the cast's teammate) is her clinician at
  Riverside Physio, in an active relationship; Sam (the cast's stranger) is another person.
- Cleo is a clinician of the same organisation with no relationship to Olive; Bo a clinician of
  another organisation; Ada the admin of both (and a staff member of the install); Eli a
  clinician of Riverside whose relationship with Olive has ended.
- Every clinician and admin has set up an authenticator app (two-step sign-in), which care
  routes require of them; Olive and Sam, plain members, have not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.care import services
from crampcare.care.models import CareRelationship, Organisation, Role
from crampcare.diary import services as diary
from crampcare.testing.builders import make_user
from crampcare.testing.cast import Cast, signed_in
from crampcare.testing.mfa import set_up_app

SECRET_NOTE = "olive-secret-note"
# Everyone the authorisation matrices ask, by part (``Team.actors``); "anonymous" is nobody.
ACTORS = [
    "person",
    "another person",
    "their clinician",
    "same-organisation clinician",
    "other-organisation clinician",
    "organisation admin",
    "clinician after the end",
    "anonymous",
]


@dataclass(frozen=True)
class Team:
    cast: Cast
    riverside: Organisation
    northside: Organisation
    admin: User
    colleague: User  # Cleo: same organisation as Tess, no relationship with Olive
    outsider: User  # Bo: a clinician of another organisation
    former: User  # Eli: his relationship with Olive has ended
    relationship: CareRelationship  # Tess and Olive, active
    ended: CareRelationship  # Eli and Olive

    @property
    def person(self) -> User:
        return self.cast.owner

    @property
    def clinician(self) -> User:
        return self.cast.teammate

    @property
    def stranger(self) -> User:
        return self.cast.stranger

    def actors(self) -> dict[str, User | None]:
        """Everyone the authorisation matrix asks, by part; None is an anonymous visitor."""
        return {
            "person": self.person,
            "another person": self.stranger,
            "their clinician": self.clinician,
            "same-organisation clinician": self.colleague,
            "other-organisation clinician": self.outsider,
            "organisation admin": self.admin,
            "clinician after the end": self.former,
            "anonymous": None,
        }


def bring_in(clinician: User, person: User) -> CareRelationship:
    """``clinician`` invites ``person``, who accepts: an active relationship."""
    invitation = services.invite(clinician, person.email)
    return services.accept(person, invitation.code)


def client_for(user: User | None) -> Client:
    return signed_in(user) if user is not None else Client()


@pytest.fixture
def team(cast: Cast) -> Team:
    admin = make_user("ada@example.org", display_name="Ada", is_staff=True)
    colleague = make_user("cleo@example.org", display_name="Cleo")
    outsider = make_user("bo@example.org", display_name="Bo")
    former = make_user("eli@example.org", display_name="Eli")
    riverside = services.create_organisation(admin, "Riverside Physio", Organisation.Kind.CLINIC)
    northside = services.create_organisation(
        admin, "Northside Health", Organisation.Kind.HEALTH_PLAN
    )
    for clinician in (cast.teammate, colleague, former):
        services.add_member(admin, riverside, clinician, Role.CLINICIAN)
    services.add_member(admin, northside, outsider, Role.CLINICIAN)
    for person in (cast.owner, cast.stranger):
        services.add_member(admin, riverside, person, Role.MEMBER)

    diary.create_episode(
        cast.owner, started_at=datetime(2025, 3, 1, 2, 30, tzinfo=UTC), notes=SECRET_NOTE
    )
    diary.create_episode(cast.stranger, started_at=datetime(2025, 3, 1, 3, 0, tzinfo=UTC))

    ended = bring_in(former, cast.owner)
    list(diary.episodes(former, cast.owner))  # he read her diary once, while he could
    ended = services.end(cast.owner, ended.pk)
    relationship = bring_in(cast.teammate, cast.owner)
    # Clinicians and admins must use two-step sign-in before any care route (care/security.py):
    # everyone here who holds such a role has it, so each cell tests what the role may see.
    for staff in (admin, cast.teammate, colleague, outsider, former):
        set_up_app(staff)
    return Team(cast, riverside, northside, admin, colleague, outsider, former, relationship, ended)
