from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.accounts.services import create_token
from crampcare.programs.models import ChangeKind, Program, ProgramChange, Session
from crampcare.programs.tests.builders import START, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def program(user: User) -> Program:
    return make_program(user)


def _send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(path, body, content_type="application/json")


def test_it_starts_a_program(owner_client: Client, user: User) -> None:
    response = _send(owner_client, "post", "/api/v1/program", {"bedtime": "21:45", "age": 67})

    assert response.status_code == 201
    body = response.json()
    assert body["bedtime"] == "21:45"
    assert (body["week"], body["level"], body["phase"]) == (1, 1, "active")
    assert Program.objects.for_user(user).exists()


def test_it_returns_the_plan_with_reasons_doses_steps_and_alternatives(
    owner_client: Client, program: Program
) -> None:
    body = owner_client.get("/api/v1/program").json()

    calf = next(item for item in body["items"] if item["slot"] == "calf")
    assert calf["exercise_id"] == "calf-stretch-wall"
    assert calf["why"]["references"] == ["R1"]
    assert calf["dose"]["hold_seconds"] == 10
    assert calf["dose"]["text"] == "Hold 10 s, 3 times, each leg"
    assert calf["steps"]
    assert "calf-stretch-seated" in calf["alternatives"]
    assert {"calf", "hamstring"} <= set(body["tonight"])
    assert body["bedtime_minutes"] <= 10


def test_it_answers_404_before_a_program_exists(owner_client: Client) -> None:
    response = owner_client.get("/api/v1/program")

    assert response.status_code == 404
    assert "POST /api/v1/program" in response.json()["detail"]


def test_it_changes_preferences_recording_each_change(
    owner_client: Client, user: User, program: Program
) -> None:
    response = _send(
        owner_client,
        "patch",
        "/api/v1/program",
        {"bedtime": "23:10", "reminder_minutes_before": 45, "paused": True},
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["bedtime"], body["reminder_minutes_before"], body["paused"]) == (
        "23:10",
        45,
        True,
    )
    kinds = list(ProgramChange.objects.for_user(user).values_list("kind", flat=True))
    assert {ChangeKind.BEDTIME, ChangeKind.REMINDER, ChangeKind.PAUSE} <= set(kinds)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"reminder_minutes_before": 500}, "reminder_minutes_before"),
        ({"bedtime": "late"}, "bedtime"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_it_names_the_bad_field_in_a_preferences_change(
    owner_client: Client, user: User, program: Program, payload: dict, field: str
) -> None:
    response = _send(owner_client, "patch", "/api/v1/program", payload)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert ProgramChange.objects.for_user(user).count() == 1


def test_it_swaps_through_the_api(owner_client: Client, program: Program) -> None:
    response = _send(
        owner_client,
        "post",
        "/api/v1/program/swap",
        {"slot": "hamstring", "exercise_id": "hamstring-stretch-seated"},
    )

    assert response.status_code == 200
    items = {item["slot"]: item["exercise_id"] for item in response.json()["items"]}
    assert items["hamstring"] == "hamstring-stretch-seated"


def test_it_refuses_an_unlisted_swap_naming_the_field(
    owner_client: Client, program: Program
) -> None:
    response = _send(
        owner_client, "post", "/api/v1/program/swap", {"slot": "calf", "exercise_id": "clamshell"}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "exercise_id"


def test_it_saves_and_returns_session_progress_then_logs_the_session(
    owner_client: Client, user: User, program: Program
) -> None:
    assert owner_client.get("/api/v1/program/session").status_code == 404

    saved = _send(
        owner_client,
        "post",
        "/api/v1/program/session/progress",
        {"step": 7, "item": 1, "rep": 2, "side": 2, "phase": "hold", "remaining": 8},
    )
    got = owner_client.get("/api/v1/program/session").json()
    finished = _send(
        owner_client, "post", "/api/v1/program/session/finish", {"difficulty": 5, "pain": 2}
    )

    assert saved.status_code == 200
    assert got["progress"]["step"] == 7
    assert got["progress"]["side"] == 2
    assert got["items"][0]["exercise_id"] == "calf-stretch-wall"
    assert finished.status_code == 200
    assert finished.json()["completed_at"] is not None
    assert Session.objects.for_user(user).get().pain == 2


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        (
            "/api/v1/program/session/progress",
            {"step": 1, "item": 0, "phase": "x", "remaining": 1},
            "progress.phase",
        ),
        ("/api/v1/program/session/progress", {"step": 1, "item": 0, "phase": "hold"}, "remaining"),
        ("/api/v1/program/session/finish", {"difficulty": 5, "pain": 11}, "pain"),
        ("/api/v1/program/session/finish", {"difficulty": 5}, "pain"),
    ],
)
def test_it_names_the_bad_field_in_session_input_and_saves_nothing(
    owner_client: Client, user: User, program: Program, path: str, payload: dict, field: str
) -> None:
    response = _send(owner_client, "post", path, payload)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Session.objects.for_user(user).exists()


