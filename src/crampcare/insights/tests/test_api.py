"""The insights API: the page's figures as JSON, and the report as a PDF."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.core.stats import Effect
from crampcare.insights import services
from crampcare.insights.tests.diary_builders import NOW, fill_diary

pytestmark = pytest.mark.django_db
SUMMARY = "/api/v1/insights/summary"
REPORT = "/api/v1/insights/report.pdf"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_gives_the_same_figures_as_the_page(owner_client: Client, user: User) -> None:
    fill_diary(user, 40)
    body = owner_client.get(SUMMARY).json()
    personal = services.insights_for(user, user)
    effect = personal.effect
    assert isinstance(effect, Effect)
    figures = personal.figures
    assert figures is not None
    assert body["recorded_nights"] == 40
    assert body["effect"]["ready"] is True
    assert body["effect"]["verdict"] == "fewer"
    assert body["effect"]["figures"]["rate_ratio"] == figures.rate_ratio
    assert body["effect"]["figures"]["rate_ratio_interval"] == figures.rate_ratio_interval
    assert body["effect"]["rate_ratio"]["ratio"] == pytest.approx(effect.rate_ratio.ratio)
    assert body["effect"]["rate_ratio"]["low"] == pytest.approx(effect.rate_ratio.low)
    assert body["effect"]["rate_ratio"]["high"] == pytest.approx(effect.rate_ratio.high)
    assert body["effect"]["baseline"]["cramps_per_night"] == pytest.approx(
        effect.baseline.cramps_per_night
    )
    assert body["effect"]["caveat"]["references"] == ["R14", "R32", "R33"]
    assert body["frequency_title"].startswith("Cramps fell from 3.3 a night")
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert body["frequency_title"] in page
    assert escape(body["effect"]["headline"]["text"]) in page
    # The page's plain first line, and no doctor advice while cramps fall.
    assert escape(body["effect"]["plain"]["text"]) in page
    assert body["effect"]["plain"]["text"].startswith("You have had about a quarter as many")
    assert body["effect"]["advice"] is None
    assert body["effect"]["rate_ratio"]["p_value"] == pytest.approx(effect.rate_ratio.p_value)
    labels = [t["label"] for t in body["triggers"]]
    assert "days with 2 or more alcoholic drinks" in labels
    assert body["triggers_warning"]["text"].startswith("We compare several things at once")
    assert len(body["weeks"]) == len(personal.insights.weeks)


def test_it_advises_a_doctor_when_cramps_increase(owner_client: Client, user: User) -> None:
    from crampcare.diary.models import NightCheckin
    from crampcare.insights.tests.diary_builders import LAST_NIGHT

    NightCheckin.objects.bulk_create(
        NightCheckin(owner=user, night=LAST_NIGHT - timedelta(days=20 - i), cramp_count=count)
        for i, count in enumerate([1] * 7 + [3] * 14)
    )
    effect = owner_client.get(SUMMARY).json()["effect"]
    assert effect["verdict"] == "more"
    assert effect["advice"]["text"].startswith("If your cramps keep increasing")
    assert effect["advice"]["references"] == ["R24"]
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert "If your cramps keep increasing, or they disturb your sleep, see a doctor." in page
    assert page.index("far more cramps") < page.index("If your cramps keep increasing")


def test_it_says_what_is_missing_below_the_minimum(owner_client: Client, user: User) -> None:
    fill_diary(user, 3)
    effect = owner_client.get(SUMMARY).json()["effect"]
    assert effect["ready"] is False
    assert effect["needed_more_nights"] == 11
    assert effect["rate_ratio"] is None
    assert effect["headline"]["text"].startswith("Not enough nights recorded yet. Record 11 more")


def test_it_reports_an_unbounded_interval_as_null(owner_client: Client, user: User) -> None:
    from crampcare.diary import services as diary

    for offset in range(21):
        night = date(2025, 5, 1) + timedelta(days=offset)
        diary.record_checkin(user, night, cramp_count=0 if offset < 7 else 1)
    ratio = owner_client.get(SUMMARY).json()["effect"]["rate_ratio"]
    assert ratio == {
        "ratio": None,
        "unbounded": True,
        "low": pytest.approx(ratio["low"]),
        "high": None,
        "p_value": pytest.approx(ratio["p_value"]),
        "text": ratio["text"],
    }
    assert ratio["text"].startswith("∞ (95% CI ")
    assert ratio["text"].endswith(" to ∞)")


def test_it_accepts_a_personal_access_token(client: Client, user: User) -> None:
    fill_diary(user, 10)
    _, secret = accounts.create_token(user, "script")
    response = client.get(SUMMARY, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()["recorded_nights"] == 10


def test_it_refuses_visitors(client: Client, user: User) -> None:
    assert client.get(SUMMARY).status_code == 401
    assert client.get(REPORT).status_code == 401
    assert client.get(SUMMARY, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_it_sends_the_report_pdf(owner_client: Client, user: User) -> None:
    fill_diary(user, 20)
    response = owner_client.get(REPORT, {"weeks": 4})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("weeks", ["3", "13", "eight"])
def test_it_names_the_field_for_a_bad_report_length(owner_client: Client, weeks: str) -> None:
    response = owner_client.get(REPORT, {"weeks": weeks})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["weeks"]


def test_it_documents_both_routes(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[SUMMARY]
    assert "application/pdf" in paths[REPORT]["get"]["responses"]["200"]["content"]
