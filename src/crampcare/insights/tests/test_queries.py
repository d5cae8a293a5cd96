"""The insights page, report and API run the same number of queries whatever the diary's size."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.insights import services
from crampcare.insights.tests.diary_builders import NOW, fill_diary

pytestmark = pytest.mark.django_db

# Session and user (2), the diary's nights (4: cramps, check-ins, factors, program sessions) and
# the program's start (1), then the running self-test on the page (1); the report adds cramps in
# the window (2: tallies and what helped), medicine changes (1) and the latest assessment (1).
# Pages also run the first-run check ("does anyone have an account yet?", 1), which each test
# resets and a live server caches.
# One of each is the health app's days (steps and sleep), read with the diary's nights.
# The report also lists the program's exercises as they stand tonight (1: looking for the
# program; with one, 3 more to bring its plan to tonight: REPORT_PROGRAM_PLAN).
PAGES = [
    (reverse("insights:index"), 10),
    (reverse("insights:report"), 14),
    (reverse("insights:report_pdf"), 14),
    ("/api/v1/insights/summary", 8),
    ("/api/v1/insights/report.pdf", 13),
]
REPORT_PROGRAM_PLAN = 3


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("nights", [10, 500])
@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_it_runs_a_fixed_number_of_queries(
    owner_client: Client,
    user: User,
    django_assert_num_queries: object,
    url: str,
    queries: int,
    nights: int,
) -> None:
    fill_diary(user, nights)
    services.start_self_test(user, "A", "B", 4)
    with django_assert_num_queries(queries):  # type: ignore[operator]
        response = owner_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("nights", [30, 500])
@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_it_runs_one_more_query_with_a_program_to_check_the_trial_protocol(
    owner_client: Client,
    user: User,
    django_assert_num_queries: object,
    url: str,
    queries: int,
    nights: int,
) -> None:
    from datetime import timedelta

    from crampcare.insights.tests.diary_builders import LAST_NIGHT
    from crampcare.insights.tests.test_protocol import start_program_with_sessions

    fill_diary(user, nights)
    first = LAST_NIGHT - timedelta(days=20)
    start_program_with_sessions(user, first, [first + timedelta(days=i) for i in range(21)])
    services.start_self_test(user, "A", "B", 4)
    # The latest period's finished sessions: one query, at most a few weeks of rows.
    plan = REPORT_PROGRAM_PLAN if "report" in url else 0
    with django_assert_num_queries(queries + 1 + plan):  # type: ignore[operator]
        response = owner_client.get(url)
    assert response.status_code == 200
