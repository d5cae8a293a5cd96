"""One person with every kind of personal record, built through each app's own services.

Used by the export/import and erasure tests. Each step runs with the clock frozen at its own
moment, so the same calls always give the same data (timestamps included) and every instant is
in the past at ``NOW``, when the tests look at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction

from crampcare.accounts import services as accounts
from crampcare.accounts.models import PushSubscription, TaskProgress, User
from crampcare.assessment import services as assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.care import messaging
from crampcare.care import services as care
from crampcare.care.models import Organisation, Role
from crampcare.diary import health
from crampcare.diary import services as diary
from crampcare.idempotency.models import IdempotencyKey
from crampcare.insights import services as insights
from crampcare.programs import calendar, reminders, sessions
from crampcare.programs import services as programs
from crampcare.programs.models import Program
from crampcare.testing.builders import make_user

ZONE = "Europe/London"
FIRST_NIGHT = date(2025, 4, 10)
PROGRAM_NIGHT = date(2025, 5, 1)
LAST_NIGHT = date(2025, 5, 19)
# The morning after the last night: everything above has happened.
NOW = datetime(2025, 5, 20, 11, 0, tzinfo=UTC)
# Nights without a session on the program: a missed night, then a paused stretch.
NO_SESSION = {date(2025, 5, 4), date(2025, 5, 8), date(2025, 5, 12), date(2025, 5, 13)}


@dataclass(frozen=True)
class Secrets:
    """What must never appear in an export."""

    access_token: str
    access_token_digest: str
    calendar_token: str
    calendar_token_digest: str


def evening(night: date, hour: int = 21, minute: int = 0) -> datetime:
    """An instant on the evening of ``night`` (or, for hours before noon, the morning after)."""
    day = night + timedelta(days=1) if hour < 12 else night
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE)).astimezone(UTC)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def fill_everything(user: User) -> Secrets:
    """Diary, assessments, a program with its history, sessions and a reminder, two self-tests
    (the same first night), access tokens, a calendar feed, and a clinician who follows the
    person and has read their cramps once (a line in their access log)."""
    accounts.update_profile(user, display_name="Olive", time_zone=ZONE)
    _assessments(user)
    _program(user)
    _self_tests(user)
    with at(NOW):
        _diary(user)
    _care(user)
    return _secrets(user)


def _assessments(user: User) -> None:
    with at(evening(FIRST_NIGHT - timedelta(days=3), 19)):
        assessment.save_answers(user, {"age": 67})  # a questionnaire left unfinished
    with at(evening(FIRST_NIGHT - timedelta(days=2), 19, 30)):
        assessment.save_assessment(user, typical_payload(cramps_per_week=5))


def _program(user: User) -> None:
    with at(evening(PROGRAM_NIGHT, 20)):
        programs.create_program(user, {"bedtime": time(22, 30), "prefers_in_bed": True})
    night = PROGRAM_NIGHT
    while night <= LAST_NIGHT:
        _evening_of(user, night)
        night += timedelta(days=1)


def _evening_of(user: User, night: date) -> None:
    if night == date(2025, 5, 3):
        with at(evening(night, 20)):
            programs.change_bedtime(user, time(22, 0))
    if night == date(2025, 5, 5):
        with at(evening(night, 20)):
            options = programs.alternatives(programs.require_program(user, user))
            slot, choices = next((s, c) for s, c in options.items() if len(c) > 1)
            programs.swap_exercise(user, slot, choices[1])
    if night == date(2025, 5, 12):
        with at(evening(night, 20)):
            programs.pause(user)
    if night == date(2025, 5, 14):
        with at(evening(night, 20)):
            programs.resume(user)
            programs.change_reminder(user, minutes_before=20, email=True)
    if night == date(2025, 5, 15):
        with at(evening(night, 21, 50)):  # inside the 20 minutes before 22:00
            reminders.send_due_reminders()
    if night == LAST_NIGHT:
        with at(evening(night, 22, 5)):
            progress = {"step": 3, "item": 0, "phase": "hold", "remaining": 12.5}
            sessions.save_progress(user, progress)  # started, not finished
    elif night not in NO_SESSION:
        with at(evening(night, 22, 15)):
            sessions.finish_session(user, difficulty=night.day % 7, pain=night.day % 3)


def _diary(user: User) -> None:
    night = FIRST_NIGHT
    while night <= LAST_NIGHT:
        index = (night - FIRST_NIGHT).days
        count = (3 if night < PROGRAM_NIGHT else 1) - (1 if index % 3 == 0 else 0)
        if index % 9 != 4:  # a few mornings without a check-in
            diary.record_checkin(user, night, cramp_count=count, severity=6 if count else None)
        for number in range(count if index % 2 else 0):
            diary.create_episode(
                user,
                started_at=evening(night, 2, 10 + 7 * number) + timedelta(seconds=index),
                muscle="calf" if number == 0 else "foot",
                side="left",
                severity=7 if night < PROGRAM_NIGHT else 4,
                duration_minutes=3,
                woke_me=True,
                helped=["stretching", "walking"] if number == 0 else [],
                notes="=after the long drive" if index == 5 else "",
            )
        if index % 4 != 1:
            diary.record_factors(
                user,
                night,
                fluid_cups=Decimal("4.5" if index % 5 == 0 else "8"),
                exercise_minutes=30,
                exercise_intensity="intense" if index % 6 == 0 else "light",
                exercise_in_heat=index % 6 == 0,
                sitting_hours=Decimal(9 if index % 2 else 4),
                footwear="supportive",
                alcohol_drinks=Decimal(2 if index % 4 == 0 else 0),
                medicine_change=index == 20,
                medicine_note="'new' tablets" if index == 20 else "",
            )
        night += timedelta(days=1)
    _health_app(user)


def _health_app(user: User) -> None:
    """Days imported from a health app: their own rows, and answers filled in the day's factors
    (marked as imported) where the person had typed none."""
    days = {
        FIRST_NIGHT + timedelta(days=index): {
            "steps": 4000 + 1500 * index,
            "steps_source": "Ann’s Apple Watch",
            "water_cups": Decimal("6.5"),
            "workouts": 1,
            "workout_minutes": 40,
            "workout_intensity": "moderate",
            "workout_in_heat": index == 1,
            "last_workout_end": time(18, 45),
            "sleep_minutes": 300 + 30 * index,
            "awakenings": index,
        }
        for index in range(1, 6)
    }
    with transaction.atomic():
        saved = health.save_health_days(user, days)
        health.fill_factors(
            user,
            {
                day: {"fluid_cups": values["water_cups"], "exercise_minutes": 40}
                for day, values in days.items()
            },
            saved,
        )


def _care(user: User) -> None:
    """An organisation with a clinician in the person's care team, who reads their cramps once:
    the care tables have rows and the person's access log one line; then a conversation with
    two messages (exported, never imported, like the access log)."""
    with at(evening(LAST_NIGHT, 9)):
        admin = make_user(f"care-admin-of-{user.pk}@example.org", is_staff=True)
        clinician = make_user(f"clinician-of-{user.pk}@example.org", display_name="Tess")
        organisation = care.create_organisation(admin, "Riverside Physio", Organisation.Kind.CLINIC)
        care.add_member(admin, organisation, clinician, Role.CLINICIAN)
        invitation = care.invite(clinician, user.email)
    with at(evening(LAST_NIGHT, 10)):
        care.accept(user, invitation.code)
    with at(evening(LAST_NIGHT, 11)):
        list(diary.episodes(clinician, user))
    with at(evening(LAST_NIGHT, 12)):
        thread = messaging.start_thread(
            clinician, invitation.relationship.pk, "Your first week", "How were the nights?"
        )
    with at(evening(LAST_NIGHT, 13)):
        messaging.reply(user, thread.pk, "=Better, two cramps instead of five.")


def _self_tests(user: User) -> None:
    first_day = date(2025, 5, 16)
    with at(evening(first_day, 19)):
        first = insights.start_self_test(user, "Stretching", "Stretching and a warm bath", 4)
    with at(evening(first_day, 19, 30)):
        insights.stop_self_test(user, first.pk)
    with at(evening(first_day, 20)):
        insights.start_self_test(user, "Stretching", "Stretching and heel raises", 6)


def _secrets(user: User) -> Secrets:
    with at(evening(LAST_NIGHT, 18)):
        token, secret = accounts.create_token(user, "phone")
        accounts.create_token(user, "=spreadsheet-looking name")
        calendar_secret = calendar.new_calendar_token(user)
    with at(evening(LAST_NIGHT, 18, 30)):
        accounts.user_for_token(secret)  # marks it used
        # A write sent with an Idempotency-Key keeps its first answer for a day (not exported).
        IdempotencyKey.objects.create(
            owner=user,
            key="retry-1",
            method="POST",
            path="/api/v1/diary/episodes",
            body_digest="0" * 64,
            status_code=201,
            content_type="application/json",
            content=b'{"id": 1}',
            created_at=evening(LAST_NIGHT, 18, 30),
        )
        # A browser with reminders on the phone: a device's secret, not exported.
        PushSubscription.objects.create(
            owner=user,
            endpoint=f"https://fcm.googleapis.com/fcm/send/everything-{user.pk}",
            p256dh="B" + "A" * 86,
            auth="A" * 22,
            label="Chrome on Android",
        )
        # An import the worker finished: how far it came and what it answered, not exported.
        TaskProgress.objects.create(
            owner=user, kind="import", state=TaskProgress.State.DONE, done=3, total=3, result={}
        )
    # Read as stored: ``require_program`` would show the weekly steps due by the real clock.
    program = Program.objects.for_user(user).get()
    assert program.calendar_token_digest
    return Secrets(secret, token.digest, calendar_secret, program.calendar_token_digest)
