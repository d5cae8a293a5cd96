"""The dashboard costs the same number of queries for 10 people as for 1,000 (the batch door:
one policy check and one bulk audit insert per kind of record, whatever the list's length).

Ten people are built through the services with every kind of record the dashboard reads; the
other 990 are copies of theirs put in with bulk inserts (building them one by one through the
services would take minutes and test nothing more about the query count).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.models import Assessment
from crampcare.assessment.tests.builders import answers
from crampcare.care import dashboard, services
from crampcare.care.models import AuditRecord, CareRelationship, Role, Status
from crampcare.care.tests.conftest import Team, bring_in
from crampcare.diary import services as diary
from crampcare.diary.models import CrampEpisode, NightCheckin
from crampcare.programs.models import Program, ProgramChange, Session
from crampcare.programs.tests.builders import do_sessions, make_program
from crampcare.testing.builders import every_row, make_user
from crampcare.testing.cast import signed_in

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 25, 19, 0, tzinfo=UTC)
TONIGHT = date(2025, 6, 25)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _full_person(team: Team, number: int) -> User:
    person = make_user(f"full{number}@example.org", display_name=f"Full {number}")
    services.add_member(team.admin, team.riverside, person, Role.MEMBER)
    bring_in(team.clinician, person)
    make_program(person, now=NOW - timedelta(days=10))
    do_sessions(person, [TONIGHT - timedelta(days=1)], pain=number % 10)
    diary.create_episode(person, started_at=NOW - timedelta(days=2))
    diary.record_checkin(person, TONIGHT - timedelta(days=3), cramp_count=number % 4)
    yes = ("leg_pain_at_rest",) if number % 3 == 0 else ()
    assessments.save_assessment(person, answers(*yes).model_dump(mode="json"))
    return person


def _copies(team: Team, template: User, count: int) -> None:
    """``count`` more people in Tess's care, each with copies of ``template``'s records."""
    people = User.objects.bulk_create(
        [
            User(email=f"copy{n}@example.org", display_name=f"Copy {n:04d}", time_zone="UTC")
            for n in range(count)
        ]
    )
    CareRelationship.objects.bulk_create(
        [
            CareRelationship(
                clinician=team.clinician,
                person=person,
                organisation=team.riverside,
                invited_email=person.email,
                status=Status.ACTIVE,
                accepted_at=NOW - timedelta(days=20),
            )
            for person in people
        ]
    )
    program = Program.objects.for_user(template).get()
    for model, rows in (
        (CrampEpisode, CrampEpisode.objects.for_user(template)),
        (NightCheckin, NightCheckin.objects.for_user(template)),
        (Assessment, Assessment.objects.for_user(template)),
    ):
        model.objects.bulk_create(
            [_copy(row, person) for person in people for row in rows]  # type: ignore[attr-defined]
        )
    programs = Program.objects.bulk_create([_copy(program, person) for person in people])
    session = Session.objects.for_user(template).get()
    change = ProgramChange.objects.for_user(template).first()
    Session.objects.bulk_create([_copy(session, p.owner, program=p) for p in programs])
    ProgramChange.objects.bulk_create([_copy(change, p.owner, program=p) for p in programs])


def _copy(row: Any, owner: User, **fields: Any) -> Any:
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.attname not in ("id", "owner_id")
    }
    values.update({f"{name}_id": value.pk for name, value in fields.items()})
    for name in fields:
        values.pop(f"{name}_id", None)
    return type(row)(owner=owner, **{**values, **fields})


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


@pytest.fixture
def ten(clock: Any, team: Team) -> Team:
    for number in range(9):
        _full_person(team, number)
    return team  # with Olive: ten people


def test_the_dashboard_costs_the_same_queries_for_10_and_1000_people(ten: Team) -> None:
    tess = ten.clinician
    client = signed_in(tess)
    client.get("/care/")  # the session's first request does its own bookkeeping
    assert len(dashboard.rows_for(tess, services.patients(tess))) == 10
    rows_for_ten = _queries(lambda: dashboard.rows_for(tess, services.patients(tess)))
    page_for_ten = _queries(lambda: client.get("/care/"))
    api_for_ten = _queries(lambda: client.get("/api/v1/care/patients?limit=500"))

    template = User.objects.get(email="full1@example.org")
    _copies(ten, template, 990)
    assert services.patients(tess).count() == 1000

    assert _queries(lambda: dashboard.rows_for(tess, services.patients(tess))) == rows_for_ten
    assert _queries(lambda: client.get("/care/")) == page_for_ten
    assert _queries(lambda: client.get("/api/v1/care/patients?limit=500")) == api_for_ten
    # and the reads of each of the 1,000 were written in their access logs
    page = client.get("/care/?sort=name")
    assert page.status_code == 200
    assert page.content.decode().count('href="/care/patients/') == 1000
    copied = every_row(AuditRecord).filter(origin="care:index", what="programs.Session")
    assert copied.values("owner_id").distinct().count() == 1000 - 1  # Olive has no program
