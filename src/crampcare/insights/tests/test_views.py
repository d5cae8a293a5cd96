"""The insights pages: what a person sees, and what happens with bad input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.insights import services
from crampcare.insights.models import SelfTest
from crampcare.insights.tests.diary_builders import NOW, fill_diary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_shows_the_answer_figures_and_charts(owner_client: Client, user: User) -> None:
    fill_diary(user, 40)
    page = owner_client.get(reverse("insights:index")).content.decode()
    figures = services.insights_for(user, user).figures
    assert figures is not None
    assert "Have my cramps changed?" in page
    # The plain answer comes first; the statistical verdict is folded away below it.
    plain = page.index("You have had about a quarter as many cramps lately as at the start.")
    folded = page.index('<details class="stats-details">')
    assert plain < folded < page.index("You have had fewer cramps a night lately than at the start")
    assert f'<span class="figure">{figures.rate_ratio}</span>' in page
    assert f"95% CI {figures.rate_ratio_interval}" in page
    assert f'<span class="figure">{figures.baseline_rate}</span>' in page
    assert "Cramps fell from 3.3 a night in your first week to 0.9 lately" in page
    assert page.count('role="img"') == 2
    assert "Please read this before you decide anything" in page
    assert "people given a dummy treatment improved by about 28%" in page
    # No program, so no comparison with the trial (it applies only to its protocol).
    assert "about 1.2 fewer cramps a night" not in page
    assert "Start the nightly program" in page


def test_it_lists_triggers_with_the_warning_and_the_factors_still_waiting(
    owner_client: Client, user: User
) -> None:
    fill_diary(user, 40)
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert "We compare several things at once" in page
    assert "a link is not proof of cause" in page
    assert "<h3>Days with 2 or more alcoholic drinks</h3>" in page
    assert "Not shown yet for days you sat for 8 hours or more" in page


def test_it_says_not_enough_nights_and_how_many_more(owner_client: Client, user: User) -> None:
    fill_diary(user, 10)
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert "Not enough nights recorded yet. Record 4 more nights" in page
    assert "Latest period: 3 of 7 nights" in page
    assert "So far: 3.3 cramps a night on average, over 10 recorded nights" in page
    assert "Rate ratio (lately" not in page


def test_it_invites_an_empty_diary_to_start_recording(owner_client: Client) -> None:
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert "Nothing to show yet" in page
    assert 'role="img"' not in page


def test_it_shows_the_chosen_number_of_weeks(owner_client: Client, user: User) -> None:
    fill_diary(user, 200)
    for weeks, rows in (("12", 12), ("0", 30), ("bogus", 26), ("13", 26)):
        response = owner_client.get(reverse("insights:index"), {"weeks": weeks})
        assert response.status_code == 200
        table = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
        assert table.count("<tr>") == rows, weeks


def test_it_sends_visitors_to_sign_in(client: Client, user: User) -> None:
    for name in ("insights:index", "insights:report", "insights:report_pdf", "insights:self_test"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# -- self-test pages --------------------------------------------------------------------------


def test_it_plans_a_test_and_shows_tonights_way(owner_client: Client, user: User) -> None:
    response = owner_client.post(
        reverse("insights:start_self_test"),
        {"strategy_a": "Stretches only", "strategy_b": "Stretches and heel raises", "weeks": "4"},
    )
    test = SelfTest.objects.for_user(user).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:self_test_detail", args=[test.pk])
    page = owner_client.get(response["Location"]).content.decode()
    assert f'<p class="tonight">{test.schedule[0]}</p>' in page
    assert page.count("this week") == 1
    index = owner_client.get(reverse("insights:index")).content.decode()
    assert "You are comparing “Stretches only” with “Stretches and heel raises”" in index


def test_it_keeps_what_was_typed_and_names_the_field_on_bad_input(
    owner_client: Client, user: User
) -> None:
    response = owner_client.post(
        reverse("insights:start_self_test"),
        {"strategy_a": "Heel raises", "strategy_b": "heel raises", "weeks": "4"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose two different ways to compare." in page
    assert 'value="Heel raises"' in page
    assert not SelfTest.objects.for_user(user).exists()
    response = owner_client.post(
        reverse("insights:start_self_test"), {"strategy_a": "A", "strategy_b": "B", "weeks": "3"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_it_stops_and_deletes_a_test(owner_client: Client, user: User) -> None:
    test = services.start_self_test(user, "A", "B", 4)
    response = owner_client.post(reverse("insights:stop_self_test", args=[test.pk]))
    assert response.status_code == 302
    page = owner_client.get(response["Location"]).content.decode()
    assert "Not enough nights recorded yet" in page
    assert "Stop the test now" not in page
    response = owner_client.post(reverse("insights:delete_self_test", args=[test.pk]))
    assert response["Location"] == reverse("insights:self_test")
    assert not SelfTest.objects.for_user(user).exists()


def test_it_offers_the_plan_form_again_after_a_test_ends(owner_client: Client, user: User) -> None:
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        test = services.start_self_test(user, "A", "B", 4)
    page = owner_client.get(reverse("insights:self_test")).content.decode()
    assert "Plan a test" in page
    assert reverse("insights:self_test_detail", args=[test.pk]) in page


def test_it_only_accepts_posts_for_actions(owner_client: Client, user: User) -> None:
    test = services.start_self_test(user, "A", "B", 4)
    assert owner_client.get(reverse("insights:stop_self_test", args=[test.pk])).status_code == 405
    assert owner_client.get(reverse("insights:start_self_test")).status_code == 405
