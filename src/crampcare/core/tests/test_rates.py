import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from crampcare.core.stats import mean_difference, rate_ratio


def _rr_from_share(share: float, nights_a: float, nights_b: float) -> float:
    return math.inf if share == 1 else share * nights_a / ((1 - share) * nights_b)


@pytest.mark.parametrize(
    ("cramps_a", "nights_a", "cramps_b", "nights_b"),
    [
        (21, 7, 14, 14),
        (10, 7, 4, 14),
        (3, 28, 9, 14),
        (1, 7, 1, 7),
        (40, 30, 55, 30),
        (2, 9, 17, 11),
    ],
)
def test_it_matches_scipys_exact_binomial_interval_transformed_to_a_rate_ratio(
    cramps_a: int, nights_a: int, cramps_b: int, nights_b: int
) -> None:
    result = rate_ratio(cramps_a, nights_a, cramps_b, nights_b)
    test = stats.binomtest(cramps_b, cramps_a + cramps_b, nights_b / (nights_a + nights_b))
    interval = test.proportion_ci(confidence_level=0.95, method="exact")
    assert result.low == pytest.approx(_rr_from_share(interval.low, nights_a, nights_b), rel=1e-9)
    assert result.high == pytest.approx(_rr_from_share(interval.high, nights_a, nights_b), rel=1e-9)
    assert result.p_value == pytest.approx(test.pvalue, rel=1e-9)


@pytest.mark.parametrize(
    ("cramps_a", "nights_a", "cramps_b", "nights_b"),
    [(21, 7, 14, 14), (10, 7, 4, 14), (3, 28, 9, 14), (40, 30, 55, 30), (1, 7, 5, 7), (6, 7, 0, 7)],
)
def test_it_matches_statsmodels_exact_conditional_test(
    cramps_a: int, nights_a: int, cramps_b: int, nights_b: int
) -> None:
    # statsmodels 0.15 has the exact-conditional *test* but no exact-conditional *interval*; its
    # rate ratio is group 1 over group 2, so B goes first.
    result = rate_ratio(cramps_a, nights_a, cramps_b, nights_b)
    reference = poisson_2indep(cramps_b, nights_b, cramps_a, nights_a, method="exact-cond")
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    if cramps_a:
        assert result.ratio == pytest.approx(reference.ratio)


@pytest.mark.parametrize(("cramps_a", "cramps_b"), [(21, 14), (10, 4), (3, 9), (6, 1)])
def test_it_puts_each_interval_end_where_the_one_sided_exact_test_gives_2_5_percent(
    cramps_a: int, cramps_b: int
) -> None:
    # Clopper-Pearson inverts two one-sided exact tests: at each end, the test of "RR = that end"
    # has a one-sided p-value of exactly 0.025 (statsmodels computes it independently of us).
    result = rate_ratio(cramps_a, 7, cramps_b, 14)
    at_low = poisson_2indep(
        cramps_b, 14, cramps_a, 7, method="exact-cond", value=result.low, alternative="larger"
    )
    at_high = poisson_2indep(
        cramps_b, 14, cramps_a, 7, method="exact-cond", value=result.high, alternative="smaller"
    )
    assert at_low.pvalue == pytest.approx(0.025, rel=1e-6)
    assert at_high.pvalue == pytest.approx(0.025, rel=1e-6)


def test_it_gives_hand_computed_values_for_a_simple_comparison() -> None:
    # 21 cramps in 7 nights (3 a night) against 14 in 14 nights (1 a night): RR = 1/3.
    result = rate_ratio(21, 7, 14, 14)
    assert result.ratio == pytest.approx(1 / 3)
    assert result.percent_change == pytest.approx(-200 / 3)
    assert result.excludes_one


def test_it_gives_a_finite_upper_bound_when_the_second_group_has_no_cramps() -> None:
    # 5 cramps then none, 7 nights each. Clopper-Pearson with 0 of 5: upper share 1 - 0.025^(1/5).
    result = rate_ratio(5, 7, 0, 7)
    share = 1 - 0.025 ** (1 / 5)
    assert result.ratio == 0
    assert result.low == 0
    assert result.high == pytest.approx(share / (1 - share))
    assert result.high == pytest.approx(1.09128, abs=1e-5)
    # Two-sided exact test, p0 = 1/2: only the two extreme outcomes are as unlikely: 2 / 2^5.
    assert result.p_value == pytest.approx(2 / 32)


def test_it_gives_an_infinite_upper_bound_when_the_baseline_has_no_cramps() -> None:
    # None then 3 cramps, 7 nights each: lower share 0.025^(1/3), no upper limit.
    result = rate_ratio(0, 7, 3, 7)
    share = 0.025 ** (1 / 3)
    assert result.ratio == math.inf
    assert result.high == math.inf
    assert result.low == pytest.approx(share / (1 - share))
    assert result.percent_change is None
    assert result.p_value == pytest.approx(2 / 8)


