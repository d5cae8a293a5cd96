"""The authorisation matrix: every care route, page and API, × everyone who might ask.

The actors (``conftest.Team.actors``): the person (Olive), another person, their clinician
(Tess, active relationship), a clinician of the same organisation without a relationship, a
clinician of another organisation, the organisations' admin, the clinician whose relationship
ended, and an anonymous visitor. Each cell asserts the status, that nothing of Olive's leaks
(her diary note, her name, her address) in the answer or its counts, and that a refused read
leaves no audit record while the one allowed read leaves exactly one.
"""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.care import services
from crampcare.care.models import AuditRecord, CareRelationship, Status
from crampcare.care.tests.conftest import ACTORS, SECRET_NOTE, Team, client_for

OWNER_SCOPED_ROUTES = {
    "care:index",
    "care:invite",  # its matrix: test_privacy_invite.py
    "care:people",
    "care:access_log",
    "care:accept",
    "care:end_relationship",
    "api:care_patients",
    "api:care_patient_episodes",
    "api:care_invite",
    "api:care_accept_invitation",
    "api:care_end_relationship",
    "api:my_access_log",
    # The dashboard's person view and its API (test_privacy_dashboard.py).
    "care:patient",
    # Reports of many people in one zip (their matrix: test_privacy_reports.py).
    "care:reports",
    "care:reports_progress",
    "care:reports_download",
    "api:care_patient_assessments",
    "api:care_patient_checkins",
    "api:care_patient_plan",
    "api:care_patient_insights",
    # Tailoring a person's plan (their matrix: test_privacy_tailoring.py).
    "care:tailor",
    "care:tailor_clearance",
    "api:care_patient_plan_change",
    "api:care_patient_clearance",
    # Messages: their matrix is in test_privacy_messages.py.
    "care:messages",
    "care:new_thread",
    "care:message_email",
    "care:thread",
    "api:care_threads",
    "api:care_start_thread",
    "api:care_thread",
    "api:care_reply",
    "care:outcomes",
    "api:care_organisation_outcomes",
    # Organisations, for their admins (test_privacy_organisations.py).
    "care:organisations",
    "care:organisation",
    "care:organisation_add_member",
    "care:organisation_remove_member",
    "care:organisation_assign",
    "care:organisation_roster",
    "api:care_organisations",
    "api:care_organisation",
    "api:care_organisation_add_member",
    "api:care_organisation_remove_member",
    "api:care_organisation_assign",
    "api:care_organisation_roster",
    "api:care_organisation_upload_roster",
}
# The coverage check and enrolment show nobody's data but the visitor's own answer
# (test_privacy_organisations.py, test_coverage.py).
PUBLIC_ROUTES: set[str] = {
    "coverage:check",
    "coverage:enrol",
    "api:coverage_check",
    "api:coverage_enrol",
}

pytestmark = pytest.mark.django_db

SIGNED_IN = [actor for actor in ACTORS if actor != "anonymous"]
# Who may see anything of Olive's on the care routes: herself and her clinician.
ENTITLED = {"person", "their clinician"}
CLINICIANS = {
    "their clinician",
    "same-organisation clinician",
    "other-organisation clinician",
    "clinician after the end",
}
SIGN_IN = "/accounts/login/"


def _client(team: Team, actor: str) -> Client:
    return client_for(team.actors()[actor])


def _olive_absent(team: Team, body: str) -> None:
    assert SECRET_NOTE not in body
    assert team.person.email not in body
    assert "Olive" not in body


def _relationship_count() -> int:
    return CareRelationship.objects.count()


def _log_size(team: Team) -> int:
    return AuditRecord.objects.for_user(team.person).count()


