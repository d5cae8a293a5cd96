"""Every signed-in request runs in the person's own time zone: pages (TimeZoneMiddleware) and
the API, whether the caller signs in with the browser session or a personal access token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.diary import services as diary
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

# 19:00 UTC on 4 June 2025 is 07:00 on 5 June in Auckland (NZST, UTC+12).
INSTANT = datetime(2025, 6, 4, 19, 0, tzinfo=UTC)
ZONE = "Pacific/Auckland"


def _in_auckland(user: User) -> User:
    user.time_zone = ZONE
    user.save(update_fields=["time_zone"])
    return user


def test_a_diary_page_shows_times_in_the_persons_zone(owner_client: Client, user: User) -> None:
    episode = diary.log_cramp(_in_auckland(user), now=INSTANT)
    page = owner_client.get(f"/diary/cramps/{episode.pk}/delete/").content.decode()
    assert "Thursday 5 June, 07:00" in page
    assert timezone.get_current_timezone_name() == "UTC"  # put back after the answer


def test_a_program_page_shows_times_in_the_persons_zone(owner_client: Client, user: User) -> None:
    make_program(user, now=INSTANT)
    _in_auckland(user)
    page = owner_client.get("/program/history/").content.decode()
    assert "5 Jun 2025, 07:00" in page
    assert "4 Jun 2025, 19:00" not in page


def _zone_seen_by_the_view() -> tuple[list[str], Any]:
    seen: list[str] = []

    def list_tokens(user: User) -> list[Any]:
        seen.append(timezone.get_current_timezone_name())
        return []

    return seen, mock.patch.object(accounts, "list_tokens", side_effect=list_tokens)


def test_an_api_call_with_a_token_runs_in_the_persons_zone(client: Client, user: User) -> None:
    _, secret = accounts.create_token(_in_auckland(user), "script")
    seen, patch = _zone_seen_by_the_view()
    with patch:
        response = client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert seen == [ZONE]
    assert timezone.get_current_timezone_name() == "UTC"


def test_an_api_call_with_a_session_runs_in_the_persons_zone(
    owner_client: Client, user: User
) -> None:
    _in_auckland(user)
    seen, patch = _zone_seen_by_the_view()
    with patch:
        response = owner_client.get("/api/v1/tokens")
    assert response.status_code == 200
    assert seen == [ZONE]


def test_a_visitor_gets_the_servers_zone(client: Client, user: User) -> None:
    _in_auckland(user)
    seen: list[str] = []

    def render(*args: Any, **kwargs: Any) -> Any:
        seen.append(timezone.get_current_timezone_name())
        return real(*args, **kwargs)

    from crampcare.home import views

    real = views.render
    with mock.patch.object(views, "render", side_effect=render):
        assert client.get("/").status_code == 200
    assert seen == ["UTC"]
