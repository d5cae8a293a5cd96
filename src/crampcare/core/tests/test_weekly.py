from datetime import date, timedelta

import pytest

from crampcare.core.stats import NightRecord, weekly_series
from crampcare.core.tests.builders import START, night_series


def test_it_groups_nights_into_weeks_starting_on_monday() -> None:
    # Sunday 7 January, then Monday 8 to Sunday 14 January 2024.
    nights = night_series([2] + [1] * 7, date(2024, 1, 7))
    first, second = weekly_series(nights)
    assert first.start == date(2024, 1, 1)
    assert (first.nights, first.cramps, first.cramps_per_night) == (1, 2, 2.0)
    assert second.start == date(2024, 1, 8)
    assert (second.nights, second.cramps, second.cramps_per_night) == (7, 7, 1.0)


def test_it_lists_empty_weeks_so_the_time_axis_has_no_jumps() -> None:
    nights = night_series([1] * 3) + night_series([2] * 3, START + timedelta(weeks=3))
    weeks = weekly_series(nights)
    assert [w.start for w in weeks] == [START + timedelta(weeks=i) for i in range(4)]
    assert [w.nights for w in weeks] == [3, 0, 0, 3]
    assert weeks[1].cramps_per_night is None
    assert weeks[1].mean_severity is None
    assert weeks[1].adherence_pct is None


def test_it_averages_pain_over_nights_with_a_score() -> None:
    nights = night_series([2, 1, 0, 1], severities=[(8.0, 6.0), (4.0,), (), ()])
    [week] = weekly_series(nights)
    assert week.mean_severity == pytest.approx((7.0 + 4.0) / 2)


def test_it_counts_adherence_from_the_program_start() -> None:
    nights = night_series([1] * 7, program_done=[False, False, False, True, True, False, True])
    [week] = weekly_series(nights, program_start=START + timedelta(days=3))
    assert week.adherence_pct == pytest.approx(75.0)
    [whole] = weekly_series(nights)
    assert whole.adherence_pct == pytest.approx(300 / 7)


def test_it_gives_no_adherence_for_weeks_before_the_program() -> None:
    nights = night_series([1] * 14)
    before, during = weekly_series(nights, program_start=START + timedelta(days=7))
    assert before.adherence_pct is None
    assert during.adherence_pct == 0.0


def test_it_returns_nothing_for_an_empty_diary() -> None:
    assert weekly_series([]) == []


def test_it_covers_ten_years_without_losing_a_night() -> None:
    nights = [NightRecord(START + timedelta(days=i), i % 3) for i in range(3650)]
    weeks = weekly_series(nights)
    assert sum(w.nights for w in weeks) == 3650
    assert sum(w.cramps for w in weeks) == sum(i % 3 for i in range(3650))
    assert all(w.start.weekday() == 0 for w in weeks)
    assert len(weeks) == (nights[-1].night - START).days // 7 + 1
