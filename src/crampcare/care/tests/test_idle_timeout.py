"""Clinicians and organisation admins are signed out after CRAMPCARE_CARE_IDLE_MINUTES without
a request; everyone else keeps their session as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.care import services
from crampcare.care.models import Role
from crampcare.care.security import LAST_SEEN
from crampcare.care.tests.conftest import Team
from crampcare.testing.builders import PASSWORD, make_user
from crampcare.testing.cast import signed_in
from crampcare.testing.mfa import code_now, set_up_app

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LIMIT = timedelta(minutes=15)


def _at(moment: datetime, client: Client, path: str) -> object:
    with time_machine.travel(moment, tick=False):
        return client.get(path)


def _session_at(moment: datetime, client: Client) -> dict[str, object]:
    # Sessions expire by the clock too: read them at the test's time, not today's.
    with time_machine.travel(moment, tick=False):
        return dict(client.session.items())


def _client_at(moment: datetime, user: User) -> Client:
    with time_machine.travel(moment, tick=False):
        return signed_in(user)


def test_a_clinician_idle_past_the_limit_is_signed_out(team: Team) -> None:
    client = _client_at(START, team.clinician)
    assert _at(START + timedelta(minutes=14), client, "/care/").status_code == 200  # type: ignore[attr-defined]
    # Each request restarts the clock: 14 minutes after the last one is still fine.
    assert _at(START + timedelta(minutes=28), client, "/diary/").status_code == 200  # type: ignore[attr-defined]
    late = _at(START + timedelta(minutes=28) + LIMIT + timedelta(seconds=1), client, "/care/")
    assert late.status_code == 302  # type: ignore[attr-defined]
    assert late["Location"] == "/accounts/login/?next=/care/"  # type: ignore[index]
    assert "_auth_user_id" not in _session_at(START + timedelta(minutes=44), client)
    page = client.get(late["Location"]).content.decode()  # type: ignore[index]
    assert "signed out after 15 minutes without activity" in page


def test_the_api_answers_401_with_the_reason(team: Team) -> None:
    client = _client_at(START, team.clinician)
    response = _at(START + LIMIT + timedelta(minutes=1), client, "/api/v1/care/patients")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "signed out after 15 minutes" in response.json()["detail"]  # type: ignore[attr-defined]
    assert _at(START + LIMIT + timedelta(minutes=2), client, "/account/").status_code == 302  # type: ignore[attr-defined]


def test_an_admin_is_timed_too(team: Team) -> None:
    client = _client_at(START, team.admin)
    assert "_auth_user_id" in _session_at(START, client)
    late = _at(START + LIMIT + timedelta(minutes=1), client, "/account/")
    assert late.status_code == 302  # type: ignore[attr-defined]
    assert "_auth_user_id" not in _session_at(START + LIMIT, client)


@pytest.mark.parametrize("who", ["person", "stranger"])
def test_a_person_without_a_role_is_never_timed(team: Team, who: str) -> None:
    user = team.person if who == "person" else team.stranger
    client = _client_at(START, user)
    assert LAST_SEEN not in _session_at(START, client)
    later = START + timedelta(hours=6)
    assert _at(later, client, "/care/people/").status_code == 200  # type: ignore[attr-defined]
    assert _at(later, client, "/account/").status_code == 200  # type: ignore[attr-defined]
    session = _session_at(later, client)
    assert session["_auth_user_id"] == str(user.pk)
    assert LAST_SEEN not in session


def test_the_clock_starts_when_a_clinician_signs_in_with_the_code(team: Team) -> None:
    nia = make_user("nia@example.org", display_name="Nia")
    services.add_member(team.admin, team.riverside, nia, Role.CLINICIAN)
    secret = set_up_app(nia)
    client = Client()
    with time_machine.travel(START, tick=False):
        client.post("/accounts/login/", {"login": nia.email, "password": PASSWORD})
        assert LAST_SEEN not in client.session  # the code step comes first
        client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
        assert client.session["_auth_user_id"] == str(nia.pk)
        assert client.session[LAST_SEEN] == int(START.timestamp())
    plain = make_user("plain@example.org")
    other = Client()
    with time_machine.travel(START, tick=False):
        other.post("/accounts/login/", {"login": plain.email, "password": PASSWORD})
        assert other.session["_auth_user_id"] == str(plain.pk)
        assert LAST_SEEN not in other.session


def test_someone_given_the_role_mid_session_is_timed_from_their_first_care_page(
    team: Team,
) -> None:
    newcomer = make_user("nia@example.org", display_name="Nia")
    client = _client_at(START, newcomer)
    assert LAST_SEEN not in _session_at(START, client)
    services.add_member(team.admin, team.riverside, newcomer, Role.CLINICIAN)
    first = START + timedelta(minutes=1)
    _at(first, client, "/care/")  # sent to set up the app; the clock starts
    assert _session_at(first, client)[LAST_SEEN] == int(first.timestamp())
    late = _at(first + LIMIT + timedelta(seconds=1), client, "/diary/")
    assert late.status_code == 302  # type: ignore[attr-defined]
    assert "_auth_user_id" not in _session_at(first + LIMIT, client)


def test_the_limit_is_a_setting(team: Team, settings: object) -> None:
    settings.CRAMPCARE_CARE_IDLE_MINUTES = 60  # type: ignore[attr-defined]
    client = _client_at(START, team.clinician)
    assert _at(START + timedelta(minutes=59), client, "/care/").status_code == 200  # type: ignore[attr-defined]
    assert _at(START + timedelta(minutes=120), client, "/care/").status_code == 302  # type: ignore[attr-defined]