def test_it_says_nothing_to_compare_when_neither_group_has_cramps() -> None:
    result = rate_ratio(0, 7, 0, 14)
    assert result.ratio is None
    assert (result.low, result.high, result.p_value) == (0.0, math.inf, 1.0)
    assert not result.excludes_one
    assert result.percent_change is None


@pytest.mark.parametrize(
    ("args", "problem"),
    [((-1, 7, 3, 7), "negative"), ((3, 0, 3, 7), "at least one night"), ((3, 7, 3, -2), "night")],
)
def test_it_rejects_impossible_inputs(args: tuple[int, int, int, int], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        rate_ratio(*args)


def test_it_widens_the_interval_for_a_higher_confidence() -> None:
    narrow = rate_ratio(21, 7, 14, 14, confidence=0.8)
    wide = rate_ratio(21, 7, 14, 14)
    assert wide.low < narrow.low < narrow.high < wide.high
    assert narrow.confidence == 0.8


counts = st.integers(min_value=0, max_value=400)
nights = st.integers(min_value=1, max_value=400)


@given(cramps_a=counts, nights_a=nights, cramps_b=counts, nights_b=nights)
def test_it_always_contains_the_point_estimate(
    cramps_a: int, nights_a: int, cramps_b: int, nights_b: int
) -> None:
    result = rate_ratio(cramps_a, nights_a, cramps_b, nights_b)
    assert 0 <= result.low <= result.high
    assert 0 <= result.p_value <= 1
    if result.ratio is not None:
        assert result.low <= result.ratio <= result.high


def _inverse(value: float) -> float:
    return math.inf if value == 0 else 1 / value


@given(cramps_a=counts, nights_a=nights, cramps_b=counts, nights_b=nights)
def test_it_inverts_the_ratio_and_interval_when_the_groups_swap(
    cramps_a: int, nights_a: int, cramps_b: int, nights_b: int
) -> None:
    forward = rate_ratio(cramps_a, nights_a, cramps_b, nights_b)
    backward = rate_ratio(cramps_b, nights_b, cramps_a, nights_a)
    if forward.ratio is None:
        assert backward.ratio is None
    else:
        assert backward.ratio == pytest.approx(_inverse(forward.ratio), rel=1e-9)
    assert backward.low == pytest.approx(_inverse(forward.high), rel=1e-6)
    assert backward.high == pytest.approx(_inverse(forward.low), rel=1e-6)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([5.0, 6.0, 7.0, 6.5], [3.0, 4.0, 2.5, 3.5, 4.5]),
        ([2.0, 8.0], [5.0, 5.5, 6.0]),
        ([1.0, 1.0, 9.0, 4.0, 3.0, 7.0, 6.0], [0.0, 10.0]),
    ],
)
def test_it_matches_scipys_welch_interval(a: list[float], b: list[float]) -> None:
    result = mean_difference(a, b)
    reference = stats.ttest_ind(b, a, equal_var=False)
    interval = reference.confidence_interval(confidence_level=0.95)
    assert result is not None
    assert result.diff == pytest.approx(sum(b) / len(b) - sum(a) / len(a))
    assert result.low == pytest.approx(interval.low, rel=1e-9)
    assert result.high == pytest.approx(interval.high, rel=1e-9)
    assert result.df == pytest.approx(reference.df, rel=1e-9)


def test_it_needs_two_values_in_each_group_for_a_mean_difference() -> None:
    assert mean_difference([5.0], [3.0, 4.0]) is None
    assert mean_difference([5.0, 6.0], []) is None
    assert mean_difference([5.0, 6.0], [3.0, 4.0]) is not None


def test_it_collapses_the_interval_when_no_values_vary() -> None:
    result = mean_difference([4.0, 4.0, 4.0], [2.0, 2.0])
    assert result is not None
    assert (result.diff, result.low, result.high) == (-2.0, -2.0, -2.0)
    assert result.excludes_zero


# No deadline: scipy's reference test is the slow part, and its speed is not under test.
@settings(deadline=None)
@given(
    cramps_a=st.integers(min_value=0, max_value=5000),
    nights_a=st.integers(min_value=1, max_value=3650),
    cramps_b=st.integers(min_value=0, max_value=5000),
    nights_b=st.integers(min_value=1, max_value=3650),
)
def test_it_always_agrees_with_scipys_exact_test_and_interval(
    cramps_a: int, nights_a: int, cramps_b: int, nights_b: int
) -> None:
    total = cramps_a + cramps_b
    if total == 0:
        return
    result = rate_ratio(cramps_a, nights_a, cramps_b, nights_b)
    test = stats.binomtest(cramps_b, total, nights_b / (nights_a + nights_b))
    interval = test.proportion_ci(method="exact")
    assert result.p_value == pytest.approx(test.pvalue, rel=1e-6, abs=1e-12)
    assert result.low == pytest.approx(_rr_from_share(interval.low, nights_a, nights_b), rel=1e-6)
    assert result.high == pytest.approx(_rr_from_share(interval.high, nights_a, nights_b), rel=1e-6)
