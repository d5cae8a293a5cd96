from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from crampcare.accounts.models import User
from crampcare.programs import services, sessions
from crampcare.programs.models import Session
from crampcare.programs.tests.builders import do_sessions, evening, make_program, week_nights

pytestmark = pytest.mark.django_db

PROGRESS = {"step": 4, "item": 0, "set": 1, "rep": 2, "side": 1, "phase": "hold", "remaining": 6.5}


def test_it_starts_tonights_session_once_with_tonights_items(user: User) -> None:
    program = make_program(user)
    now = evening(program.started_on)

    first = sessions.start_session(user, now=now)
    again = sessions.start_session(user, now=now + timedelta(minutes=5))

    assert first.pk == again.pk
    assert first.night == program.started_on
    assert first.week == 1
    planned = sessions.items_for_night(program, program.started_on)
    assert [item["exercise_id"] for item in first.items] == [i.exercise_id for i in planned]


def test_it_puts_alternate_night_extras_on_every_other_night(user: User) -> None:
    program = make_program(user, progression=True)
    first, second = week_nights(program, 1, 2)

    tonight = {item.slot for item in sessions.items_for_night(program, first)}
    tomorrow = {item.slot for item in sessions.items_for_night(program, second)}

    assert "glutes" in tonight
    assert "glutes" not in tomorrow
    assert "heel-raises" not in tonight | tomorrow  # daytime work
    assert {"calf", "hamstring"} <= tomorrow


def test_it_gives_only_the_trials_two_stretches_each_night_by_default(user: User) -> None:
    program = make_program(user)

    for night in week_nights(program, 1, 2):
        slots = [item.slot for item in sessions.items_for_night(program, night)]
        assert slots == ["calf", "hamstring"]


def test_it_saves_progress_and_resumes_from_it(user: User) -> None:
    program = make_program(user)
    now = evening(program.started_on)

    sessions.save_progress(user, PROGRESS, now=now)

    session = sessions.tonight_session(user, now + timedelta(minutes=1))
    assert session is not None
    assert {k: session.progress[k] for k in PROGRESS} == PROGRESS
    assert session.progress["saved_at"] == now.isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phase": "dancing"}, "progress.phase"),
        ({"remaining": -1}, "progress.remaining"),
        ({"item": 99}, "progress.item"),
        ({"colour": "red"}, "progress.colour"),
    ],
)
def test_it_rejects_bad_progress_naming_the_field(user: User, change: dict, field: str) -> None:
    program = make_program(user)

    with pytest.raises(ValidationError) as error:
        sessions.save_progress(user, {**PROGRESS, **change}, now=evening(program.started_on))

    assert field in error.value.message_dict
    assert not Session.objects.for_user(user).exists()


def test_it_counts_a_session_finished_after_midnight_for_the_evening_it_began(user: User) -> None:
    program = make_program(user)
    night = program.started_on
    late = evening(night, hour=23) + timedelta(minutes=50)

    sessions.save_progress(user, PROGRESS, now=late)
    session = sessions.finish_session(user, difficulty=4, pain=1, now=late + timedelta(minutes=20))

    assert session.night == night
    assert Session.objects.for_user(user).count() == 1
    assert session.done
    assert (session.difficulty, session.pain) == (4, 1)
    assert session.progress["phase"] == "done"


@pytest.mark.parametrize(("difficulty", "pain"), [(11, 0), (0, -1), (True, 0)])
def test_it_rejects_ratings_outside_0_to_10_and_logs_nothing(
    user: User, difficulty: int, pain: int
) -> None:
    make_program(user)

    with pytest.raises(ValidationError):
        sessions.finish_session(user, difficulty=difficulty, pain=pain)

    assert not Session.objects.for_user(user).exists()


def test_it_keeps_a_finished_sessions_record_when_late_progress_arrives(user: User) -> None:
    program = make_program(user)
    now = evening(program.started_on)
    sessions.finish_session(user, difficulty=2, pain=0, now=now)

    session = sessions.save_progress(user, PROGRESS, now=now + timedelta(minutes=1))

    assert session.progress["phase"] == "done"


def test_it_counts_nights_streak_and_the_weeks_share(user: User) -> None:
    program = make_program(user)
    nights = week_nights(program)
    do_sessions(user, [nights[0], nights[2], nights[3]])

    result = sessions.adherence(user, program, evening(nights[4]))

    assert result.nights_done == 3
    assert result.streak == 2  # nights 3 and 4; tonight not done yet does not break it
    assert not result.tonight_done
    assert (result.this_week.done, result.this_week.planned, result.this_week.percent) == (3, 7, 43)
    assert [mark.done for mark in result.nights] == [True, False, True, True, False, False, False]
    assert [mark.tonight for mark in result.nights].index(True) == 4
    assert "2 nights in a row" in result.message


def test_it_words_a_missed_night_kindly(user: User) -> None:
    program = make_program(user)
    nights = week_nights(program)
    do_sessions(user, [nights[0]])

    result = sessions.adherence(user, program, evening(nights[3]))

    assert result.streak == 0
    assert "fail" not in result.message.lower()
    assert "normal" in result.message


def test_it_lists_each_past_weeks_share(user: User) -> None:
    program = make_program(user)
    do_sessions(user, week_nights(program, 1, 7) + week_nights(program, 2, 3))
    now = evening(week_nights(program, 3)[0])
    current = services.current_program(user, user, now)
    assert current is not None
    result = sessions.adherence(user, current, now)

    assert [(w.week, w.done, w.percent) for w in result.weeks] == [(1, 7, 100), (2, 3, 43)]


def test_it_uses_the_persons_zone_for_tonight(user: User) -> None:
    make_program(user)
    user.time_zone = "Pacific/Auckland"
    user.save()
    # 10:00 UTC on 5 June is 22:00 in Auckland: the night of the 5th there.
    session = sessions.start_session(user, now=datetime(2025, 6, 5, 10, tzinfo=UTC))

    assert session.night.isoformat() == "2025-06-05"


def test_it_counts_the_night_as_soon_as_the_last_step_is_reached(user: User) -> None:
    program = make_program(user)
    now = evening(program.started_on)
    progress = {"step": 20, "item": 1, "phase": "done", "remaining": 0, "played": [0, 1]}

    session = sessions.save_progress(user, progress, now=now)

    assert session.completed_at == now
    assert not session.skipped
    assert not session.rated
    assert sessions.tonight_overview(user, program, now).done


def test_it_records_a_session_with_every_exercise_skipped_as_skipped_not_done(user: User) -> None:
    program = make_program(user)
    now = evening(program.started_on)
    progress = {"step": 20, "item": 1, "phase": "done", "remaining": 0, "played": []}

    session = sessions.save_progress(user, progress, now=now)

    assert session.skipped
    assert session.completed_at is None
    assert sessions.adherence(user, program, now).nights_done == 0
