"""Builders for the outcome tests: an organisation's members with programs, sessions, check-ins
and cramps written straight into their tables (each person's rows, as their own services would
leave them), so a test states exactly which nights hold what."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from crampcare.accounts.models import User
from crampcare.care import services
from crampcare.care.models import Organisation, Role
from crampcare.diary.models import CrampEpisode, NightCheckin
from crampcare.programs import services as programs
from crampcare.programs.models import Phase, Program, Session
from crampcare.testing.builders import make_user

# The day the outcomes are counted on: active means a record for a night from 23 June on; a
# program counts for the change in cramps when it started by 19 May (its week 6 is over).
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ACTIVE_SINCE = date(2025, 6, 23)
STARTED = date(2025, 5, 1)  # baseline: 17-30 April; week 6: 5-11 June


@cache
def _plan() -> tuple[dict[str, Any], dict[str, Any]]:
    """A real plan and profile (made once through the program service) for every test program."""
    person = make_user("plan.template@example.org")
    program = programs.create_program(person, {"age": 67, "bedtime": time(22, 30)})
    plan, profile = program.plan, program.profile
    person.delete()
    return plan, profile


@dataclass(frozen=True)
class Person:
    """What one member has: a program (started when, which week, which phase), the sessions
    finished in its current week, and nights of check-ins and cramps logged one by one."""

    started: date | None = STARTED
    week: int = 9
    phase: str = Phase.ACTIVE
    done_this_week: int = 0
    checkins: Mapping[date, int] | None = None
    cramps: Mapping[date, int] | None = None  # night -> cramps logged one by one
    # Other sessions: night -> (program week, finished or not).
    other_sessions: Mapping[date, tuple[int, bool]] | None = None


def add_person(
    admin: User, organisation: Organisation, person: Person, *, role: str = Role.MEMBER
) -> User:
    user = make_user()
    services.add_member(admin, organisation, user, role)
    if person.started is not None:
        plan, profile = _plan()
        week_started = person.started + timedelta(days=7 * (person.week - 1))
        program = Program.objects.create(
            owner=user,
            plan={
                **plan,
                "phase": "maintenance" if person.phase == Phase.MAINTENANCE else "program",
            },
            profile=profile,
            started_on=person.started,
            week_started_on=week_started,
            week=person.week,
            phase=person.phase,
            bedtime=time(22, 30),
        )
        Session.objects.bulk_create(
            Session(
                owner=user,
                program=program,
                night=week_started + timedelta(days=n),
                week=person.week,
                completed_at=NOW,
            )
            for n in range(person.done_this_week)
        )
        Session.objects.bulk_create(
            Session(
                owner=user,
                program=program,
                night=night,
                week=week,
                completed_at=NOW if finished else None,
            )
            for night, (week, finished) in (person.other_sessions or {}).items()
        )
    add_checkins(user, (person.checkins or {}).items())
    for night, count in (person.cramps or {}).items():
        add_cramps(user, night, count)
    return user


def add_checkins(user: User, nights: Iterable[tuple[date, int]]) -> None:
    NightCheckin.objects.bulk_create(
        NightCheckin(owner=user, night=night, cramp_count=count) for night, count in nights
    )


def add_cramps(user: User, night: date, count: int) -> None:
    CrampEpisode.objects.bulk_create(
        CrampEpisode(
            owner=user,
            night=night,
            started_at=datetime.combine(night, time(23, 0), tzinfo=UTC) + timedelta(minutes=i),
        )
        for i in range(count)
    )


def nights(first: date, counts: Iterable[int]) -> dict[date, int]:
    """Consecutive nights from ``first`` with these counts."""
    return {first + timedelta(days=n): count for n, count in enumerate(counts)}


def baseline(counts: Iterable[int], program_start: date = STARTED) -> dict[date, int]:
    """Nights of the baseline, from 14 nights before the program's first night on."""
    return nights(program_start - timedelta(days=14), counts)


def week6(counts: Iterable[int], program_start: date = STARTED) -> dict[date, int]:
    return nights(program_start + timedelta(days=35), counts)
