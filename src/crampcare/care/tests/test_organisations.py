"""Running an organisation: adding and removing roles, assigning a member to a clinician (an
invitation the member still accepts), and the organisation page's bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crampcare.care import organisations, services
from crampcare.care.models import CareRelationship, Membership, Role, Status
from crampcare.care.tests.conftest import Team, client_for
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_adding_needs_an_account_a_valid_role_and_a_role_not_held(team: Team) -> None:
    riverside = team.riverside.pk
    with pytest.raises(ValidationError) as nobody:
        organisations.add_member_by_email(team.admin, riverside, "ghost@example.org", "member")
    assert _messages(nobody) == {
        "email": [
            "Nobody with this address has an account here yet. Ask them to create one, then "
            "add them."
        ]
    }
    with pytest.raises(ValidationError) as held:
        organisations.add_member_by_email(
            team.admin, riverside, "TEAMMATE@example.org", "clinician"
        )
    assert _messages(held) == {"role": ["Tess is already a clinician here."]}
    with pytest.raises(ValidationError) as bad_role:
        organisations.add_member_by_email(team.admin, riverside, "bo@example.org", "owner")
    assert "role" in _messages(bad_role)
    with pytest.raises(ValidationError) as bad_email:
        organisations.add_member_by_email(team.admin, riverside, "not an address", "member")
    assert _messages(bad_email) == {"email": ["Enter a valid email address."]}
    # A second role is fine: Tess may also run the clinic.
    added = organisations.add_member_by_email(
        team.admin, riverside, "teammate@example.org", "admin"
    )
    assert (added.user, added.role) == (team.clinician, Role.ADMIN)


def test_the_page_shows_the_problem_beside_the_field(team: Team) -> None:
    response = client_for(team.admin).post(
        f"/care/organisations/{team.riverside.pk}/members/",
        {"email": "ghost@example.org", "role": "member"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please check what you entered" in page
    assert "Nobody with this address has an account here yet." in page
    assert 'value="ghost@example.org"' in page  # nothing typed is lost


def test_the_only_admin_cannot_be_removed(team: Team) -> None:
    own = Membership.objects.get(organisation=team.riverside, user=team.admin, role=Role.ADMIN)
    client = client_for(team.admin)
    url = f"/care/organisations/{team.riverside.pk}/members/{own.pk}/remove/"
    refused = client.post(url)
    assert refused.status_code == 400
    assert "only admin. Add another admin first." in refused.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    api = client.delete(f"/api/v1/care/organisations/{team.riverside.pk}/members/{own.pk}")
    assert api.status_code == 422
    # With a second admin, Ada may step down (and then no longer sees the organisation).
    services.add_member(team.admin, team.riverside, team.clinician, Role.ADMIN)
    assert client.post(url).status_code == 302
    assert client.get(f"/care/organisations/{team.riverside.pk}/").status_code == 404


def test_a_clinician_who_loses_the_role_stops_seeing_their_people(team: Team) -> None:
    tess = Membership.objects.get(organisation=team.riverside, user=team.clinician)
    url = f"/api/v1/care/patients/{team.person.pk}/episodes"
    assert client_for(team.clinician).get(url).status_code == 200
    organisations.remove_membership(team.admin, team.riverside.pk, tess.pk)
    assert client_for(team.clinician).get(url).status_code == 404


def test_assigning_sends_the_clinicians_invitation_to_the_member_only(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        relationship = organisations.assign(
            team.admin, team.riverside.pk, team.stranger.pk, team.colleague.pk
        )
    assert relationship.clinician == team.colleague
    assert relationship.status == Status.INVITED
    assert relationship.person is None  # nothing is shared before Sam accepts
    (sent,) = mail.outbox
    assert sent.to == [team.stranger.email]
    assert "Cleo" in sent.body
    assert CareRelationship.objects.with_access().filter(clinician=team.colleague).count() == 0
    # Sam accepts with the emailed code; only then may Cleo read.
    code = sent.body.split("code", 1)[1]
    found = [token for token in code.split() if len(token) == 11 and token[5] == "-"]
    services.accept(team.stranger, found[0])
    assert (
        CareRelationship.objects.with_access()
        .filter(clinician=team.colleague, person=team.stranger)
        .exists()
    )


def test_assigning_needs_a_member_and_a_clinician_of_the_organisation(team: Team) -> None:
    riverside = team.riverside.pk
    with pytest.raises(ValidationError) as not_member:
        organisations.assign(team.admin, riverside, team.outsider.pk, team.colleague.pk)
    assert _messages(not_member) == {"person_id": ["Choose a member of this organisation."]}
    with pytest.raises(ValidationError) as not_clinician:
        organisations.assign(team.admin, riverside, team.stranger.pk, team.outsider.pk)
    assert _messages(not_clinician) == {
        "clinician_id": ["Choose a clinician of this organisation."]
    }
    with pytest.raises(ValidationError) as already:
        organisations.assign(team.admin, riverside, team.person.pk, team.clinician.pk)
    assert _messages(already) == {"person_id": ["Olive is already in Tess's care."]}


def test_the_organisation_page_makes_the_same_queries_whatever_its_size(team: Team) -> None:
    client = client_for(team.admin)
    url = f"/care/organisations/{team.riverside.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(15):
        person = make_user(f"p{n}@example.org", display_name=f"P{n}")
        services.add_member(team.admin, team.riverside, person, Role.MEMBER)
        organisations.assign(
            team.admin, team.riverside.pk, person.pk, team.colleague.pk, notify=False
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_invitations_to_people_who_are_not_members_are_counted_not_named(team: Team) -> None:
    services.invite(team.colleague, "outsider.person@example.org", notify=False)
    organisations.assign(team.admin, team.riverside.pk, team.stranger.pk, team.colleague.pk)
    page = client_for(team.admin).get(f"/care/organisations/{team.riverside.pk}/")
    text = page.content.decode()
    assert "outsider.person@example.org" not in text
    assert "And 1 person who is not a member here." in text
    assert "Follows: stranger@example.org" in text  # Sam, a member, invited: named
    api = client_for(team.admin).get(f"/api/v1/care/organisations/{team.riverside.pk}")
    follows = [f for f in api.json()["follows"] if f["clinician_id"] == team.colleague.pk]
    assert follows == [{"clinician_id": team.colleague.pk, "person_id": None, "status": "invited"}]


def test_the_care_team_page_links_admins_to_their_organisations(team: Team) -> None:
    assert "/care/organisations/" in client_for(team.admin).get("/care/people/").content.decode()
    assert "/care/organisations/" not in (
        client_for(team.clinician).get("/care/people/").content.decode()
    )
