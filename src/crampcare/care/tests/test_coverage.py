"""The coverage check: a hit names who covers you; every miss answers the same (status, body,
work done); checks are rate-limited per address and per identifier. Enrolment: signed in, or
through sign-up or sign-in with the token waiting in the session; idempotent; one entry, one
person; the member then appears on the organisation page."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crampcare.care import coverage, organisations
from crampcare.care.models import Membership, Organisation, Role, RosterEntry
from crampcare.care.tests.conftest import Team, client_for
from crampcare.testing.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ROSTER = (
    "email,member_id,name,date_of_birth\n"
    "walter@example.org,RP-002,Walter Roster,1950-02-03\n"
    "june@example.org,,June Roster,1988-06-30\n"
)
MISS = coverage.NOT_CONFIRMED


@pytest.fixture
def rostered(team: Team) -> Team:
    data = ROSTER.encode()
    report = organisations.upload_roster(team.admin, team.riverside.pk, io.BytesIO(data), len(data))
    assert report.saved
    return team


def _check(client: Client, identifier: str, born: str, **headers: str) -> Any:
    return client.post(
        "/api/v1/coverage/check",
        {"identifier": identifier, "date_of_birth": born},
        content_type="application/json",
        headers=headers,
    )


def _answer_of(page: str) -> str:
    """The answer's section of the page (the form below it echoes what was typed)."""
    match = re.search(r'<section class="card coverage-answer.*?</section>', page, re.DOTALL)
    assert match is not None
    return match.group()


def test_a_hit_names_the_organisation_and_offers_to_enrol(rostered: Team) -> None:
    response = _check(Client(), " Walter@Example.org ", "1950-02-03")
    assert response.status_code == 200
    body = response.json()
    assert body["covered"] is True
    assert [offer["organisation"] for offer in body["offers"]] == ["Riverside Physio"]
    assert body["offers"][0]["enrol_token"]
    page = Client().post("/coverage/", {"identifier": " rp-002", "date_of_birth": "1950-02-03"})
    assert page.status_code == 200
    assert "You are covered" in page.content.decode()
    assert "<strong>Riverside Physio</strong> offers you the program." in page.content.decode()


def test_every_miss_answers_the_same_whatever_the_reason(rostered: Team) -> None:
    gone = Organisation.objects.create(name="Gone Clinic", kind="clinic")
    RosterEntry.objects.create(
        organisation=gone, email="ghost@example.org", name="G", date_of_birth=date(1970, 1, 1)
    )
    gone.delete()  # its roster went with it
    misses = [
        ("nobody@example.org", "1950-02-03"),  # no such identifier
        ("walter@example.org", "1950-02-04"),  # the wrong date of birth
        ("RP-003", "1950-02-03"),  # an unknown member id
        ("ghost@example.org", "1970-01-01"),  # an organisation that no longer exists
    ]
    api = [_check(Client(), identifier, born) for identifier, born in misses]
    assert {response.status_code for response in api} == {200}
    assert [response.json() for response in api] == [
        {"covered": False, "offers": [], "detail": str(MISS)}
    ] * len(misses)
    pages = [Client().post("/coverage/", {"identifier": i, "date_of_birth": b}) for i, b in misses]
    assert {page.status_code for page in pages} == {200}
    answers = {_answer_of(page.content.decode()) for page in pages}
    assert len(answers) == 1
    assert str(MISS) in answers.pop()


def test_a_hit_and_a_miss_do_the_same_work(rostered: Team) -> None:
    counts = []
    for identifier, born in (
        ("walter@example.org", date(1950, 2, 3)),  # a hit
        ("walter@example.org", date(1950, 2, 4)),  # the wrong date of birth
        ("nobody@example.org", date(1950, 2, 3)),  # nobody
    ):
        with (
            CaptureQueriesContext(connection) as queries,
            mock.patch.object(coverage.signing, "dumps", wraps=signing.dumps) as signed,
        ):
            coverage.check(identifier, born)
        counts.append((len(queries), signed.call_count))
    assert counts == [(1, 1)] * 3


