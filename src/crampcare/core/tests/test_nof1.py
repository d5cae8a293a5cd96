from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crampcare.core.stats import (
    NightRecord,
    NOf1Result,
    NotEnoughData,
    Verdict,
    analyse_n_of_1,
    n_of_1_schedule,
    rate_ratio,
)
from crampcare.core.tests.builders import START, night_series

PAIR = ("stretching", "stretching and walking")


@given(weeks=st.integers(min_value=1, max_value=26).map(lambda n: 2 * n), seed=st.integers())
def test_it_balances_every_pair_of_weeks(weeks: int, seed: int) -> None:
    schedule = n_of_1_schedule(PAIR, weeks, seed)
    assert len(schedule) == weeks
    for i in range(0, weeks, 2):
        assert sorted(schedule[i : i + 2]) == sorted(PAIR)


def test_it_gives_the_same_schedule_for_the_same_seed() -> None:
    assert n_of_1_schedule(PAIR, 8, 7) == n_of_1_schedule(PAIR, 8, 7)


def test_it_randomises_the_order_within_pairs() -> None:
    schedules = {tuple(n_of_1_schedule(PAIR, 8, seed)) for seed in range(50)}
    # 2^4 possible orders; 50 seeds should find most of them, and both starts.
    assert len(schedules) > 8
    assert {s[0] for s in schedules} == set(PAIR)


@pytest.mark.parametrize(
    ("strategies", "weeks", "problem"),
    [
        (PAIR, 3, "even number"),
        (PAIR, 0, "even number"),
        (("same", "same"), 4, "two different"),
        (("", "walking"), 4, "two different"),
    ],
)
def test_it_rejects_a_schedule_that_cannot_be_balanced(
    strategies: tuple[str, str], weeks: int, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        n_of_1_schedule(strategies, weeks, 1)


def _nights_for(schedule: list[str], per_strategy: dict[str, int]) -> list[NightRecord]:
    cramps = [per_strategy[name] for name in schedule for _ in range(7)]
    return night_series(cramps)


def test_it_compares_the_two_strategies_with_the_exact_rate_ratio() -> None:
    schedule = ["stretching", "stretching and walking"] * 2
    nights = _nights_for(schedule, {"stretching": 2, "stretching and walking": 1})
    result = analyse_n_of_1(nights, schedule, START, strategies=PAIR)
    assert isinstance(result, NOf1Result)
    assert (result.a.label, result.a.nights, result.a.cramps) == ("stretching", 14, 28)
    assert (result.b.label, result.b.nights, result.b.cramps) == ("stretching and walking", 14, 14)
    assert result.rate_ratio == rate_ratio(28, 14, 14, 14)
    assert result.verdict is Verdict.FEWER
    assert result.weeks_analysed == 4
    assert result.verdict_message.render().startswith(
        "With stretching and walking you had fewer cramps a night than with stretching"
    )


def test_it_follows_the_order_of_the_strategies_it_is_given() -> None:
    schedule = ["stretching and walking", "stretching"] * 2
    nights = _nights_for(schedule, {"stretching": 2, "stretching and walking": 1})
    default = analyse_n_of_1(nights, schedule, START)
    chosen = analyse_n_of_1(nights, schedule, START, strategies=PAIR)
    assert isinstance(default, NOf1Result)
    assert isinstance(chosen, NOf1Result)
    assert default.strategies == ("stretching and walking", "stretching")
    assert default.rate_ratio.ratio == pytest.approx(2.0)
    assert chosen.rate_ratio.ratio == pytest.approx(0.5)


def test_it_skips_washout_nights_at_the_start_of_each_block() -> None:
    schedule = ["stretching", "stretching and walking"] * 2
    nights = _nights_for(schedule, {"stretching": 2, "stretching and walking": 1})
    result = analyse_n_of_1(nights, schedule, START, strategies=PAIR, washout_nights=2)
    assert isinstance(result, NOf1Result)
    assert (result.a.nights, result.b.nights) == (10, 10)
    assert result.a.first_night == START + timedelta(days=2)


def test_it_ignores_nights_outside_the_schedule() -> None:
    schedule = ["stretching", "stretching and walking"]
    before = night_series([9] * 5, START - timedelta(days=5))
    after = night_series([9] * 5, START + timedelta(days=14))
    inside = _nights_for(schedule, {"stretching": 1, "stretching and walking": 1})
    result = analyse_n_of_1(before + inside + after, schedule, START, strategies=PAIR)
    assert isinstance(result, NOf1Result)
    assert (result.a.cramps, result.b.cramps) == (7, 7)


def test_it_needs_a_week_of_nights_for_each_strategy() -> None:
    schedule = ["stretching", "stretching and walking"]
    nights = _nights_for(schedule, {"stretching": 1, "stretching and walking": 1})[:13]
    result = analyse_n_of_1(nights, schedule, START, strategies=PAIR)
    assert isinstance(result, NotEnoughData)
    assert result.group_nights == (7, 6)
    assert result.needed_more_nights == 1


def test_it_rejects_strategies_that_are_not_in_the_schedule() -> None:
    schedule = ["stretching", "stretching and walking"]
    with pytest.raises(ValueError, match="not"):
        analyse_n_of_1([], schedule, START, strategies=("stretching", "yoga"))
    with pytest.raises(ValueError, match="exactly two"):
        analyse_n_of_1([], ["stretching", "stretching"], START)
