"""The signed-in home page: tonight's session, this week's nights, and the quick links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.programs import services, sessions
from crampcare.programs.tests.builders import START, do_sessions, make_program, week_nights

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def test_it_shows_tonights_session_and_the_week_on_the_home_page(
    owner_client: Client, user: User
) -> None:
    make_program(user)

    page = owner_client.get("/").content.decode()

    assert "Hello, Olive" in page
    assert "I have a cramp now" in page
    assert "About 4 minutes, before bed at 22:30." in page  # the trial's two stretches
    assert 'href="/program/session/"' in page
    assert "Start tonight’s stretches" in page
    assert "0 of 7 nights this week." in page
    assert 'href="/cramp-now/"' in page
    assert "Log a cramp" in page


def test_it_shows_a_finished_night_and_the_count(owner_client: Client, user: User) -> None:
    program = make_program(user)
    do_sessions(user, week_nights(program, 1, 1))

    page = owner_client.get("/").content.decode()

    assert "Done tonight. Sleep well." in page
    assert "1 of 7 nights this week." in page
    assert "Start tonight’s stretches" not in page


def test_it_offers_to_carry_on_and_notes_a_pause(owner_client: Client, user: User) -> None:
    make_program(user)
    sessions.save_progress(user, {"step": 2, "item": 0, "phase": "hold", "remaining": 3})
    assert "Carry on where you left off" in owner_client.get("/").content.decode()

    services.pause(user)

    assert "Your program is paused." in owner_client.get("/").content.decode()


def test_it_keeps_the_feature_card_for_someone_without_a_program(owner_client: Client) -> None:
    page = owner_client.get("/").content.decode()

    assert "A few minutes before bed, tailored to you." in page
    assert "nights this week" not in page


def test_it_keeps_the_home_pages_queries_constant(
    owner_client: Client, user: User, django_assert_max_num_queries: object
) -> None:
    program = make_program(user)
    owner_client.get("/")
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        owner_client.get("/")
    do_sessions(user, week_nights(program, 1, 1))
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        owner_client.get("/")
