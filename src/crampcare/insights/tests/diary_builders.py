"""Diary rows for the insights tests, written straight to the tables (fast enough for 500 nights).

The pattern is fixed and easy to reason about: a bad first fortnight, then fewer cramps; more
cramps after days with alcohol; a pain score on every logged cramp.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from crampcare.accounts.models import User
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin

# "Now" for tests that freeze the clock: noon on a Monday, so the night of the 9th has ended.
NOW = datetime(2025, 6, 10, 13, 0, tzinfo=UTC)
LAST_NIGHT = date(2025, 6, 9)


def cramps_on(index: int, alcohol: bool) -> int:
    base = 3 if index < 14 else 1 if index % 3 else 0
    return base + (1 if alcohol else 0)


def fill_diary(user: User, nights: int, last: date = LAST_NIGHT, *, factors: bool = True) -> None:
    """``nights`` consecutive recorded nights ending on ``last``."""
    zone = ZoneInfo(user.time_zone)
    first = last - timedelta(days=nights - 1)
    checkins, episodes, days = [], [], []
    for index in range(nights):
        night = first + timedelta(days=index)
        alcohol = index % 4 == 0
        count = cramps_on(index, alcohol)
        checkins.append(
            NightCheckin(owner=user, night=night, cramp_count=count, severity=6 if count else None)
        )
        for number in range(count):
            started = datetime.combine(night + timedelta(days=1), time(2, 10 * number), zone)
            episodes.append(
                CrampEpisode(
                    owner=user,
                    started_at=started.astimezone(UTC),
                    night=night,
                    muscle="calf",
                    severity=7 if index < 14 else 4 + number % 2,
                    duration_minutes=3,
                    woke_me=True,
                    helped=["stretching"] if number % 2 == 0 else ["walking", "massage"],
                )
            )
        if factors:
            days.append(
                DailyFactors(
                    owner=user,
                    date=night,
                    fluid_cups=Decimal(4 if index % 5 == 0 else 8),
                    exercise_minutes=20,
                    exercise_intensity="light",
                    exercise_in_heat=False,
                    sitting_hours=Decimal(6),
                    footwear="supportive",
                    alcohol_drinks=Decimal(3 if alcohol else 0),
                    medicine_change=index == nights - 10,
                    medicine_note="amlodipine" if index == nights - 10 else "",
                )
            )
    NightCheckin.objects.bulk_create(checkins)
    CrampEpisode.objects.bulk_create(episodes)
    DailyFactors.objects.bulk_create(days)