# -- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_the_patient_list_shows_a_clinician_only_their_people(team: Team, actor: str) -> None:
    response = _client(team, actor).get("/api/v1/care/patients")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    if actor == "their clinician":
        assert body["count"] == 1
        (item,) = body["items"]
        assert {key: item[key] for key in ("id", "name")} == {"id": team.person.pk, "name": "Olive"}
        assert item["since"]
        assert SECRET_NOTE not in response.content.decode()  # figures, not her notes
    else:
        assert body == {"items": [], "count": 0}
        _olive_absent(team, response.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_only_her_clinician_reads_her_cramps_and_each_read_is_audited(
    team: Team, actor: str
) -> None:
    before = _log_size(team)
    response = _client(team, actor).get(f"/api/v1/care/patients/{team.person.pk}/episodes")
    if actor == "their clinician":
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        assert body["items"][0]["notes"] == SECRET_NOTE
        assert _log_size(team) == before + 1
        record = AuditRecord.objects.for_user(team.person).first()
        assert record is not None
        assert (record.actor_id, record.owner_id, record.action, record.what, record.origin) == (
            team.clinician.pk,
            team.person.pk,
            "read",
            "diary.CrampEpisode",
            "api:care_patient_episodes",
        )
        return
    assert response.status_code == (401 if actor == "anonymous" else 404)
    _olive_absent(team, response.content.decode())
    assert _log_size(team) == before, "a refused read left an audit record"


def test_a_missing_person_and_an_unrelated_one_answer_alike(team: Team) -> None:
    client = client_for(team.clinician)
    unrelated = client.get(f"/api/v1/care/patients/{team.stranger.pk}/episodes")
    missing = client.get("/api/v1/care/patients/999999/episodes")
    assert unrelated.status_code == missing.status_code == 404
    assert unrelated.json() == missing.json()


@pytest.mark.parametrize("actor", ACTORS)
def test_the_access_log_is_each_persons_own(team: Team, actor: str) -> None:
    response = _client(team, actor).get("/api/v1/me/access-log")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    if actor == "person":
        # Eli read her cramps once while he was her clinician.
        assert body["count"] == 1
        (line,) = body["items"]
        assert line["who"] == "Eli"
        assert (line["action"], line["what"], line["description"]) == (
            "read",
            "diary.CrampEpisode",
            "cramps",
        )
    else:
        assert body == {"items": [], "count": 0}


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_nobody_can_delete_the_access_log(team: Team, actor: str) -> None:
    before = _log_size(team)
    response = _client(team, actor).delete("/api/v1/me/access-log")
    assert response.status_code == 405
    assert _log_size(team) == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_clinicians_invite(team: Team, actor: str) -> None:
    before = _relationship_count()
    response = _client(team, actor).post(
        "/api/v1/care/invitations",
        {"email": "new.person@example.org"},
        content_type="application/json",
    )
    if actor == "anonymous":
        assert response.status_code == 401
    elif actor in CLINICIANS:
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "invited"
        assert body["person"] is None
        assert body["code"] in body["link"]
        assert _relationship_count() == before + 1
        return
    else:
        assert response.status_code == 403
    assert _relationship_count() == before
    _olive_absent(team, response.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_anyone_signed_in_may_accept_a_code_but_not_their_own(team: Team, actor: str) -> None:
    invitation = services.invite(team.outsider, "invitee@example.org")
    response = _client(team, actor).post(
        "/api/v1/care/invitations/accept",
        {"code": invitation.code},
        content_type="application/json",
    )
    relationship = CareRelationship.objects.get(pk=invitation.relationship.pk)
    if actor == "anonymous":
        assert response.status_code == 401
        assert relationship.status == Status.INVITED
    elif actor == "other-organisation clinician":
        assert response.status_code == 422
        assert relationship.status == Status.INVITED
    else:
        assert response.status_code == 200
        assert response.json()["clinician"] == "Bo"
        assert relationship.status == Status.ACTIVE
        assert relationship.person == team.actors()[actor]
    if actor != "person":
        _olive_absent(team, response.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_two_people_end_a_relationship(team: Team, actor: str) -> None:
    url = f"/api/v1/care/relationships/{team.relationship.pk}/end"
    response = _client(team, actor).post(url)
    relationship = CareRelationship.objects.get(pk=team.relationship.pk)
    if actor in ENTITLED:
        assert response.status_code == 200
        assert response.json()["status"] == "ended"
        assert relationship.status == Status.ENDED
        assert relationship.ended_by == team.actors()[actor]
        return
    assert response.status_code == (401 if actor == "anonymous" else 404)
    assert relationship.status == Status.ACTIVE
    _olive_absent(team, response.content.decode())


# -- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_the_clinician_page_lists_only_their_people(team: Team, actor: str) -> None:
    response = _client(team, actor).get("/care/")
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
        return
    assert response.status_code == 200
    page = response.content.decode()
    if actor == "their clinician":
        assert "Olive" in page
        assert SECRET_NOTE not in page  # a list of people, not their data
    else:
        _olive_absent(team, page)
    if actor not in CLINICIANS:
        assert "This page is for clinicians" in page


@pytest.mark.parametrize("actor", ACTORS)
def test_the_care_team_page_shows_each_person_their_own(team: Team, actor: str) -> None:
    response = _client(team, actor).get("/care/people/")
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
        return
    assert response.status_code == 200
    page = response.content.decode()
    if actor == "person":
        assert "Tess" in page
        assert f"/care/relationships/{team.relationship.pk}/end/" in page
        assert "Eli" in page  # in the ended list
    else:
        _olive_absent(team, page)
        assert f"/care/relationships/{team.relationship.pk}/end/" not in page
        assert "Nobody else can see your data." in page


@pytest.mark.parametrize("actor", ACTORS)
def test_the_access_log_page_is_each_persons_own(team: Team, actor: str) -> None:
    response = _client(team, actor).get("/care/access-log/")
    if actor == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    page = response.content.decode()
    if actor == "person":
        assert "Eli" in page
        assert "looked at your cramps" in page
    else:
        assert "Nobody else has looked at your data." in page
        assert "Eli" not in page


@pytest.mark.parametrize("actor", ACTORS)
def test_the_accept_page_takes_anyones_code_but_the_inviters(team: Team, actor: str) -> None:
    invitation = services.invite(team.outsider, "invitee@example.org")
    response = _client(team, actor).post("/care/accept/", {"code": invitation.code})
    relationship = CareRelationship.objects.get(pk=invitation.relationship.pk)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
        assert relationship.status == Status.INVITED
    elif actor == "other-organisation clinician":
        assert response.status_code == 400
        assert "You cannot accept your own invitation." in response.content.decode()
        assert relationship.status == Status.INVITED
    else:
        assert response.status_code == 302
        assert response["Location"] == "/care/people/"
        assert relationship.status == Status.ACTIVE


@pytest.mark.parametrize("actor", ACTORS)
def test_the_end_page_answers_only_its_two_people(team: Team, actor: str) -> None:
    url = f"/care/relationships/{team.relationship.pk}/end/"
    client = _client(team, actor)
    shown, posted = client.get(url), client.post(url)
    relationship = CareRelationship.objects.get(pk=team.relationship.pk)
    if actor == "anonymous":
        assert shown.status_code == posted.status_code == 302
        assert relationship.status == Status.ACTIVE
    elif actor in ENTITLED:
        assert shown.status_code == 200
        assert posted.status_code == 302
        assert posted["Location"] == ("/care/people/" if actor == "person" else "/care/")
        assert relationship.status == Status.ENDED
    else:
        assert shown.status_code == posted.status_code == 404
        _olive_absent(team, shown.content.decode() + posted.content.decode())
        assert relationship.status == Status.ACTIVE
