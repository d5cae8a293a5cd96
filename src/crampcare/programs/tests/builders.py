"""Builders for the program's Django tests: a person with a program, sessions on given nights."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from crampcare.accounts.models import User
from crampcare.programs import services, sessions
from crampcare.programs.models import Program, Session

# The trial's typical participant, as "about you" answers (67, no risk factors) [R1].
TYPICAL_ANSWERS: dict[str, Any] = {"age": 67, "bedtime": time(22, 30)}
# A Wednesday evening, well away from clock changes: 20:00 in London (BST, UTC+1).
START = datetime(2025, 6, 4, 19, 0, tzinfo=UTC)


def evening(night: date, hour: int = 21, zone: str = "Europe/London") -> datetime:
    """An instant on the evening of ``night`` in ``zone`` (as UTC)."""
    from zoneinfo import ZoneInfo

    return datetime.combine(night, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def make_program(
    user: User, *, now: datetime = START, progression: bool = False, **preferences: Any
) -> Program:
    """A program for the trial's typical participant; ``progression``: they asked for it."""
    if user.time_zone != "Europe/London":
        user.time_zone = "Europe/London"
        user.save(update_fields=["time_zone"])
    program = services.create_program(user, {**TYPICAL_ANSWERS, **preferences}, now=now)
    if progression:
        program = services.set_progression(user, True, now=now)
    return program


def do_sessions(
    user: User, nights: list[date], *, difficulty: int = 3, pain: int = 0
) -> list[Session]:
    """Finish a session on each night (in order), as the person would in the evening."""
    return [
        sessions.finish_session(user, difficulty=difficulty, pain=pain, now=evening(night))
        for night in nights
    ]


def week_nights(program: Program, week: int = 1, count: int = 7) -> list[date]:
    first = program.started_on + timedelta(days=7 * (week - 1))
    return [first + timedelta(days=n) for n in range(count)]
