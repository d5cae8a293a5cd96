"""Weekly steps are recorded by an explicit step (``advance_program``, ``advance_programs``, run by
``send-reminders`` and by the person's own writes); reading shows a due step without saving it."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from crampcare.accounts.models import User
from crampcare.programs import services, sessions
from crampcare.programs.models import ChangeKind, Program, ProgramChange
from crampcare.programs.tests.builders import START, do_sessions, evening, make_program, week_nights
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


def _stored(user: User) -> Program:
    return Program.objects.for_user(user).get()


def _recorded(user: User) -> list[str]:
    return [change.kind for change in ProgramChange.objects.for_user(user).order_by("at", "id")]


def _good_first_week(user: User) -> tuple[Program, Any]:
    """A program with progression asked for and six nights done in week 1; and the evening of
    the first night of week 2, when the step up is due."""
    program = make_program(user, progression=True)
    nights = week_nights(program)
    do_sessions(user, nights[:6], pain=2)
    return program, evening(nights[-1] + timedelta(days=1))


def test_it_shows_a_due_step_without_recording_it(user: User) -> None:
    program, later = _good_first_week(user)
    recorded = _recorded(user)

    shown = services.current_program(user, user, later)

    assert shown is not None
    assert (shown.week, shown.level) == (2, 2)
    assert shown.last_step == {"week": 1, "change": "up", "reason": "good_week"}
    stored = _stored(user)
    assert (stored.week, stored.level, stored.last_step) == (1, 1, None)
    assert stored.updated_at == program.updated_at
    assert _recorded(user) == recorded


def test_it_lists_the_step_it_shows_in_the_history_before_it_is_recorded(user: User) -> None:
    _, later = _good_first_week(user)

    shown = services.current_program(user, user, later)
    changes = services.history(user, user, shown)

    assert changes[0].kind == ChangeKind.STEP_UP
    assert changes[0].pk is None  # not saved
    assert [c.kind for c in changes[1:]] == [c.kind for c in services.history(user, user)]
    assert not ProgramChange.objects.for_user(user).filter(kind=ChangeKind.STEP_UP).exists()


def test_it_records_the_step_as_it_was_shown(user: User) -> None:
    _, later = _good_first_week(user)
    shown = services.current_program(user, user, later)
    assert shown is not None
    shown_history = services.history(user, user, shown)

    recorded = services.advance_program(user, later)

    assert recorded is not None
    fields = ("week", "level", "plan", "last_step", "week_started_on", "sequence", "phase")
    stored = _stored(user)
    assert {f: getattr(stored, f) for f in fields} == {f: getattr(shown, f) for f in fields}
    again = services.current_program(user, user, later)
    assert again is not None
    assert again.unrecorded_changes is None  # nothing due any more
    assert [(c.kind, c.before, c.after, c.at) for c in services.history(user, user, stored)] == [
        (c.kind, c.before, c.after, c.at) for c in shown_history
    ]


def test_it_records_a_step_once_however_often_it_runs(user: User) -> None:
    _, later = _good_first_week(user)

    services.advance_program(user, later)
    services.advance_program(user, later + timedelta(hours=1))

    assert _recorded(user).count(ChangeKind.STEP_UP) == 1
    assert _stored(user).week == 2


def test_it_refuses_to_save_a_program_shown_ahead_of_its_record(user: User) -> None:
    _, later = _good_first_week(user)
    shown = services.current_program(user, user, later)
    assert shown is not None

    with pytest.raises(RuntimeError, match="not recorded yet"):
        shown.save()

    assert _stored(user).week == 1


def test_it_records_the_due_step_before_a_change_the_person_makes(user: User) -> None:
    _, later = _good_first_week(user)

    program = services.swap_exercise(user, "calf", "calf-stretch-seated", now=later)

    assert (program.week, program.level) == (2, 2)
    assert _recorded(user)[-2:] == [ChangeKind.STEP_UP, ChangeKind.SWAP]
    calf = program.get_plan().item("calf")
    assert calf is not None
    assert (calf.exercise_id, calf.dose.hold_seconds) == ("calf-stretch-seated", 15)


def test_it_counts_a_session_for_the_week_it_is(user: User) -> None:
    _, later = _good_first_week(user)

    session = sessions.start_session(user, now=later)

    assert session.week == 2
    assert _stored(user).week == 2


def test_it_records_nothing_while_paused(user: User) -> None:
    make_program(user)
    services.pause(user, now=START)

    assert services.advance_program(user, START + timedelta(days=30)) is not None
    assert services.advance_programs(START + timedelta(days=30)) == 0

    assert _stored(user).week == 1


def test_it_moves_on_every_program_that_is_due_and_no_other(user: User) -> None:
    _, later = _good_first_week(user)
    newcomer = make_user()
    make_program(newcomer, now=later - timedelta(days=2))
    paused = make_user()
    make_program(paused)
    services.pause(paused, now=START)
    before = {person.pk: _stored(person).updated_at for person in (newcomer, paused)}

    assert services.advance_programs(later) == 1
    assert services.advance_programs(later) == 0

    assert _stored(user).week == 2
    assert {person.pk: _stored(person).updated_at for person in (newcomer, paused)} == before


def test_it_moves_the_others_on_when_one_program_fails(
    user: User, other_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, later = _good_first_week(user)
    make_program(other_user)
    real = services.advance_program

    def failing(person: User, now: Any = None) -> Program | None:
        if person.pk == user.pk:
            raise RuntimeError("boom")
        return real(person, now)

    monkeypatch.setattr(services, "advance_program", failing)

    assert services.advance_programs(later) == 1

    assert (_stored(user).week, _stored(other_user).week) == (1, 2)


def test_send_reminders_records_the_weekly_steps_that_are_due(user: User) -> None:
    _, later = _good_first_week(user)

    with time_machine.travel(later, tick=False):
        call_command("send_reminders", stdout=io.StringIO(), stderr=io.StringIO())

    assert (_stored(user).week, _stored(user).level) == (2, 2)
    assert _recorded(user)[-1] == ChangeKind.STEP_UP
