"""The authorisation matrix of the dashboard's routes: the person page (care:patient), its API
(assessments, check-ins, plan, insights) and the dashboard's own reads (care:index and
api:care_patients), × the eight actors of ``conftest.Team.actors``.

Only Olive's clinician (Tess) gets her data; her reads are audited with the route's name.
Everyone else gets 404 (or the sign-in page, or 401, when anonymous), nothing of Olive's in the
answer, and no audit record. Olive herself gets 404 too: these are a clinician's routes, and she
reads her own data on her own pages.
"""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.assessment import services as assessments
from crampcare.assessment.tests.builders import answers
from crampcare.care.models import AuditRecord
from crampcare.care.tests.conftest import SECRET_NOTE, Team, client_for
from crampcare.care.tests.test_privacy import ACTORS
from crampcare.diary import services as diary
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

CHECKIN_NOTE = "olive-checkin-note"
SIGN_IN = "/accounts/login/"

# route name, path, what only Olive's clinician may see in the answer
READS = [
    ("care:patient", "/care/patients/{id}/", SECRET_NOTE),
    ("api:care_patient_assessments", "/api/v1/care/patients/{id}/assessments", "urgent"),
    ("api:care_patient_checkins", "/api/v1/care/patients/{id}/checkins", CHECKIN_NOTE),
    ("api:care_patient_plan", "/api/v1/care/patients/{id}/plan", "calf"),
    ("api:care_patient_insights", "/api/v1/care/patients/{id}/insights", "recorded_nights"),
]


@pytest.fixture
def olive(team: Team) -> Team:
    """Olive with a check that found a red flag, a morning check-in and a program."""
    person = team.person
    assessments.save_assessment(person, answers("leg_pain_at_rest").model_dump(mode="json"))
    diary.record_checkin(person, diary.last_night(person), cramp_count=2, notes=CHECKIN_NOTE)
    make_program(person)
    return team


def _log(team: Team) -> list[AuditRecord]:
    return list(AuditRecord.objects.for_user(team.person))


def _olive_absent(team: Team, body: str, secret: str) -> None:
    assert SECRET_NOTE not in body
    assert CHECKIN_NOTE not in body
    assert team.person.email not in body
    assert "Olive" not in body
    if secret not in ("recorded_nights", "calf", "urgent"):
        assert secret not in body


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("route", "path", "secret"), READS, ids=[r[0] for r in READS])
def test_only_her_clinician_reads_her_page_and_its_api(
    olive: Team, actor: str, route: str, path: str, secret: str
) -> None:
    before = _log(olive)
    client = client_for(olive.actors()[actor])
    response = client.get(path.format(id=olive.person.pk))
    body = response.content.decode()
    if actor == "their clinician":
        assert response.status_code == 200
        assert secret in body
        new = _log(olive)[: len(_log(olive)) - len(before)]
        assert new, "a granted read left no audit record"
        assert {(r.actor_id, r.action, r.origin) for r in new} == {
            (olive.clinician.pk, "read", route)
        }
        return
    if actor == "anonymous":
        if route.startswith("api:"):
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(SIGN_IN)
    else:
        assert response.status_code == 404
    if actor != "person":  # her own name may be in her own page's header
        _olive_absent(olive, body, secret)
    else:
        assert SECRET_NOTE not in body
        assert CHECKIN_NOTE not in body
    assert len(_log(olive)) == len(before), "a refused read left an audit record"


@pytest.mark.parametrize("actor", ACTORS)
def test_the_person_page_only_reads(olive: Team, actor: str) -> None:
    before = len(_log(olive))
    client = client_for(olive.actors()[actor])
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(f"/care/patients/{olive.person.pk}/")
        # the same 405 for everyone signed in: it tells nobody whether Olive is in their care
        assert response.status_code == (302 if actor == "anonymous" else 405)
        if actor != "person":
            _olive_absent(olive, response.content.decode(), SECRET_NOTE)
    assert len(_log(olive)) == before


def test_a_missing_person_and_an_unrelated_one_answer_alike(olive: Team) -> None:
    client = client_for(olive.clinician)
    for path in ["/care/patients/{id}/", *(p for _, p, _ in READS[1:])]:
        unrelated = client.get(path.format(id=olive.stranger.pk))
        missing = client.get(path.format(id=999999))
        assert unrelated.status_code == missing.status_code == 404
        assert unrelated.content == missing.content


def test_the_plan_route_answers_404_without_a_program(team: Team) -> None:
    before = len(_log(team))
    response = client_for(team.clinician).get(f"/api/v1/care/patients/{team.person.pk}/plan")
    assert response.status_code == 404
    assert len(_log(team)) == before + 1  # the program was looked for, and that is a read


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("route", "path"), [("care:index", "/care/"), ("api:care_patients", "/api/v1/care/patients")]
)
def test_only_her_clinicians_dashboard_reads_her_data(
    olive: Team, actor: str, route: str, path: str
) -> None:
    before = len(_log(olive))
    response = client_for(olive.actors()[actor]).get(path)
    body = response.content.decode()
    if actor == "their clinician":
        assert response.status_code == 200
        assert "Olive" in body
        assert "urgent" in body.lower() or "See a doctor today" in body
        assert SECRET_NOTE not in body
        new = _log(olive)[: len(_log(olive)) - before]
        assert {r.origin for r in new} == {route}
        assert len({r.what for r in new}) == len(new)  # each kind of record once
        return
    assert len(_log(olive)) == before
    if actor != "person":
        _olive_absent(olive, body, "urgent")


def test_the_patient_list_carries_the_dashboards_fields(olive: Team) -> None:
    body = client_for(olive.clinician).get("/api/v1/care/patients").json()
    (item,) = body["items"]
    assert item["triage"] == "urgent"
    assert [flag["kind"] for flag in item["flags"]][:2] == ["red_flag", "held"]
    assert len(item["cramps_per_night"]) == 4
    assert item["adherence"]["planned"] == 7
    assert item["last_activity"]
    assert item["trend"]


def test_the_api_reads_only_the_page_it_answers(olive: Team) -> None:
    before = len(_log(olive))
    client = client_for(olive.clinician)
    assert client.get("/api/v1/care/patients?offset=1").json()["items"] == []
    assert len(_log(olive)) == before  # Olive was not on that page: nothing of hers was read
    assert Client().get("/api/v1/care/patients?offset=1").status_code == 401


@pytest.mark.parametrize("path", ["/care/patients/{id}/", *(p for _, p, _ in READS[1:])])
def test_an_id_too_large_for_any_column_is_just_missing(olive: Team, path: str) -> None:
    response = client_for(olive.clinician).get(path.format(id=2**70))
    assert response.status_code == 404
