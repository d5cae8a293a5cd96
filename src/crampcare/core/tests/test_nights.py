from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crampcare.core.nights import (
    CUTOVER_HOUR,
    NaiveDatetimeError,
    check_in_night,
    local_day,
    night_bounds,
    night_of,
    nights_in_range,
)

# (zone, night that contains the clock change, its length in hours) for both 2024 transitions.
DST_NIGHTS = [
    ("Europe/London", date(2024, 3, 30), 23),
    ("Europe/London", date(2024, 10, 26), 25),
    ("America/New_York", date(2024, 3, 9), 23),
    ("America/New_York", date(2024, 11, 2), 25),
    ("Australia/Sydney", date(2024, 4, 6), 25),
    ("Australia/Sydney", date(2024, 10, 5), 23),
]


def test_it_puts_an_early_morning_cramp_in_the_previous_evenings_night() -> None:
    cramp = datetime(2024, 6, 5, 2, 0, tzinfo=ZoneInfo("Europe/London"))
    assert night_of(cramp.astimezone(UTC), "Europe/London") == date(2024, 6, 4)


def test_it_starts_a_new_night_at_the_cutover_hour() -> None:
    london = ZoneInfo("Europe/London")
    just_before = datetime(2024, 6, 5, CUTOVER_HOUR - 1, 59, 59, tzinfo=london)
    at_cutover = datetime(2024, 6, 5, CUTOVER_HOUR, 0, tzinfo=london)
    assert night_of(just_before.astimezone(UTC), "Europe/London") == date(2024, 6, 4)
    assert night_of(at_cutover.astimezone(UTC), "Europe/London") == date(2024, 6, 5)


def test_it_uses_the_persons_zone_not_utc() -> None:
    # 23:30 UTC on the 4th is 09:30 on the 5th in Sydney: the night of the 4th there,
    # but still the evening of the 4th in New York (19:30).
    instant = datetime(2024, 6, 4, 23, 30, tzinfo=UTC)
    assert night_of(instant, "Australia/Sydney") == date(2024, 6, 4)
    assert night_of(instant, "America/New_York") == date(2024, 6, 4)
    # 14:00 UTC on the 5th is midnight in Sydney (night of the 5th) and 10:00 in New York (4th).
    later = datetime(2024, 6, 5, 14, 0, tzinfo=UTC)
    assert night_of(later, "Australia/Sydney") == date(2024, 6, 5)
    assert night_of(later, "America/New_York") == date(2024, 6, 4)


def test_it_rejects_a_naive_datetime_with_a_clear_message() -> None:
    with pytest.raises(NaiveDatetimeError, match="no time zone"):
        night_of(datetime(2024, 6, 5, 2, 0), "Europe/London")


def test_it_rejects_an_unknown_time_zone_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        night_of(datetime(2024, 6, 5, tzinfo=UTC), "Mars/Olympus")


def test_it_accepts_an_aware_instant_in_any_zone() -> None:
    in_new_york = datetime(2024, 6, 5, 2, 0, tzinfo=ZoneInfo("America/New_York"))
    assert night_of(in_new_york, "America/New_York") == date(2024, 6, 4)


@pytest.mark.parametrize(("tz", "changed_night", "hours"), DST_NIGHTS)
def test_it_neither_loses_nor_doubles_a_night_across_a_clock_change(
    tz: str, changed_night: date, hours: int
) -> None:
    # Sample every 15 minutes for three days either side of the change.
    start = datetime.combine(changed_night - timedelta(days=3), datetime.min.time(), UTC)
    samples = [start + timedelta(minutes=15 * step) for step in range(4 * 24 * 7)]
    per_night = Counter(night_of(instant, tz) for instant in samples)
    inner = sorted(per_night)[1:-1]  # the first and last nights are cut off by the sample window
    assert inner == nights_in_range(inner[0], inner[-1])
    assert per_night[changed_night] == 4 * hours
    assert all(per_night[night] == 4 * 24 for night in inner if night != changed_night)


@pytest.mark.parametrize(("tz", "changed_night", "hours"), DST_NIGHTS)
def test_it_gives_the_changed_night_bounds_of_23_or_25_hours(
    tz: str, changed_night: date, hours: int
) -> None:
    start, end = night_bounds(changed_night, tz)
    assert end - start == timedelta(hours=hours)
    before_start, before_end = night_bounds(changed_night - timedelta(days=1), tz)
    after_start, _ = night_bounds(changed_night + timedelta(days=1), tz)
    assert before_end == start
    assert end == after_start
    assert before_end - before_start == timedelta(hours=24)


def test_it_puts_both_copies_of_a_repeated_hour_in_the_same_night() -> None:
    london = ZoneInfo("Europe/London")
    first = datetime(2024, 10, 27, 1, 30, tzinfo=london, fold=0)
    second = datetime(2024, 10, 27, 1, 30, tzinfo=london, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert night_of(first.astimezone(UTC), "Europe/London") == date(2024, 10, 26)
    assert night_of(second.astimezone(UTC), "Europe/London") == date(2024, 10, 26)


def test_it_keeps_every_night_24_hours_in_utc() -> None:
    for night in nights_in_range(date(2024, 1, 1), date(2024, 12, 31)):
        start, end = night_bounds(night, "UTC")
        assert end - start == timedelta(hours=24)
        assert start == datetime(night.year, night.month, night.day, CUTOVER_HOUR, tzinfo=UTC)


@given(
    instant=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2037, 12, 31),
        timezones=st.just(UTC),
    ),
    tz=st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "UTC"]),
)
def test_it_places_every_instant_inside_its_nights_bounds(instant: datetime, tz: str) -> None:
    start, end = night_bounds(night_of(instant, tz), tz)
    assert start <= instant < end


def test_it_asks_the_morning_check_in_about_last_night() -> None:
    london = ZoneInfo("Europe/London")
    morning = datetime(2024, 6, 5, 7, 0, tzinfo=london)
    afternoon = datetime(2024, 6, 5, 15, 0, tzinfo=london)
    assert check_in_night(morning, "Europe/London") == date(2024, 6, 4)
    assert check_in_night(afternoon, "Europe/London") == date(2024, 6, 4)


def test_it_gives_the_local_calendar_day_for_daily_factors() -> None:
    instant = datetime(2024, 6, 4, 23, 30, tzinfo=UTC)
    assert local_day(instant, "Australia/Sydney") == date(2024, 6, 5)
    assert local_day(instant, "America/New_York") == date(2024, 6, 4)


def test_it_lists_nights_inclusively_across_a_month_end() -> None:
    assert nights_in_range(date(2024, 2, 28), date(2024, 3, 1)) == [
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
    ]
    assert nights_in_range(date(2024, 3, 1), date(2024, 3, 1)) == [date(2024, 3, 1)]


def test_it_rejects_a_range_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends"):
        nights_in_range(date(2024, 3, 2), date(2024, 3, 1))
