"""Two-step sign-in is required of clinicians and organisation admins on every care route.

Without an authenticator app, a clinician or admin is sent to set one up from every care page
and gets a 403 saying why from every care API route, with their session or their personal
access token; nothing is read, written or audited. With the app they get the route's own
answer (the authorisation matrix, test_privacy.py, runs with it). A person with no such role is
never asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from crampcare.accounts.models import User
from crampcare.accounts.services import create_token
from crampcare.care import messaging, services
from crampcare.care.models import (
    AuditRecord,
    CareRelationship,
    Membership,
    Message,
    Role,
    Thread,
)
from crampcare.care.tests.conftest import Team, bring_in
from crampcare.care.tests.test_privacy import OWNER_SCOPED_ROUTES
from crampcare.testing.builders import PASSWORD, make_user
from crampcare.testing.cast import signed_in
from crampcare.testing.mfa import set_up_app

pytestmark = pytest.mark.django_db

SET_UP = "/accounts/2fa/totp/activate/"
REQUIRED = "Two-step sign-in is required for clinicians and organisation admins."
THEN = "Turn it on in your account (Two-step sign-in), then try again."


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # {person}, {relationship}, {thread}, {organisation}, {membership}: from the team


ROUTES = [
    Route("care:index", "get", "/care/"),
    Route("care:invite", "get", "/care/invite/"),
    Route("care:invite", "post", "/care/invite/"),
    Route("care:people", "get", "/care/people/"),
    Route("care:access_log", "get", "/care/access-log/"),
    Route("care:accept", "get", "/care/accept/"),
    Route("care:accept", "post", "/care/accept/"),
    Route("care:end_relationship", "get", "/care/relationships/{relationship}/end/"),
    Route("care:end_relationship", "post", "/care/relationships/{relationship}/end/"),
    Route("api:care_patients", "get", "/api/v1/care/patients"),
    Route("api:care_patient_episodes", "get", "/api/v1/care/patients/{person}/episodes"),
    Route("api:care_invite", "post", "/api/v1/care/invitations"),
    Route("api:care_accept_invitation", "post", "/api/v1/care/invitations/accept"),
    Route("api:care_end_relationship", "post", "/api/v1/care/relationships/{relationship}/end"),
    Route("api:my_access_log", "get", "/api/v1/me/access-log"),
    Route("care:patient", "get", "/care/patients/{person}/"),
    Route("care:reports", "get", "/care/reports/"),
    Route("care:reports", "post", "/care/reports/"),
    Route("care:reports_progress", "get", "/care/reports/1/"),
    Route("care:reports_download", "get", "/care/reports/1/download/"),
    Route("api:care_patient_assessments", "get", "/api/v1/care/patients/{person}/assessments"),
    Route("api:care_patient_checkins", "get", "/api/v1/care/patients/{person}/checkins"),
    Route("api:care_patient_plan", "get", "/api/v1/care/patients/{person}/plan"),
    Route("api:care_patient_insights", "get", "/api/v1/care/patients/{person}/insights"),
    Route("care:tailor", "get", "/care/patients/{person}/plan/"),
    Route("care:tailor", "post", "/care/patients/{person}/plan/"),
    Route("care:tailor_clearance", "post", "/care/patients/{person}/plan/clearance/"),
    Route("api:care_patient_plan_change", "post", "/api/v1/care/patients/{person}/plan/changes"),
    Route("api:care_patient_clearance", "post", "/api/v1/care/patients/{person}/plan/clearance"),
    Route("care:messages", "get", "/care/messages/"),
    Route("care:new_thread", "get", "/care/messages/new/"),
    Route("care:new_thread", "post", "/care/messages/new/"),
    Route("care:message_email", "post", "/care/messages/email/"),
    Route("care:thread", "get", "/care/messages/{thread}/"),
    Route("care:thread", "post", "/care/messages/{thread}/"),
    Route("api:care_threads", "get", "/api/v1/care/threads"),
    Route("api:care_start_thread", "post", "/api/v1/care/threads"),
    Route("api:care_thread", "get", "/api/v1/care/threads/{thread}"),
    Route("api:care_reply", "post", "/api/v1/care/threads/{thread}/messages"),
    Route("care:outcomes", "get", "/care/organisations/{organisation}/outcomes/"),
    Route(
        "api:care_organisation_outcomes",
        "get",
        "/api/v1/care/organisations/{organisation}/outcomes",
    ),
    Route("care:organisations", "get", "/care/organisations/"),
    Route("care:organisation", "get", "/care/organisations/{organisation}/"),
    Route("care:organisation_add_member", "post", "/care/organisations/{organisation}/members/"),
    Route(
        "care:organisation_remove_member",
        "post",
        "/care/organisations/{organisation}/members/{membership}/remove/",
    ),
    Route("care:organisation_assign", "post", "/care/organisations/{organisation}/assign/"),
    Route("care:organisation_roster", "get", "/care/organisations/{organisation}/roster/"),
    Route("api:care_organisations", "get", "/api/v1/care/organisations"),
    Route("api:care_organisation", "get", "/api/v1/care/organisations/{organisation}"),
    Route(
        "api:care_organisation_add_member",
        "post",
        "/api/v1/care/organisations/{organisation}/members",
    ),
    Route(
        "api:care_organisation_remove_member",
        "delete",
        "/api/v1/care/organisations/{organisation}/members/{membership}",
    ),
    Route(
        "api:care_organisation_assign",
        "post",
        "/api/v1/care/organisations/{organisation}/assignments",
    ),
    Route(
        "api:care_organisation_roster", "get", "/api/v1/care/organisations/{organisation}/roster"
    ),
    Route(
        "api:care_organisation_upload_roster",
        "post",
        "/api/v1/care/organisations/{organisation}/roster",
    ),
]
API_ROUTES = [route for route in ROUTES if route.path.startswith("/api/")]
BODIES = {
    "/care/invite/": {"email": "new.person@example.org"},
    "/api/v1/care/invitations": {"email": "new.person@example.org"},
    "/api/v1/care/invitations/accept": {"code": "AAAAA-BBBBB"},
    "/api/v1/care/threads": {"relationship_id": 1, "subject": "Hello", "body": "Hello"},
}


def test_the_list_covers_every_care_route() -> None:
    assert {route.name for route in ROUTES} == OWNER_SCOPED_ROUTES


@pytest.fixture
def newcomer(team: Team) -> User:
    """Nia: a clinician of Riverside with Olive in her care, who has not set up the app yet."""
    nia = make_user("nia@example.org", display_name="Nia")
    services.add_member(team.admin, team.riverside, nia, Role.CLINICIAN)
    set_up_app(nia)
    relationship = bring_in(nia, team.person)
    messaging.start_thread(team.person, relationship.pk, "For Nia", "A message for Nia")
    Authenticator.objects.filter(user=nia).delete()  # as if she turned it off again
    return nia


@pytest.fixture
def new_admin(team: Team) -> User:
    """Otto: an admin of Northside, without the app."""
    otto = make_user("otto@example.org", display_name="Otto")
    services.add_member(team.admin, team.northside, otto, Role.ADMIN)
    return otto


def _call(client: Client, route: Route, team: Team, **headers: str) -> object:
    thread = Thread.objects.for_user(team.person).values_list("pk", flat=True).first() or 0
    # The outcomes routes ask about Northside (Otto's); the other organisation routes about
    # Riverside, where Olive is a member.
    organisation = team.northside if "/outcomes" in route.path else team.riverside
    path = route.path.format(
        person=team.person.pk,
        relationship=team.relationship.pk,
        thread=thread,
        organisation=organisation.pk,
        membership=Membership.objects.get(organisation=team.riverside, user=team.person).pk,
    )
    if route.method == "get":
        return client.get(path, headers=headers)
    if route.method == "delete":
        return client.delete(path, headers=headers)
    body = BODIES.get(path, {})
    if path.startswith("/api/"):
        return client.post(path, body, content_type="application/json", headers=headers)
    return client.post(path, body, headers=headers)


def _state(team: Team) -> tuple[list[tuple[int, str]], int, int]:
    relationships = list(CareRelationship.objects.order_by("pk").values_list("pk", "status"))
    audit = AuditRecord.objects.for_user(team.person).count()
    return relationships, audit, Message.objects.for_user(team.person).count()
    memberships = Membership.objects.count()
    return relationships, AuditRecord.objects.for_user(team.person).count(), memberships


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_a_clinician_or_admin_without_the_app_is_stopped_on_every_route(
    team: Team, newcomer: User, new_admin: User, route: Route, who: str
) -> None:
    user = newcomer if who == "clinician" else new_admin
    before = _state(team)
    response = _call(signed_in(user), route, team)
    if route.path.startswith("/api/"):
        assert response.status_code == 403  # type: ignore[attr-defined]
        assert response.json() == {"detail": f"{REQUIRED} {THEN}"}  # type: ignore[attr-defined]
    else:
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert response["Location"] == SET_UP  # type: ignore[index]
    assert _state(team) == before


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_a_clinicians_token_is_refused_without_the_app(
    team: Team, newcomer: User, route: Route
) -> None:
    _, secret = create_token(newcomer, "script")
    before = _state(team)
    response = _call(Client(), route, team, authorization=f"Bearer {secret}")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert REQUIRED in response.json()["detail"]  # type: ignore[attr-defined]
    assert _state(team) == before


def test_the_same_clinician_reads_her_patient_once_the_app_is_set_up(
    team: Team, newcomer: User
) -> None:
    _, secret = create_token(newcomer, "script")
    url = f"/api/v1/care/patients/{team.person.pk}/episodes"
    assert Client().get(url, headers={"authorization": f"Bearer {secret}"}).status_code == 403
    set_up_app(newcomer)
    before = AuditRecord.objects.for_user(team.person).count()
    by_token = Client().get(url, headers={"authorization": f"Bearer {secret}"})
    assert by_token.status_code == 200
    assert by_token.json()["count"] == 1
    client = signed_in(newcomer)
    assert client.get(url).status_code == 200
    page = client.get("/care/")
    assert page.status_code == 200
    assert "Olive" in page.content.decode()
    log = AuditRecord.objects.for_user(team.person)
    # Two reads of her cramps, and the dashboard's reads (each kind of record it shows, once).
    dashboard_reads = log.filter(origin="care:index").count()
    assert dashboard_reads >= 1
    assert log.count() == before + 2 + dashboard_reads


def test_the_care_page_explains_why_it_sent_her_away(team: Team, newcomer: User) -> None:
    client = signed_in(newcomer)
    response = client.get("/care/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[0] == (SET_UP, 302)
    assert REQUIRED in page
    # Changing how one signs in takes a fresh password first (allauth's reauthentication); this
    # test client's sign-in recorded none, so she confirms it, then lands on the set-up page.
    assert response.redirect_chain[1][0].startswith("/accounts/reauthenticate/?next=")
    confirmed = client.post(
        response.redirect_chain[1][0], {"password": PASSWORD, "next": SET_UP}, follow=True
    )
    assert "Set up two-step sign-in" in confirmed.content.decode()


@pytest.mark.parametrize("path", ["/care/people/", "/care/access-log/", "/care/accept/"])
def test_a_person_with_no_role_is_never_asked(team: Team, path: str) -> None:
    assert not Authenticator.objects.filter(user=team.person).exists()
    response = signed_in(team.person).get(path)
    assert response.status_code == 200


def test_a_person_with_no_role_uses_the_care_api_without_the_app(team: Team) -> None:
    client = signed_in(team.stranger)
    assert client.get("/api/v1/me/access-log").status_code == 200
    assert client.get("/api/v1/care/patients").json() == {"items": [], "count": 0}
    _, secret = create_token(team.person, "script")
    by_token = Client().get("/api/v1/me/access-log", headers={"authorization": f"Bearer {secret}"})
    assert by_token.status_code == 200


def test_a_plain_member_of_an_organisation_is_not_asked(team: Team) -> None:
    # Olive is a member of Riverside: the role that is not clinician or admin.
    assert services.is_clinician(team.person) is False
    assert signed_in(team.person).get("/care/").status_code == 200


def test_pages_outside_the_care_app_never_ask(team: Team, newcomer: User) -> None:
    client = signed_in(newcomer)
    assert client.get("/diary/").status_code == 200
    assert client.get("/account/").status_code == 200
