"""The authorisation matrix of the organisation pages, the roster, the coverage check and
enrolment: every route × the team's eight actors × its actions.

Only an admin of the organisation (Ada) lists, reads, adds, removes, assigns and uploads; every
other signed-in actor gets 404 for its id (the list shows them nothing), changes nothing, and
sees nothing of Olive's. Even Ada, who sees that Olive is a member and who follows her, never
sees her health data (her diary note). Nothing here reads health data, so no cell leaves an
audit record. The coverage check and enrolment are open to everyone and answer only what was
typed.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from crampcare.care import coverage, organisations
from crampcare.care.models import AuditRecord, CareRelationship, Membership, Role, RosterEntry
from crampcare.care.tests.conftest import ACTORS, SECRET_NOTE, Team, client_for
from crampcare.testing.builders import make_user
from crampcare.testing.mfa import set_up_app

pytestmark = pytest.mark.django_db

ADMIN = "organisation admin"
SIGN_IN = "/accounts/login/"
OLIVE_BORN = "1961-07-14"
ROSTER = (
    "email,member_id,name,date_of_birth\n"
    f"owner@example.org,RP-001,Olive Roster,{OLIVE_BORN}\n"
    ",RP-002,Walter Roster,1950-02-03\n"
)


@pytest.fixture
def rostered(team: Team) -> Team:
    report = organisations.upload_roster(
        team.admin, team.riverside.pk, io.BytesIO(ROSTER.encode()), len(ROSTER)
    )
    assert report.saved, report.problems
    return team


def _client(team: Team, actor: str) -> Client:
    return client_for(team.actors()[actor])


def _no_health_data(body: str) -> None:
    assert SECRET_NOTE not in body


def _olive_absent(team: Team, body: str) -> None:
    _no_health_data(body)
    assert team.person.email not in body
    assert "Olive" not in body
    assert OLIVE_BORN not in body


def _log_size(team: Team) -> int:
    return AuditRecord.objects.for_user(team.person).count()


def _refused(team: Team, actor: str, response: object, *, api: bool) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    if actor == "anonymous":
        if api:
            assert status == 401
        else:
            assert status == 302
            assert response["Location"].startswith(SIGN_IN)  # type: ignore[index]
        return
    assert status == 404
    _olive_absent(team, response.content.decode())  # type: ignore[attr-defined]


def _state() -> tuple[object, ...]:
    return (
        sorted(Membership.objects.values_list("organisation", "user", "role")),
        sorted(CareRelationship.objects.values_list("pk", "status")),
        sorted(RosterEntry.objects.values_list("organisation", "email", "member_id")),
    )


# -- the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_the_list_of_organisations_shows_an_admin_theirs_and_nobody_else_any(
    rostered: Team, actor: str
) -> None:
    team = rostered
    response = _client(team, actor).get("/care/organisations/")
    if actor == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    page = response.content.decode()
    if actor == ADMIN:
        assert "Riverside Physio" in page
        assert "Northside Health" in page
        assert f"/care/organisations/{team.riverside.pk}/" in page
        assert "2 on the roster" in page
    else:
        assert "You are not an admin of any organisation" in page
        assert "Riverside Physio" not in page
        assert "on the roster" not in page
    _olive_absent(team, page)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_reads_the_organisation_page(rostered: Team, actor: str) -> None:
    team = rostered
    before = _log_size(team)
    response = _client(team, actor).get(f"/care/organisations/{team.riverside.pk}/")
    if actor == ADMIN:
        assert response.status_code == 200
        page = response.content.decode()
        # Who is a member, with which role, and who follows whom: yes. Health data: never.
        for name in ("Olive", "Sam", "Tess", "Cleo", "Eli", "Ada"):
            assert name in page
        assert team.person.email in page
        assert "Follows:" in page
        assert f'href="/care/organisations/{team.riverside.pk}/outcomes/"' in page
        _no_health_data(page)
        assert OLIVE_BORN not in page  # the roster's dates of birth stay on the roster page
    else:
        _refused(team, actor, response, api=False)
    assert _log_size(team) == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_adds_a_member(team: Team, actor: str) -> None:
    newcomer = make_user("nora@example.org", display_name="Nora")
    before = _state()
    response = _client(team, actor).post(
        f"/care/organisations/{team.riverside.pk}/members/",
        {"email": "NORA@example.org ", "role": Role.CLINICIAN},
    )
    added = Membership.objects.filter(organisation=team.riverside, user=newcomer)
    if actor == ADMIN:
        assert response.status_code == 302
        assert response["Location"] == f"/care/organisations/{team.riverside.pk}/"
        assert list(added.values_list("role", flat=True)) == [Role.CLINICIAN]
        return
    _refused(team, actor, response, api=False)
    assert not added.exists()
    assert _state() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_removes_a_role(team: Team, actor: str) -> None:
    sams = Membership.objects.get(organisation=team.riverside, user=team.stranger)
    url = f"/care/organisations/{team.riverside.pk}/members/{sams.pk}/remove/"
    client = _client(team, actor)
    shown = client.get(url)
    before = _state()
    posted = client.post(url)
    if actor == ADMIN:
        assert shown.status_code == 200
        assert "Remove Sam as member of Riverside Physio?" in shown.content.decode()
        assert posted.status_code == 302
        assert not Membership.objects.filter(pk=sams.pk).exists()
        return
    _refused(team, actor, shown, api=False)
    _refused(team, actor, posted, api=False)
    assert _state() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_assigns_a_member_to_a_clinician(team: Team, actor: str) -> None:
    before = _state()
    response = _client(team, actor).post(
        f"/care/organisations/{team.riverside.pk}/assign/",
        {"person_id": team.stranger.pk, "clinician_id": team.colleague.pk},
    )
    made = CareRelationship.objects.filter(
        clinician=team.colleague, invited_email=team.stranger.email
    )
    if actor == ADMIN:
        assert response.status_code == 302
        relationship = made.get()
        # An invitation only: Cleo sees nothing of Sam's until he accepts.
        assert (relationship.status, relationship.person) == ("invited", None)
        assert relationship.organisation == team.riverside
        return
    _refused(team, actor, response, api=False)
    assert not made.exists()
    assert _state() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_sees_and_uploads_the_roster(rostered: Team, actor: str) -> None:
    team = rostered
    url = f"/care/organisations/{team.riverside.pk}/roster/"
    client = _client(team, actor)
    shown = client.get(url)
    before = _state()
    new = "email,name,date_of_birth\nnew.person@example.org,New Person,1970-01-01\n"
    posted = client.post(url, {"roster": SimpleUploadedFile("r.csv", new.encode(), "text/csv")})
    if actor == ADMIN:
        assert shown.status_code == 200
        page = shown.content.decode()
        assert OLIVE_BORN in page  # admins see the roster they uploaded
        assert "Olive Roster" in page
        _no_health_data(page)
        assert posted.status_code == 302
        assert list(
            RosterEntry.objects.filter(organisation=team.riverside).values_list("email", flat=True)
        ) == ["new.person@example.org"]
        return
    _refused(team, actor, shown, api=False)
    _refused(team, actor, posted, api=False)
    assert "Olive Roster" not in shown.content.decode()
    assert _state() == before


def test_an_admin_of_another_organisation_and_a_missing_id_get_the_same_404(team: Team) -> None:
    otto = make_user("otto@example.org", display_name="Otto")
    Membership.objects.create(organisation=team.northside, user=otto, role=Role.ADMIN)
    set_up_app(otto)
    client = client_for(otto)
    theirs = client.get(f"/care/organisations/{team.riverside.pk}/")
    missing = client.get("/care/organisations/999999/")
    assert theirs.status_code == missing.status_code == 404
    assert client.get(f"/care/organisations/{team.northside.pk}/").status_code == 200
    api_theirs = client.get(f"/api/v1/care/organisations/{team.riverside.pk}")
    api_missing = client.get("/api/v1/care/organisations/999999")
    assert api_theirs.status_code == api_missing.status_code == 404
    assert api_theirs.json() == api_missing.json()
    # A role of another organisation, reached through one's own organisation's id: 404 too.
    sams = Membership.objects.get(organisation=team.riverside, user=team.stranger)
    remove = client.post(f"/care/organisations/{team.northside.pk}/members/{sams.pk}/remove/")
    assert remove.status_code == 404
    assert Membership.objects.filter(pk=sams.pk).exists()


# -- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_the_api_lists_an_admin_their_organisations_only(rostered: Team, actor: str) -> None:
    team = rostered
    response = _client(team, actor).get("/api/v1/care/organisations")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    if actor == ADMIN:
        assert [item["name"] for item in body] == ["Northside Health", "Riverside Physio"]
        riverside = body[1]
        assert (riverside["admins"], riverside["clinicians"], riverside["members"]) == (1, 3, 2)
        assert riverside["roster_size"] == 2
    else:
        assert body == []


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_reads_the_organisation_on_the_api(rostered: Team, actor: str) -> None:
    team = rostered
    before = _log_size(team)
    response = _client(team, actor).get(f"/api/v1/care/organisations/{team.riverside.pk}")
    if actor == ADMIN:
        assert response.status_code == 200
        body = response.json()
        roles = {(item["name"], item["role"]) for item in body["people"]}
        assert ("Olive", "member") in roles
        assert ("Tess", "clinician") in roles
        assert {
            "clinician_id": team.clinician.pk,
            "person_id": team.person.pk,
            "status": "active",
        } in body["follows"]
        _no_health_data(response.content.decode())
        assert OLIVE_BORN not in response.content.decode()
    else:
        _refused(team, actor, response, api=True)
    assert _log_size(team) == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_adds_and_removes_roles_on_the_api(team: Team, actor: str) -> None:
    make_user("nora@example.org", display_name="Nora")
    before = _state()
    client = _client(team, actor)
    added = client.post(
        f"/api/v1/care/organisations/{team.riverside.pk}/members",
        {"email": "nora@example.org", "role": "member"},
        content_type="application/json",
    )
    sams = Membership.objects.get(organisation=team.riverside, user=team.stranger)
    removed = client.delete(f"/api/v1/care/organisations/{team.riverside.pk}/members/{sams.pk}")
    if actor == ADMIN:
        assert added.status_code == 201
        assert added.json()["role"] == "member"
        assert removed.status_code == 204
        assert not Membership.objects.filter(pk=sams.pk).exists()
        return
    _refused(team, actor, added, api=True)
    _refused(team, actor, removed, api=True)
    assert _state() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_assigns_on_the_api(team: Team, actor: str) -> None:
    before = _state()
    response = _client(team, actor).post(
        f"/api/v1/care/organisations/{team.riverside.pk}/assignments",
        {"person_id": team.stranger.pk, "clinician_id": team.colleague.pk},
        content_type="application/json",
    )
    if actor == ADMIN:
        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["person"], body["clinician"]) == ("invited", None, "Cleo")
        assert "code" not in body  # the code goes to the member, never to the admin
        return
    _refused(team, actor, response, api=True)
    assert _state() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_admin_reads_and_uploads_the_roster_on_the_api(rostered: Team, actor: str) -> None:
    team = rostered
    client = _client(team, actor)
    url = f"/api/v1/care/organisations/{team.riverside.pk}/roster"
    shown = client.get(url)
    before = _state()
    new = "member_id,name,date_of_birth\nX-9,Xavier,1980-05-05\n"
    posted = client.post(url, {"roster": SimpleUploadedFile("r.csv", new.encode(), "text/csv")})
    if actor == ADMIN:
        assert shown.status_code == 200
        body = shown.json()
        assert body["count"] == 2
        assert body["items"][0]["date_of_birth"] == OLIVE_BORN
        _no_health_data(shown.content.decode())
        assert posted.status_code == 200
        assert posted.json()["entries"] == 1
        return
    _refused(team, actor, shown, api=True)
    _refused(team, actor, posted, api=True)
    assert _state() == before


# -- the coverage check and enrolment: open to all, answering only what was typed ---------------


@pytest.mark.parametrize("actor", ACTORS)
def test_anyone_may_check_cover_and_a_miss_reveals_nothing(rostered: Team, actor: str) -> None:
    team = rostered
    client = _client(team, actor)
    page = client.post(
        "/coverage/", {"identifier": "owner@example.org", "date_of_birth": "1961-07-15"}
    )
    assert page.status_code == 200
    assert "Not confirmed" in page.content.decode()
    assert "Riverside" not in page.content.decode()
    _no_health_data(page.content.decode())
    api = client.post(
        "/api/v1/coverage/check",
        {"identifier": "RP-002", "date_of_birth": "1950-02-03"},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert api.json()["covered"] is True
    assert [offer["organisation"] for offer in api.json()["offers"]] == ["Riverside Physio"]
    _olive_absent(team, api.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_enrolling_needs_an_account_and_makes_only_the_enroller_a_member(
    rostered: Team, actor: str
) -> None:
    team = rostered
    token = coverage.check("RP-002", date(1950, 2, 3)).offers[0].token
    client = _client(team, actor)
    before = _state()
    api = client.post("/api/v1/coverage/enrol", {"token": token}, content_type="application/json")
    page = client.post("/coverage/enrol/", {"token": token})
    entry = RosterEntry.objects.get(member_id="RP-002")
    if actor == "anonymous":
        assert api.status_code == 401
        assert page.status_code == 302
        assert page["Location"] == "/coverage/enrol/"
        assert _state() == before
        assert entry.enrolled_user is None
        return
    user = team.actors()[actor]
    assert api.status_code == 200
    assert api.json()["organisation"] == "Riverside Physio"
    assert page.status_code == 200  # the second time: nothing new, still enrolled
    assert entry.enrolled_user == user
    assert Membership.objects.filter(
        organisation=team.riverside, user=user, role=Role.MEMBER
    ).exists()
    if actor != "person":
        _olive_absent(team, api.content.decode() + page.content.decode())
