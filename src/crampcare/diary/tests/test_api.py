from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.diary import services
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

API = "/api/v1/diary"


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_it_creates_reads_changes_and_deletes_a_cramp(owner_client: Client, user: User) -> None:
    created = owner_client.post(
        f"{API}/episodes",
        {
            "started_at": "2024-06-05T02:14:00+01:00",
            "muscle": "calf",
            "severity": 6,
            "helped": ["stretching", "walking"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["night"] == "2024-06-04"
    assert body["started_at"] == "2024-06-05T01:14:00Z"
    assert body["helped"] == ["stretching", "walking"]

    path = f"{API}/episodes/{body['id']}"
    assert owner_client.get(path).json()["muscle"] == "calf"
    changed = owner_client.patch(
        path, {"severity": 3, "side": "left"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["severity"], changed.json()["side"], changed.json()["muscle"]) == (
        3,
        "left",
        "calf",
    )
    assert owner_client.delete(path).status_code == 204
    assert owner_client.get(path).status_code == 404


def test_it_lists_cramps_by_night_range(owner_client: Client, user: User) -> None:
    for day in (1, 3, 5):
        services.create_episode(user, started_at=datetime(2024, 6, day, 23, 0, tzinfo=UTC))
    response = owner_client.get(f"{API}/episodes?start=2024-06-02&end=2024-06-05")
    assert [item["night"] for item in response.json()["items"]] == ["2024-06-05", "2024-06-03"]
    assert response.json()["count"] == 2


def test_it_answers_422_naming_each_bad_field(owner_client: Client) -> None:
    response = owner_client.post(
        f"{API}/episodes",
        {"started_at": "yesterday", "severity": 11, "helped": ["dancing"], "colour": "red"},
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = _errors(response)
    assert set(errors) >= {"started_at", "severity", "helped.0", "colour"}
    assert errors["colour"] == "is not a field we know"
    assert not every_row(CrampEpisode).exists()


def test_it_answers_422_for_a_time_without_its_offset(owner_client: Client) -> None:
    response = owner_client.post(
        f"{API}/episodes", {"started_at": "2024-06-05T02:14"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert _errors(response) == {"started_at": "Give the time with its time zone."}


def test_it_refuses_to_empty_a_required_field_with_null(owner_client: Client, user: User) -> None:
    episode = services.create_episode(user, started_at=datetime(2024, 6, 5, 2, tzinfo=UTC))
    response = owner_client.patch(
        f"{API}/episodes/{episode.pk}", {"started_at": None}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "started_at" in _errors(response)


def test_it_refuses_a_backwards_range(owner_client: Client) -> None:
    response = owner_client.get(f"{API}/checkins?start=2024-06-05&end=2024-06-01")
    assert response.status_code == 422
    assert _errors(response) == {"end": "The end date is before the start date."}


def test_it_keeps_one_checkin_per_night_through_the_api(owner_client: Client, user: User) -> None:
    first = owner_client.post(
        f"{API}/checkins",
        {"night": "2024-06-04", "cramp_count": 0},
        content_type="application/json",
    )
    again = owner_client.post(
        f"{API}/checkins",
        {"night": "2024-06-04", "cramp_count": 2, "severity": 5},
        content_type="application/json",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert NightCheckin.objects.for_user(user).get().cramp_count == 2
    patched = owner_client.patch(
        f"{API}/checkins/{first.json()['id']}", {"notes": "ok"}, content_type="application/json"
    )
    assert (patched.json()["cramp_count"], patched.json()["notes"]) == (2, "ok")
    assert owner_client.get(f"{API}/checkins").json()["count"] == 1
    assert owner_client.delete(f"{API}/checkins/{first.json()['id']}").status_code == 204


def test_it_refuses_a_checkin_for_a_night_to_come(owner_client: Client) -> None:
    response = owner_client.post(
        f"{API}/checkins",
        {"night": "2999-01-01", "cramp_count": 0},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert _errors(response) == {"night": "cannot be in the future"}


def test_it_saves_factors_with_exact_decimals(owner_client: Client, user: User) -> None:
    response = owner_client.post(
        f"{API}/factors",
        {"date": "2024-06-04", "fluid_cups": 5.5, "footwear": "barefoot", "medicine_change": True},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["fluid_cups"] == 5.5
    saved = DailyFactors.objects.for_user(user).get()
    assert str(saved.fluid_cups) == "5.5"
    bad = owner_client.patch(
        f"{API}/factors/{saved.pk}", {"sitting_hours": 7.25}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "sitting_hours" in _errors(bad)
    assert owner_client.get(f"{API}/factors/{saved.pk}").json()["sitting_hours"] is None


def test_it_returns_the_nights_the_statistics_see(owner_client: Client, user: User) -> None:
    services.record_checkin(user, date(2024, 6, 4), cramp_count=2, severity=5)
    services.record_factors(user, date(2024, 6, 4), sitting_hours=10)
    response = owner_client.get(f"{API}/nights?start=2024-06-01&end=2024-06-07")
    (night,) = response.json()
    assert night["cramps"] == 2
    assert night["severities"] == [5.0]
    assert night["exposures"] == ["long_sitting"]


def test_it_works_with_a_personal_access_token(client: Client, user: User) -> None:
    _, secret = accounts.create_token(user, "phone")
    response = client.post(
        f"{API}/checkins",
        {"night": "2024-06-04", "cramp_count": 1},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201
    assert NightCheckin.objects.for_user(user).count() == 1


def test_it_asks_anonymous_callers_to_sign_in(client: Client, user: User) -> None:
    assert client.get(f"{API}/episodes").status_code == 401
    assert client.get(f"{API}/export.json").status_code == 401


def test_it_lists_its_routes_in_the_openapi_schema(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {f"{API}/episodes/{{episode_id}}", f"{API}/import", f"{API}/nights"} <= set(paths)
