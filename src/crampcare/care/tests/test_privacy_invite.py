"""The invitation page (``care:invite``) × everyone the care matrix asks: only a clinician of an
organisation sees it and invites from it; each sees only the invitations they sent; the code is
shown once, to its sender, and only its digest is kept; nothing of Olive's appears for anyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from crampcare.care import services
from crampcare.care.models import CareRelationship, Status
from crampcare.care.tests.conftest import ACTORS, SECRET_NOTE, Team, client_for

pytestmark = pytest.mark.django_db

# Eli's relationship with Olive ended, but he is still a clinician of Riverside.
CLINICIANS = {
    "their clinician",
    "same-organisation clinician",
    "other-organisation clinician",
    "clinician after the end",
}
URL = "/care/invite/"


def _client(team: Team, actor: str) -> Client:
    return client_for(team.actors()[actor])


def _invitations() -> int:
    return CareRelationship.objects.filter(status=Status.INVITED).count()


@pytest.fixture(autouse=True)
def _no_mail_yet(team: Team) -> None:
    """The team was built through invitations (each emailed): start each test with none."""
    mail.outbox.clear()


@pytest.mark.parametrize("actor", ACTORS)
def test_only_clinicians_see_the_invitation_page(team: Team, actor: str) -> None:
    response = _client(team, actor).get(URL)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    body = response.content.decode()
    assert response.status_code == (200 if actor in CLINICIANS else 403)
    assert SECRET_NOTE not in body
    assert team.person.email not in body  # Olive is in care, not invited: never listed


@pytest.mark.parametrize("actor", ACTORS)
def test_only_clinicians_invite_and_the_code_is_shown_once_to_them(
    team: Team, actor: str, django_capture_on_commit_callbacks: Any
) -> None:
    before = _invitations()
    # The email is queued when the invitation commits (a task, run at once in tests).
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(team, actor).post(URL, {"email": "Kim@Example.org"})
    if actor not in CLINICIANS:
        assert response.status_code in {302, 403}
        assert _invitations() == before
        assert not mail.outbox
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "Invitation sent to kim@example.org" in body
    sent = CareRelationship.objects.get(status=Status.INVITED, invited_email="kim@example.org")
    code = body.split('<code id="invite-code">')[1].split("</code>")[0]
    assert services.find_invitation(code) == sent  # the code shown is the one that works
    assert code not in str(sent.code_digest)  # only its digest is kept
    assert len(mail.outbox) == 1
    assert code in mail.outbox[0].body
    # Shown once: the page's next answer lists the invitation, never its code.
    again = _client(team, actor).get(URL).content.decode()
    assert "kim@example.org" in again
    assert code not in again


def test_each_clinician_sees_only_their_own_waiting_invitations(team: Team) -> None:
    services.invite(team.clinician, "kim@example.org", notify=False)
    services.invite(team.colleague, "lee@example.org", notify=False)
    tess = _client(team, "their clinician").get(URL).content.decode()
    cleo = _client(team, "same-organisation clinician").get(URL).content.decode()
    assert "kim@example.org" in tess
    assert "lee@example.org" not in tess
    assert "lee@example.org" in cleo
    assert "kim@example.org" not in cleo


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("", "This field is required."),
        ("tess@example.org", "You cannot invite yourself."),
        ("olive@example.org", "This person is already in your care."),
    ],
)
def test_a_bad_invitation_is_named_and_nothing_is_sent(
    team: Team, email: str, message: str
) -> None:
    email = {"tess@example.org": team.clinician.email, "olive@example.org": team.person.email}.get(
        email, email
    )
    before = _invitations()
    response = _client(team, "their clinician").post(URL, {"email": email})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _invitations() == before
    assert not mail.outbox


def test_a_clinician_of_two_organisations_chooses_one(team: Team) -> None:
    services.add_member(team.admin, team.northside, team.clinician, "clinician")
    client = _client(team, "their clinician")
    missing = client.post(URL, {"email": "kim@example.org"})
    assert missing.status_code == 400
    assert "Choose the organisation you invite them for." in missing.content.decode()
    chosen = client.post(URL, {"email": "kim@example.org", "organisation_id": team.northside.pk})
    assert chosen.status_code == 200
    sent = CareRelationship.objects.get(status=Status.INVITED, invited_email="kim@example.org")
    assert sent.organisation == team.northside
