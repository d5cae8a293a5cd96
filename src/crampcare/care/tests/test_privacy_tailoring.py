"""The authorisation matrix of tailoring a person's plan: the page and its clearance form, and
the two API routes, × the 8 actors of the ``team`` fixture. Only "their clinician" may change
Olive's plan: everyone else gets 404 (anonymous: sign-in or 401), nothing of Olive's in the
answer, her plan unchanged and no audit record. Each allowed change leaves exactly one
``change`` record; the page's reads are audited as reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.care.models import AuditAction, AuditRecord
from crampcare.care.tests.conftest import Team, client_for
from crampcare.care.tests.test_privacy import ACTORS, SIGN_IN
from crampcare.programs import hold
from crampcare.programs.models import Program
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

NOTE = "Kinder on your knees."
SWAP = {
    "kind": "swap",
    "slot": "hamstring",
    "exercise_id": "hamstring-stretch-seated",
    "note": NOTE,
}


@pytest.fixture
def planned(team: Team) -> Team:
    make_program(team.person, now=timezone.now())
    return team


def _plan(team: Team) -> Any:
    return Program.objects.for_user(team.person).get().plan


def _log(team: Team, action: str) -> int:
    return AuditRecord.objects.for_user(team.person).filter(action=action).count()


def _olive_absent(team: Team, body: str) -> None:
    assert "Olive" not in body
    assert team.person.email not in body
    assert "hamstring" not in body.lower()


def _refused(team: Team, response: Any, actor: str, api: bool) -> None:
    if actor == "anonymous":
        if api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(SIGN_IN)
    else:
        assert response.status_code == 404
    _olive_absent(team, response.content.decode())


def _client(team: Team, actor: str) -> Client:
    return client_for(team.actors()[actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_the_page(planned: Team, actor: str) -> None:
    team = planned
    response = _client(team, actor).get(f"/care/patients/{team.person.pk}/plan/")
    if actor == "their clinician":
        assert response.status_code == 200
        body = response.content.decode()
        assert "Olive’s plan" in body
        assert 'href="/care/"' in body
        assert _log(team, AuditAction.READ) > 0
    else:
        _refused(team, response, actor, api=False)
        assert _log(team, AuditAction.READ) == 1  # Eli's one read of her diary, in the fixture
    assert _log(team, AuditAction.CHANGE) == 0


@pytest.mark.parametrize("actor", ACTORS)
def test_a_change_from_the_page(planned: Team, actor: str) -> None:
    team = planned
    before = _plan(team)
    response = _client(team, actor).post(f"/care/patients/{team.person.pk}/plan/", SWAP)
    if actor == "their clinician":
        assert response.status_code == 302
        assert _plan(team) != before
        assert _log(team, AuditAction.CHANGE) == 1
    else:
        _refused(team, response, actor, api=False)
        assert _plan(team) == before
        assert _log(team, AuditAction.CHANGE) == 0


@pytest.mark.parametrize("actor", ACTORS)
def test_a_change_through_the_api(planned: Team, actor: str) -> None:
    team = planned
    before = _plan(team)
    response = _client(team, actor).post(
        f"/api/v1/care/patients/{team.person.pk}/plan/changes",
        SWAP,
        content_type="application/json",
    )
    if actor == "their clinician":
        assert response.status_code == 201
        assert response.json()["changed_by"] == "Tess"
        assert response.json()["note"] == NOTE
        assert _log(team, AuditAction.CHANGE) == 1
    else:
        _refused(team, response, actor, api=True)
        assert _plan(team) == before
        assert _log(team, AuditAction.CHANGE) == 0


@pytest.fixture
def held(planned: Team) -> Team:
    payload = answers("leg_pain_at_rest").model_dump(mode="json")
    assessment_services.save_assessment(planned.person, payload)
    return planned


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_the_clearance(held: Team, actor: str, api: bool) -> None:
    team = held
    data = {"checked_on": timezone.localdate().isoformat(), "note": "All clear."}
    client = _client(team, actor)
    if api:
        path = f"/api/v1/care/patients/{team.person.pk}/plan/clearance"
        response = client.post(path, data, content_type="application/json")
    else:
        response = client.post(f"/care/patients/{team.person.pk}/plan/clearance/", data)
    if actor == "their clinician":
        assert response.status_code == (201 if api else 302)
        assert hold.hold_for(team.person, team.person) is None
        assert _log(team, AuditAction.CHANGE) == 1
    else:
        _refused(team, response, actor, api=api)
        assert hold.hold_for(team.person, team.person) is not None
        assert _log(team, AuditAction.CHANGE) == 0


# -- bad input: a clear message, a 4xx, nothing saved ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**SWAP, "exercise_id": "no-such-exercise"}, 422, "exercise_id"),
        ({"kind": "dose", "slot": "calf", "reps": 99, "note": NOTE}, 422, "reps"),
        ({"kind": "dose", "slot": "calf", "reps": "3", "note": NOTE}, 422, "reps"),
        ({k: v for k, v in SWAP.items() if k != "note"}, 422, "note"),
        ({**SWAP, "note": ""}, 422, "note"),
        ({**SWAP, "kind": "teleport"}, 422, "kind"),
        ({**SWAP, "colour": "red"}, 422, "colour"),
        (
            {"kind": "add", "exercise_id": "ankle-circles", "block": "attic", "note": NOTE},
            422,
            "block",
        ),
    ],
)
def test_the_api_refuses_bad_input(planned: Team, body: dict, status: int, field: str) -> None:
    team = planned
    before = _plan(team)
    response = _client(team, "their clinician").post(
        f"/api/v1/care/patients/{team.person.pk}/plan/changes",
        body,
        content_type="application/json",
    )
    assert response.status_code == status
    assert field in {error["field"] for error in response.json()["errors"]}
    assert _plan(team) == before
    assert _log(team, AuditAction.CHANGE) == 0


def test_the_api_asks_to_confirm_a_change_against_a_caution(team: Team) -> None:
    make_program(team.person, now=timezone.now(), conditions=["hip_replacement"])
    client = _client(team, "their clinician")
    path = f"/api/v1/care/patients/{team.person.pk}/plan/changes"
    body = {"kind": "add", "exercise_id": "pigeon-pose", "block": "daytime", "note": NOTE}
    before = _plan(team)

    warned = client.post(path, body, content_type="application/json")

    assert warned.status_code == 409
    assert "hip-replacement-precautions" in {c["rule"] for c in warned.json()["cautions"]}
    assert _plan(team) == before
    assert _log(team, AuditAction.CHANGE) == 0

    saved = client.post(path, {**body, "confirm_cautions": True}, content_type="application/json")

    assert saved.status_code == 201
    assert "hip-replacement-precautions" in saved.json()["after"]["cautions_confirmed"]


def test_the_page_shows_a_caution_and_saves_only_once_confirmed(team: Team) -> None:
    make_program(team.person, now=timezone.now(), conditions=["hip_replacement"])
    client = _client(team, "their clinician")
    path = f"/care/patients/{team.person.pk}/plan/"
    body = {"kind": "add", "exercise_id": "pigeon-pose", "block": "daytime", "note": NOTE}
    before = _plan(team)

    warned = client.post(path, body)

    assert warned.status_code == 409
    page = warned.content.decode()
    assert "This goes against a caution for this person" in page
    assert "hip replacement" in page
    assert "I have checked this with the person" in page
    assert _plan(team) == before

    assert client.post(path, {**body, "confirm_cautions": "on"}).status_code == 302
    assert _plan(team) != before


def test_the_page_keeps_the_note_and_says_what_is_wrong(planned: Team) -> None:
    team = planned
    response = _client(team, "their clinician").post(
        f"/care/patients/{team.person.pk}/plan/",
        {"kind": "dose", "slot": "calf", "reps": "40", "note": "Keep going."},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "Choose between 1 and" in body
    assert "Keep going." in body