def test_it_reports_adherence(owner_client: Client, program: Program) -> None:
    _send(owner_client, "post", "/api/v1/program/session/finish", {"difficulty": 3, "pain": 0})

    body = owner_client.get("/api/v1/program/adherence").json()

    assert body["nights_done"] == 1
    assert body["tonight_done"] is True
    assert body["this_week"] == {"week": 1, "done": 1, "planned": 7, "percent": 14}
    assert body["message"]


def test_it_lists_the_history(owner_client: Client, program: Program) -> None:
    _send(owner_client, "patch", "/api/v1/program", {"bedtime": "23:00"})

    body = owner_client.get("/api/v1/program/history").json()

    assert [change["kind"] for change in body] == ["bedtime", "created"]
    assert body[0]["before"] == {"bedtime": "22:30"}


def test_it_works_with_a_personal_access_token(user: User, program: Program) -> None:
    _, secret = create_token(user, "script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    assert client.get("/api/v1/program").json()["bedtime"] == "22:30"
    response = client.post(
        "/api/v1/program/session/finish",
        {"difficulty": 2, "pain": 0},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_it_refuses_a_session_post_without_csrf(user: User, program: Program) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(
        "/api/v1/program/session/finish",
        {"difficulty": 2, "pain": 0},
        content_type="application/json",
    )

    assert response.status_code in (401, 403)
    assert not Session.objects.for_user(user).exists()


# -- sent later: a session finished on a phone without a connection ---------------------------


def test_a_session_finished_offline_and_sent_next_morning_counts_for_its_own_night(
    owner_client: Client, user: User, program: Program
) -> None:
    finished_at = START.replace(hour=21, minute=40)  # the evening, in the person's zone (UTC)
    with time_machine.travel(finished_at + timedelta(hours=12), tick=False):  # the next morning
        done = _send(
            owner_client,
            "post",
            "/api/v1/program/session/progress",
            {
                "step": 30,
                "item": 1,
                "phase": "done",
                "remaining": 0,
                "played": [0, 1],
                "at": finished_at.isoformat(),
            },
        )
        rated = _send(
            owner_client,
            "post",
            "/api/v1/program/session/finish",
            {"difficulty": 4, "pain": 1, "at": (finished_at + timedelta(minutes=1)).isoformat()},
        )

    assert done.status_code == 200, done.content
    assert rated.status_code == 200
    session = Session.objects.for_user(user).get()
    assert session.night == finished_at.date()
    assert session.completed_at == finished_at
    assert (session.difficulty, session.pain) == (4, 1)


@pytest.mark.parametrize(
    ("at", "problem"),
    [
        ("2030-01-01T00:00:00+00:00", "future"),
        ("2000-01-01T00:00:00+00:00", "7 days"),
        ("2024-06-03T21:00:00", "time zone"),
        ("yesterday", "iso 8601"),
    ],
)
def test_a_late_session_with_an_impossible_time_is_refused_and_nothing_is_saved(
    owner_client: Client, user: User, program: Program, at: str, problem: str
) -> None:
    for path, body in (
        ("/api/v1/program/session/finish", {"difficulty": 4, "pain": 1}),
        (
            "/api/v1/program/session/progress",
            {"step": 1, "item": 0, "phase": "done", "remaining": 0, "played": [0]},
        ),
    ):
        response = _send(owner_client, "post", path, {**body, "at": at})

        assert response.status_code == 422, response.content
        errors = response.json()["errors"]
        assert [error["field"] for error in errors] == ["at"]
        assert problem in errors[0]["message"].lower()
    assert not Session.objects.for_user(user).exists()
