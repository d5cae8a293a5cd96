"""The trial's figures are shown beside a person's own only when they follow its protocol:
a finished bedtime session with a calf and a hamstring stretch on most recorded nights lately."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.core.stats.protocol import (
    PROTOCOL_MIN_SHARE,
    is_protocol_session,
    trial_protocol,
)
from crampcare.insights import services
from crampcare.insights.tests.diary_builders import LAST_NIGHT, NOW, fill_diary
from crampcare.programs import services as programs
from crampcare.programs.models import Session
from crampcare.programs.sessions import items_for_night

pytestmark = pytest.mark.django_db

CALF = {"slot": "calf", "block": "bedtime"}
HAMSTRING = {"slot": "hamstring", "block": "bedtime"}


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_counts_a_session_with_both_trial_stretches_at_bedtime() -> None:
    assert is_protocol_session([CALF, HAMSTRING, {"slot": "glutes", "block": "bedtime"}])
    assert not is_protocol_session([CALF])
    assert not is_protocol_session([CALF, {"slot": "hamstring", "block": "daytime"}])
    assert not is_protocol_session([])


def test_it_needs_most_nights_of_the_period() -> None:
    nights = [date(2025, 1, 1) + timedelta(days=i) for i in range(14)]
    assert PROTOCOL_MIN_SHARE == 5 / 7
    assert trial_protocol(nights, set(nights[:10])).follows  # 5 nights a week
    assert not trial_protocol(nights, set(nights[:9])).follows
    assert trial_protocol(nights[:7], set(nights[:5])).follows
    assert not trial_protocol(nights[:7], set(nights[:4])).follows
    # Sessions on nights outside the period do not count.
    assert not trial_protocol(nights[:7], set(nights[7:])).follows
    assert not trial_protocol([], set()).follows


def start_program_with_sessions(user: User, first: date, done_nights: list[date]) -> None:
    """A program from the night ``first`` and finished sessions on ``done_nights``."""
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()).replace(hour=21))
    with time_machine.travel(start, tick=False):
        program = programs.create_program(user)
    Session.objects.bulk_create(
        Session(
            owner=user,
            program=program,
            night=night,
            week=1,
            items=[item.model_dump(mode="json") for item in items_for_night(program, night)],
            completed_at=timezone.now(),
        )
        for night in done_nights
    )


def test_it_compares_with_the_trial_when_the_protocol_is_followed(
    owner_client: Client, user: User
) -> None:
    fill_diary(user, 40)
    first = LAST_NIGHT - timedelta(days=20)
    start_program_with_sessions(user, first, [first + timedelta(days=i) for i in range(21)])
    personal = services.insights_for(user, user)
    assert personal.protocol is not None
    assert personal.protocol.follows
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert "about 1.2 fewer cramps a night" in page


def test_it_does_not_compare_with_the_trial_on_few_nights_of_stretching(
    owner_client: Client, user: User
) -> None:
    fill_diary(user, 40)
    first = LAST_NIGHT - timedelta(days=20)
    start_program_with_sessions(user, first, [first + timedelta(days=i) for i in range(0, 21, 3)])
    personal = services.insights_for(user, user)
    assert personal.protocol is not None
    assert not personal.protocol.follows
    page = owner_client.get(reverse("insights:index")).content.decode()
    assert "about 1.2 fewer cramps a night" not in page
    assert "We compare your figures with the trial only when you do its routine" in page
    summary = owner_client.get("/api/v1/insights/summary").json()["effect"]
    assert summary["trial_compared"] is False
    assert summary["protocol"]["follows"] is False
    assert summary["trial_note"]["references"] == ["R1"]


def test_it_does_not_count_sessions_without_the_trial_stretches(
    owner_client: Client, user: User
) -> None:
    fill_diary(user, 40)
    first = LAST_NIGHT - timedelta(days=20)
    start_program_with_sessions(user, first, [first + timedelta(days=i) for i in range(21)])
    for session in Session.objects.for_user(user):
        session.items = [item for item in session.items if item["slot"] != "hamstring"]
        session.save()
    personal = services.insights_for(user, user)
    assert personal.protocol is not None
    assert personal.protocol.protocol_nights == 0
    assert not personal.protocol.follows