def test_a_bad_date_is_a_clear_4xx_not_a_miss(rostered: Team) -> None:
    page = Client().post("/coverage/", {"identifier": "x@example.org", "date_of_birth": "3/2/50"})
    assert page.status_code == 400
    assert "Enter a date like 1958-04-23" in page.content.decode()
    future = Client().post(
        "/coverage/", {"identifier": "x@example.org", "date_of_birth": "2999-01-01"}
    )
    assert future.status_code == 400
    assert "cannot be in the future" in future.content.decode()
    api = _check(Client(), "x@example.org", "1950-02-30")
    assert api.status_code == 422
    blank = _check(Client(), "   ", "1950-02-03")
    assert blank.status_code == 422


def test_checks_are_rate_limited_per_identifier_from_any_address(rostered: Team) -> None:
    # Five tries an hour for one identifier, whichever address they come from and however
    # the identifier is typed.
    for n, typed in enumerate(["RP-002", "rp-002", " RP-002 ", "Rp-002", "rP-002"]):
        response = _check(Client(REMOTE_ADDR=f"10.0.0.{n}"), typed, "1950-01-01")
        assert response.status_code == 200
    blocked = _check(Client(REMOTE_ADDR="10.0.1.1"), "RP-002", "1950-02-03")  # right, but late
    assert blocked.status_code == 429
    assert blocked.json() == {"detail": str(coverage.TOO_MANY)}
    page = Client(REMOTE_ADDR="10.0.1.2").post(
        "/coverage/", {"identifier": "rp-002", "date_of_birth": "1950-02-03"}
    )
    assert page.status_code == 429
    assert "Too many checks for now." in page.content.decode()
    assert "You are covered" not in page.content.decode()
    # Another identifier is not held up.
    assert _check(Client(), "june@example.org", "1988-06-30").json()["covered"] is True


def test_checks_are_rate_limited_per_address(rostered: Team) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(10):
        assert _check(client, f"person{n}@example.org", "1950-01-01").status_code == 200
    blocked = _check(client, "walter@example.org", "1950-02-03")
    assert blocked.status_code == 429
    page = client.post(
        "/coverage/", {"identifier": "walter@example.org", "date_of_birth": "1950-02-03"}
    )
    assert page.status_code == 429
    # Another address still checks.
    assert (
        _check(Client(REMOTE_ADDR="10.9.9.8"), "walter@example.org", "1950-02-03").status_code
        == 200
    )


# -- enrolment ----------------------------------------------------------------------------------


def _token(identifier: str = "walter@example.org", born: date = date(1950, 2, 3)) -> str:
    return coverage.check(identifier, born).offers[0].token


def test_a_signed_in_person_enrols_once_and_appears_on_the_organisation_page(
    rostered: Team,
) -> None:
    team = rostered
    walter = make_user("walter@example.org", display_name="Walter")
    client = client_for(walter)
    page = client.post(
        "/coverage/", {"identifier": "walter@example.org", "date_of_birth": "1950-02-03"}
    )
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode())
    assert token is not None
    first = client.post("/coverage/enrol/", {"token": token.group(1)})
    assert first.status_code == 200
    assert "You are a member of Riverside Physio." in first.content.decode()
    again = client.post("/coverage/enrol/", {"token": token.group(1)})
    assert again.status_code == 200
    assert Membership.objects.filter(organisation=team.riverside, user=walter).count() == 1
    entry = RosterEntry.objects.get(email="walter@example.org")
    assert entry.enrolled_user == walter
    assert entry.enrolled_at is not None
    api = client.post(
        "/api/v1/coverage/enrol", {"token": token.group(1)}, content_type="application/json"
    )
    assert api.json() == {
        "organisation": "Riverside Physio",
        "new": False,
        "detail": "You are a member of Riverside Physio.",
    }
    admin_page = client_for(team.admin).get(f"/care/organisations/{team.riverside.pk}/")
    assert "Walter" in admin_page.content.decode()
    roster_page = client_for(team.admin).get(f"/care/organisations/{team.riverside.pk}/roster/")
    assert "Yes: Walter" in roster_page.content.decode()


