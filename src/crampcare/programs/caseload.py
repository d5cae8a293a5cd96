"""The program of many people at a glance, for a clinician's list: this week's sessions against
the plan, the sessions that hurt, the last one done and the last "I have been checked".

Read through the batch door (``for_readers``): a fixed number of queries however many people,
one audit record per person and kind of record. People the reader may not read are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone

from crampcare.core.nights import night_of
from crampcare.programs.models import ChangeKind, Program, ProgramChange, Session
from crampcare.programs.progression import PAINFUL_FROM, nights_per_week

if TYPE_CHECKING:
    from crampcare.accounts.models import User
    from crampcare.accounts.ownership import AnyUser

WEEK_NIGHTS = 7


@dataclass(frozen=True)
class PainfulSession:
    night: date
    pain: int


@dataclass(frozen=True)
class ProgramGlance:
    """One person's program at a glance. ``done``/``planned`` are this program week's nights:
    the week as it stands tonight, counting a weekly step that is due but not recorded yet."""

    paused: bool
    week_start: date
    done: int
    planned: int
    # Sessions of the last seven nights rated "it hurt" 5 or more out of 10 (as the weekly step
    # counts a painful session, progression.PAINFUL_FROM), newest first.
    painful: tuple[PainfulSession, ...]
    last_session_at: datetime | None  # when the latest session was finished
    last_clearance_at: datetime | None  # the latest "I have been checked" (programs.hold)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.planned)) if self.planned else 0


def week_start_tonight(program: Program, night: date) -> date:
    """The first night of the program week ``night`` falls in: the stored week moved on by the
    weeks that ended since (a paused program's weeks do not end)."""
    if program.paused or night < program.week_started_on:
        return program.week_started_on
    return program.week_started_on + timedelta(
        days=WEEK_NIGHTS * ((night - program.week_started_on).days // WEEK_NIGHTS)
    )


def glance_for_each(
    actor: AnyUser, subjects: Iterable[User], now: datetime | None = None
) -> dict[int, ProgramGlance]:
    """``ProgramGlance`` of each of ``subjects`` who has a program. Five queries."""
    now = now or timezone.now()
    people = list(subjects)
    programs = {
        program.owner_id: program
        for program in Program.objects.for_readers(actor, people, drop_refused=True)
    }
    if not programs:
        return {}
    # Only the sessions and changes of people with a program are read (and audited).
    people = [person for person in people if person.pk in programs]
    tonight = {person.pk: night_of(now, person.time_zone) for person in people}
    starts = {
        owner: week_start_tonight(program, tonight[owner]) for owner, program in programs.items()
    }
    earliest = min(min(starts.values()), min(tonight.values()) - timedelta(days=WEEK_NIGHTS - 1))
    sessions = Session.objects.for_readers(actor, people, drop_refused=True)
    done: dict[int, set[date]] = defaultdict(set)
    painful: dict[int, list[PainfulSession]] = defaultdict(list)
    for owner, night, pain in (
        sessions.filter(night__gte=earliest, completed_at__isnull=False)
        .order_by("-night")
        .values_list("owner_id", "night", "pain")
    ):
        if owner not in programs:
            continue
        if starts[owner] <= night <= tonight[owner]:
            done[owner].add(night)
        if (
            pain is not None
            and pain >= PAINFUL_FROM
            and night > tonight[owner] - timedelta(days=WEEK_NIGHTS)
        ):
            painful[owner].append(PainfulSession(night, pain))
    last_session = dict(
        sessions.filter(completed_at__isnull=False)
        .order_by()
        .values("owner_id")
        .annotate(at=Max("completed_at"))
        .values_list("owner_id", "at")
    )
    cleared = dict(
        ProgramChange.objects.for_readers(actor, people, drop_refused=True)
        .filter(kind=ChangeKind.CLEARED)
        .order_by()
        .values("owner_id")
        .annotate(at=Max("at"))
        .values_list("owner_id", "at")
    )
    return {
        owner: ProgramGlance(
            paused=program.paused,
            week_start=starts[owner],
            done=min(WEEK_NIGHTS, len(done[owner])),
            planned=nights_per_week(program.get_plan()),
            painful=tuple(painful[owner]),
            last_session_at=last_session.get(owner),
            last_clearance_at=cleared.get(owner),
        )
        for owner, program in programs.items()
    }
