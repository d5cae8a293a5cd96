"""The statistics' read model: the diary's rows and the program's sessions as ``NightRecord``
values (``insights.nights``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from crampcare.accounts.models import User
from crampcare.core.stats import Factor, NightRecord
from crampcare.core.stats import Intensity as StatsIntensity
from crampcare.diary import services
from crampcare.insights.nights import factor_answers, nights_for

pytestmark = pytest.mark.django_db

N1, N2, N3 = date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 3)


def _cramp(user: User, night: date, hour: int, severity: int | None = None) -> None:
    # Hour 23 is on the evening itself, earlier hours on the next morning (the user is in UTC).
    day = night if hour >= 12 else date.fromordinal(night.toordinal() + 1)
    services.create_episode(
        user, started_at=datetime(day.year, day.month, day.day, hour, tzinfo=UTC), severity=severity
    )


def test_it_counts_the_larger_of_the_logged_cramps_and_the_checkin(user: User) -> None:
    _cramp(user, N1, 23)
    _cramp(user, N1, 3)
    services.record_checkin(user, N1, cramp_count=1)  # said fewer than were logged
    _cramp(user, N2, 2)
    services.record_checkin(user, N2, cramp_count=3)  # logged fewer than were said
    records = nights_for(user, user, N1, N3)
    assert [(r.night, r.cramps) for r in records] == [(N1, 2), (N2, 3)]


def test_it_records_cramp_free_nights_and_leaves_silent_nights_out(user: User) -> None:
    services.record_checkin(user, N1, cramp_count=0)
    services.record_checkin(user, N3, cramp_count=1)
    assert [(r.night, r.cramps) for r in nights_for(user, user, N1, N3)] == [
        (N1, 0),
        (N3, 1),
    ]


def test_it_uses_logged_scores_and_falls_back_to_the_checkins(user: User) -> None:
    _cramp(user, N1, 2, severity=7)
    _cramp(user, N1, 4)  # not scored
    services.record_checkin(user, N1, cramp_count=2, severity=3)
    services.record_checkin(user, N2, cramp_count=2, severity=5)
    services.record_checkin(user, N3, cramp_count=0, severity=5)
    records = {r.night: r for r in nights_for(user, user, N1, N3)}
    assert records[N1].severities == (7.0,)
    assert records[N2].severities == (5.0,)
    assert records[N3].severities == ()


def test_it_takes_the_factors_of_the_nights_own_day(user: User) -> None:
    services.record_checkin(user, N1, cramp_count=2)
    services.record_checkin(user, N2, cramp_count=0)
    services.record_factors(user, N1, fluid_cups=Decimal(3), sitting_hours=Decimal(10))
    first, second = nights_for(user, user, N1, N2)
    assert first.exposures == {Factor.LOW_FLUIDS, Factor.LONG_SITTING}
    assert Factor.ALCOHOL in first.not_recorded
    assert Factor.LOW_FLUIDS not in first.not_recorded
    # No factors logged for N2: everything but the medicine is unknown, nothing is "present".
    assert second.exposures == frozenset()
    assert second.not_recorded == frozenset(Factor) - {Factor.NEW_MEDICINE}


def test_it_returns_the_statistics_own_records(user: User) -> None:
    services.record_checkin(user, N1, cramp_count=1)
    (record,) = nights_for(user, user, N1, N1)
    assert isinstance(record, NightRecord)
    assert record.program_done is False


def test_it_marks_the_nights_with_a_finished_program_session(user: User) -> None:
    from crampcare.programs import services as programs
    from crampcare.programs import sessions

    evening = datetime(2024, 6, 1, 21, 0, tzinfo=UTC)
    programs.create_program(user, {"age": 60}, now=evening)
    sessions.finish_session(user, difficulty=3, pain=0, now=evening)
    sessions.start_session(user, now=evening + timedelta(days=1))  # started, never finished
    for night in (N1, N2, N3):
        services.record_checkin(user, night, cramp_count=0)
    assert [r.program_done for r in nights_for(user, user, N1, N3)] == [True, False, False]


def test_it_reads_nights_in_four_queries_whatever_the_range(
    user: User, django_assert_num_queries
) -> None:
    for day in range(1, 29):
        night = date(2024, 2, day)
        services.record_checkin(user, night, cramp_count=day % 3)
        services.record_factors(user, night, fluid_cups=Decimal(day % 9))
        _cramp(user, night, 23, severity=day % 10)
    with django_assert_num_queries(5):
        assert len(nights_for(user, user, date(2024, 2, 1), date(2024, 2, 28))) == 28


@pytest.mark.parametrize(
    ("intensity", "minutes", "footwear", "expected_minutes", "expected_intensity", "unsupportive"),
    [
        ("none", 40, "supportive", 0, None, False),
        ("intense", 40, "high_heels", 40, StatsIntensity.VIGOROUS, True),
        ("light", None, "barefoot", None, StatsIntensity.LIGHT, True),
        ("", None, "", None, None, None),
    ],
)
def test_it_translates_a_days_answers_for_the_statistics(
    intensity: str,
    minutes: int | None,
    footwear: str,
    expected_minutes: int | None,
    expected_intensity: StatsIntensity | None,
    unsupportive: bool | None,
) -> None:
    answers = factor_answers(None, minutes, intensity, None, None, footwear, None, False)
    assert answers.exercise_minutes == expected_minutes
    assert answers.exercise_intensity == expected_intensity
    assert answers.unsupportive_footwear is unsupportive


def test_it_reads_steps_of_the_day_and_sleep_of_the_night_before(user: User) -> None:
    from django.db import transaction

    from crampcare.core.stats import possible_triggers
    from crampcare.diary import health
    from crampcare.diary import services as diary_services

    first = date(2024, 3, 1)
    days = {}
    for index in range(30):
        night = first + timedelta(days=index)
        busy = index % 2 == 0
        diary_services.record_checkin(user, night, cramp_count=3 if busy else 0)
        days[night] = {"steps": 15000 if busy else 4000, "sleep_minutes": 300 if busy else 480}
    with transaction.atomic():
        health.save_health_days(user, days)

    records = {r.night: r for r in nights_for(user, user, first, first + timedelta(days=29))}

    assert "high_steps" in records[first].exposures
    assert "high_steps" not in records[first + timedelta(days=1)].exposures
    # The night of the 2nd follows the short night of the 1st.
    assert "short_sleep" in records[first + timedelta(days=1)].exposures
    assert "short_sleep" not in records[first + timedelta(days=2)].exposures
    # The first night's night before was not imported: not recorded, not "long enough".
    assert "short_sleep" in records[first].not_recorded
    shown = {result.factor.value for result in possible_triggers(list(records.values()))}
    assert {"high_steps", "short_sleep"} <= shown
