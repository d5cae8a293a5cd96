"""Edge values are a 4xx naming the field, never a 500: dates outside 1900…now, strict types."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.testing.builders import every_row

API = "/api/v1"
NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
EXTREME_INSTANTS = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1899-12-31T23:59:59+00:00",
    "2025-03-06T12:00:00+00:00",
]
EXTREME_DATES = ["0001-01-01", "9999-12-31", "1899-12-31"]


def _errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("started_at", EXTREME_INSTANTS)
def test_it_refuses_an_implausible_cramp_time_with_a_422(owner_client: Client, started_at) -> None:
    response = owner_client.post(
        f"{API}/diary/episodes", {"started_at": started_at}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "started_at" in _errors(response)
    assert not every_row(CrampEpisode).exists()


@pytest.mark.parametrize("started_at", EXTREME_INSTANTS[:2])
def test_it_refuses_an_implausible_time_when_changing_a_cramp(
    owner_client: Client, started_at
) -> None:
    created = owner_client.post(
        f"{API}/diary/episodes",
        {"started_at": "2025-03-03T02:00+00:00"},
        content_type="application/json",
    )
    response = owner_client.patch(
        f"{API}/diary/episodes/{created.json()['id']}",
        {"started_at": started_at},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "started_at" in _errors(response)


@pytest.mark.parametrize("night", EXTREME_DATES)
def test_it_refuses_an_implausible_checkin_night(owner_client: Client, night) -> None:
    response = owner_client.post(
        f"{API}/diary/checkins", {"night": night, "cramp_count": 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "night" in _errors(response)
    assert not every_row(NightCheckin).exists()


@pytest.mark.parametrize("day", EXTREME_DATES)
def test_it_refuses_an_implausible_factors_date(owner_client: Client, day) -> None:
    response = owner_client.post(
        f"{API}/diary/factors", {"date": day}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "date" in _errors(response)
    assert not every_row(DailyFactors).exists()


@pytest.mark.parametrize("route", ["episodes", "checkins", "factors", "nights"])
@pytest.mark.parametrize("query", ["start=0001-01-01", "end=9999-12-31", "start=0", "end=1"])
def test_it_refuses_implausible_or_numeric_list_filters(owner_client: Client, route, query) -> None:
    response = owner_client.get(f"{API}/diary/{route}?{query}")
    assert response.status_code == 422
    assert set(_errors(response)) == {query.split("=")[0]}


def test_it_still_filters_lists_by_iso_dates(owner_client: Client) -> None:
    response = owner_client.get(f"{API}/diary/episodes?start=2025-01-01&end=2025-03-04")
    assert response.status_code == 200


@pytest.mark.parametrize("started_at", [0, 1741000000, 1.5e9, True])
def test_it_refuses_numbers_as_times(owner_client: Client, started_at) -> None:
    response = owner_client.post(
        f"{API}/diary/episodes", {"started_at": started_at}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "started_at" in _errors(response)


@pytest.mark.parametrize("woke_me", [0, 1, "true", "yes"])
def test_it_refuses_anything_but_true_or_false_as_a_yes_no(owner_client: Client, woke_me) -> None:
    response = owner_client.post(
        f"{API}/diary/episodes",
        {"started_at": "2025-03-03T02:00+00:00", "woke_me": woke_me},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "woke_me" in _errors(response)
    assert not every_row(CrampEpisode).exists()


@pytest.mark.parametrize("severity", ["5", 5.0, True])
def test_it_refuses_anything_but_a_whole_number_as_a_score(owner_client: Client, severity) -> None:
    response = owner_client.post(
        f"{API}/diary/episodes",
        {"started_at": "2025-03-03T02:00+00:00", "severity": severity},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "severity" in _errors(response)


@pytest.mark.parametrize("medicine_change", [0, "false"])
def test_it_refuses_coerced_booleans_in_factors(owner_client: Client, medicine_change) -> None:
    response = owner_client.post(
        f"{API}/diary/factors",
        {"date": "2025-03-03", "medicine_change": medicine_change},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "medicine_change" in _errors(response)


@pytest.mark.parametrize("body", [{"prefers_in_bed": 1}, {"reminder_minutes_before": "15"}])
def test_it_refuses_coerced_values_when_starting_a_program(owner_client: Client, body) -> None:
    response = owner_client.post(f"{API}/program", body, content_type="application/json")
    assert response.status_code == 422
    assert set(_errors(response)) == set(body)


def test_it_accepts_true_json_values(owner_client: Client) -> None:
    response = owner_client.post(
        f"{API}/diary/episodes",
        {"started_at": "2025-03-03T02:00+01:00", "woke_me": True, "severity": 5},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("started_at", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T22:00"])
def test_it_refuses_an_implausible_time_in_the_cramp_form(
    owner_client: Client, user: User, started_at
) -> None:
    response = owner_client.post("/diary/cramps/new/", {"started_at": started_at})
    assert response.status_code in {200, 400}
    assert "started_at" in response.context["form"].errors
    assert not every_row(CrampEpisode).exists()


@pytest.mark.parametrize("night", EXTREME_DATES)
def test_it_refuses_an_implausible_night_in_the_checkin_form(owner_client: Client, night) -> None:
    response = owner_client.post("/diary/checkin/", {"night": night, "cramp_count": "1"})
    assert response.status_code == 400
    assert not every_row(NightCheckin).exists()
