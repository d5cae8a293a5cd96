"""Organisations, memberships, invitations and their codes, through the care services."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models.query import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crampcare.background import seal
from crampcare.care import services
from crampcare.care.models import CareRelationship, Organisation, Role, Status
from crampcare.care.tests.conftest import SECRET_NOTE, Team, bring_in, client_for
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


# -- organisations and members --------------------------------------------------------------------


def test_only_staff_create_organisations_and_become_their_admin(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        services.create_organisation(team.clinician, "Mine", Organisation.Kind.CLINIC)
    assert services.is_admin(team.admin, team.riverside)
    assert not services.is_admin(team.clinician, team.riverside)


def test_an_organisation_needs_a_name_and_a_known_kind(team: Team) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_organisation(team.admin, "  ", "guild")
    assert set(error.value.message_dict) == {"name", "kind"}


def test_only_an_admin_adds_members_and_each_role_once(team: Team) -> None:
    newcomer = make_user("newcomer@example.org")
    with pytest.raises(PermissionDenied):
        services.add_member(team.clinician, team.riverside, newcomer, Role.CLINICIAN)
    services.add_member(team.admin, team.riverside, newcomer, Role.CLINICIAN)
    with pytest.raises(ValidationError):
        services.add_member(team.admin, team.riverside, newcomer, Role.CLINICIAN)
    # Several roles, several organisations.
    services.add_member(team.admin, team.riverside, newcomer, Role.ADMIN)
    services.add_member(team.admin, team.northside, newcomer, Role.CLINICIAN)
    assert set(services.clinician_organisations(newcomer)) == {team.riverside, team.northside}


# -- invitations ----------------------------------------------------------------------------------


def test_an_invitation_emails_a_code_and_a_link_and_nothing_about_health(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        invitation = services.invite(team.clinician, "New.Person@Example.org ")
    assert len(queued) == 1  # the email is a task, queued when the invitation commits
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}", invitation.code)
    assert invitation.link.endswith(f"/care/accept/?code={invitation.code}")
    (message,) = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert "Tess" in message.subject
    assert invitation.code in message.body
    assert invitation.link in message.body
    assert "Riverside Physio" in message.body
    text = f"{message.subject} {message.body}".lower()
    for word in ("diary", "episode", "severity", "pain", "red flag", "medicine", SECRET_NOTE):
        assert word not in text
    # Only a digest of the code is kept.
    stored = CareRelationship.objects.get(pk=invitation.relationship.pk)
    assert invitation.code not in str(stored.__dict__)


def test_a_code_works_once(team: Team) -> None:
    invitation = services.invite(team.colleague, "someone@example.org")
    services.accept(team.stranger, invitation.code)
    with pytest.raises(ValidationError) as error:
        services.accept(make_user("third@example.org"), invitation.code)
    assert "not valid" in str(error.value)
    assert services.find_invitation(invitation.code) is None


def test_a_code_expires_after_fourteen_days(team: Team) -> None:
    invitation = services.invite(team.colleague, "someone@example.org")
    later = timezone.now() + timedelta(days=services.INVITATION_DAYS)
    with time_machine.travel(later - timedelta(minutes=1)):
        assert services.find_invitation(invitation.code) is not None
    with time_machine.travel(later + timedelta(minutes=1)), pytest.raises(ValidationError):
        services.accept(team.stranger, invitation.code)
    relationship = CareRelationship.objects.get(pk=invitation.relationship.pk)
    assert relationship.status == Status.INVITED
    assert relationship.person is None


def test_a_code_is_read_whatever_its_case_and_dashes(team: Team) -> None:
    invitation = services.invite(team.colleague, "someone@example.org")
    typed = " " + invitation.code.replace("-", "").lower() + " "
    assert services.accept(team.stranger, typed).status == Status.ACTIVE


def test_unknown_and_empty_codes_are_refused_alike(team: Team) -> None:
    for code in ("", "-----", "AAAAA-AAAAA"):
        with pytest.raises(ValidationError) as error:
            services.accept(team.stranger, code)
        assert error.value.message_dict == {
            "code": ["This code is not valid. It may have expired or been used."]
        }


def test_inviting_the_same_address_again_withdraws_the_first_code(team: Team) -> None:
    first = services.invite(team.colleague, "someone@example.org")
    second = services.invite(team.colleague, "someone@example.org")
    with pytest.raises(ValidationError):
        services.accept(team.stranger, first.code)
    withdrawn = CareRelationship.objects.get(pk=first.relationship.pk)
    assert (withdrawn.status, withdrawn.ended_by) == (Status.ENDED, team.colleague)
    assert services.accept(team.stranger, second.code).status == Status.ACTIVE


def test_a_withdrawn_invitation_cannot_be_accepted(team: Team) -> None:
    invitation = services.invite(team.colleague, "someone@example.org")
    services.end(team.colleague, invitation.relationship.pk)
    with pytest.raises(ValidationError):
        services.accept(team.stranger, invitation.code)


def test_nobody_is_in_the_same_clinicians_care_twice(team: Team) -> None:
    with pytest.raises(ValidationError, match="already in your care"):
        services.invite(team.clinician, team.person.email)
    # An invitation to another of her addresses, accepted by her, is refused too.
    invitation = services.invite(team.clinician, "olive.other@example.org")
    with pytest.raises(ValidationError, match="already in this clinician"):
        services.accept(team.person, invitation.code)
    assert CareRelationship.objects.get(pk=invitation.relationship.pk).status == Status.INVITED


def test_after_an_end_the_same_pair_may_start_again(team: Team) -> None:
    services.end(team.person, team.relationship.pk)
    again = bring_in(team.clinician, team.person)
    assert again.status == Status.ACTIVE
    assert [found.pk for found in services.readers(team.person)] == [again.pk]


def test_invitations_need_a_clinician_a_valid_address_and_their_organisation(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        services.invite(team.person, "someone@example.org")
    with pytest.raises(ValidationError) as error:
        services.invite(team.clinician, "not an address")
    assert set(error.value.message_dict) == {"email"}
    with pytest.raises(ValidationError, match="yourself"):
        services.invite(team.clinician, team.clinician.email.upper())
    with pytest.raises(ValidationError) as error:
        services.invite(team.clinician, "someone@example.org", team.northside.pk)
    assert set(error.value.message_dict) == {"organisation_id"}
    services.add_member(team.admin, team.northside, team.clinician, Role.CLINICIAN)
    with pytest.raises(ValidationError, match="several organisations"):
        services.invite(team.clinician, "someone@example.org")
    made = services.invite(team.clinician, "someone@example.org", team.northside.pk)
    assert made.relationship.organisation == team.northside


def test_the_api_names_each_bad_field(team: Team) -> None:
    client = client_for(team.clinician)
    response = client.post(
        "/api/v1/care/invitations",
        {"email": "nope", "organisation_id": "1"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["organisation_id"]
    response = client.post(
        "/api/v1/care/invitations", {"email": "nope"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email"]
    response = client_for(team.stranger).post(
        "/api/v1/care/invitations/accept", {"code": "x" * 33}, content_type="application/json"
    )
    assert response.status_code == 422


def test_a_person_sees_invitations_to_their_address_until_they_expire(team: Team) -> None:
    services.invite(team.colleague, team.stranger.email.upper())
    page = client_for(team.stranger).get("/care/people/").content.decode()
    assert "Cleo" in page
    assert "Riverside Physio" in page
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert list(services.pending_invitations(team.stranger)) == []


def test_the_accept_page_names_the_clinician_before_the_person_says_yes(team: Team) -> None:
    invitation = services.invite(team.outsider, "invitee@example.org")
    client = client_for(team.stranger)
    page = client.get("/care/accept/", {"code": invitation.code}).content.decode()
    assert "Bo" in page
    assert "Northside Health" in page
    assert CareRelationship.objects.get(pk=invitation.relationship.pk).status == Status.INVITED
    wrong = client.get("/care/accept/", {"code": "AAAAA-AAAAA"}).content.decode()
    assert "This code is not valid" in wrong


def test_guessing_codes_is_rate_limited(team: Team) -> None:
    client = client_for(team.stranger)
    answers = [client.post("/care/accept/", {"code": "AAAAA-AAAAA"}).status_code for _ in range(11)]
    assert answers[:10] == [400] * 10
    assert answers[10] == 429
    api = client.post(
        "/api/v1/care/invitations/accept", {"code": "AAAAA-AAAAA"}, content_type="application/json"
    )
    assert api.status_code == 429


# -- lists ----------------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the first page of a session fills caches; count a settled request
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_patient_list_and_page_take_the_same_queries_for_any_number(team: Team) -> None:
    client = client_for(team.clinician)
    one = (_queries(client, "/api/v1/care/patients"), _queries(client, "/care/"))
    for number in range(5):
        bring_in(team.clinician, make_user(f"patient{number}@example.org"))
    six = (_queries(client, "/api/v1/care/patients"), _queries(client, "/care/"))
    assert one == six
    assert client.get("/api/v1/care/patients").json()["count"] == 6


def test_readers_lists_who_can_see_a_persons_data(team: Team) -> None:
    bring_in(team.outsider, team.person)
    found = services.readers(team.person)
    assert isinstance(found, QuerySet)
    assert [(r.clinician, r.organisation) for r in found] == [
        (team.clinician, team.riverside),
        (team.outsider, team.northside),
    ]
    assert [r.clinician for r in services.past_relationships(team.person)] == [team.former]


def test_a_queued_invitation_keeps_its_code_sealed_and_is_not_sent_once_withdrawn(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = services.invite(team.colleague, "someone@example.org")
        services.invite(team.colleague, "someone@example.org")  # replaces the first
    assert len(queued) == 2
    sealed = seal(first.code)
    assert first.code not in sealed
    # The first invitation's task, run late: its code no longer opens anything, so no email.
    assert services.send_invitation.call(first.relationship.pk, sealed) is False
    assert not mail.outbox
    with pytest.raises(ValueError, match="sealed"):
        services.send_invitation.call(first.relationship.pk, "forged")