def test_a_visitor_signs_up_and_the_enrolment_completes_after(
    rostered: Team, settings: Any
) -> None:
    settings.OPEN_SIGNUP = True
    team = rostered
    client = Client()
    token = _token("june@example.org", date(1988, 6, 30))
    posted = client.post("/coverage/enrol/", {"token": token})
    assert posted["Location"] == "/coverage/enrol/"
    # The token waits in the session; the date of birth is nowhere in it.
    assert client.session[coverage.SESSION_KEY] == token
    assert "1988" not in str(dict(client.session.items()))
    waiting = client.get("/coverage/enrol/")
    assert waiting.status_code == 200
    text = waiting.content.decode()
    assert "To enrol with <strong>Riverside Physio</strong>, create an account or sign in." in text
    assert "/accounts/signup/?next=%2Fcoverage%2Fenrol%2F" in text
    signed_up = client.post(
        "/accounts/signup/?next=/coverage/enrol/",
        {
            "email": "june@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/coverage/enrol/",
        },
        follow=True,
    )
    assert signed_up.status_code == 200
    assert "You are a member of Riverside Physio." in signed_up.content.decode()
    june = RosterEntry.objects.get(email="june@example.org").enrolled_user
    assert june is not None
    assert june.email == "june@example.org"
    assert Membership.objects.filter(
        organisation=team.riverside, user=june, role=Role.MEMBER
    ).exists()
    assert coverage.SESSION_KEY not in client.session


def test_a_visitor_with_an_account_signs_in_and_the_enrolment_completes_after(
    rostered: Team,
) -> None:
    walter = make_user("walter@example.org", display_name="Walter")
    client = Client()
    client.post("/coverage/enrol/", {"token": _token()})
    done = client.post(
        "/accounts/login/?next=/coverage/enrol/",
        {"login": "walter@example.org", "password": PASSWORD, "next": "/coverage/enrol/"},
        follow=True,
    )
    assert "You are a member of Riverside Physio." in done.content.decode()
    assert RosterEntry.objects.get(email="walter@example.org").enrolled_user == walter


def test_an_entry_enrols_one_account_only(rostered: Team) -> None:
    token = _token()
    first = client_for(rostered.person).post("/coverage/enrol/", {"token": token})
    assert first.status_code == 200
    newcomer = make_user("nia@example.org", display_name="Nia")
    second = client_for(newcomer).post("/coverage/enrol/", {"token": token})
    assert second.status_code == 400
    assert "Another account has already enrolled with these details." in second.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()
    assert RosterEntry.objects.get(email="walter@example.org").enrolled_user == rostered.person


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"o": 1, "k": "email", "v": "walter@example.org"}, salt="another.salt"),
        signing.dumps({"o": 1, "k": "date_of_birth", "v": "x"}, salt=coverage.SALT),
        signing.dumps(["a list"], salt=coverage.SALT),
    ],
    ids=["not-signed", "another-salt", "another-column", "not-a-dict"],
)
def test_a_forged_or_foreign_token_enrols_nobody(rostered: Team, token: str) -> None:
    client = client_for(rostered.stranger)
    before = Membership.objects.count()
    response = client.post("/coverage/enrol/", {"token": token})
    assert response.status_code == 400
    assert "This check has expired." in response.content.decode()
    api = client.post("/api/v1/coverage/enrol", {"token": token}, content_type="application/json")
    assert api.status_code == 422
    assert Membership.objects.count() == before


def test_a_token_outlives_neither_its_day_nor_its_roster_line(rostered: Team) -> None:
    token = _token()
    with mock.patch.object(coverage, "TOKEN_HOURS", 0):
        late = client_for(rostered.stranger).post("/coverage/enrol/", {"token": token})
    assert late.status_code == 400
    data = b"email,name,date_of_birth\nsomeone@example.org,Someone,1960-01-01\n"
    organisations.upload_roster(rostered.admin, rostered.riverside.pk, io.BytesIO(data), len(data))
    gone = client_for(rostered.stranger).post("/coverage/enrol/", {"token": token})
    assert gone.status_code == 400
    assert "We could not confirm cover any more." in gone.content.decode()


def test_the_enrol_page_without_a_waiting_token_goes_back_to_the_check(team: Team) -> None:
    assert Client().get("/coverage/enrol/")["Location"] == "/coverage/"
    assert Client().post("/coverage/enrol/", {})["Location"] == "/coverage/"
