"""Nights that cluster: the rate-ratio interval allows for overdispersion, checked against
statsmodels' quasi-Poisson GLM (Poisson family, Pearson X² scale, t quantiles)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from crampcare.core.stats import program_effect
from crampcare.core.stats.rates import (
    OVERDISPERSED_METHOD,
    RATE_RATIO_METHOD,
    night_rate_ratio,
    pearson_dispersion,
    rate_ratio,
)
from crampcare.core.tests.builders import night_series

RNG = np.random.default_rng(2012)

# Two groups of nightly counts each: baseline then latest. The first five cluster (a few nights
# with many cramps, many with none); the last two are spread evenly (no overdispersion).
DATA_SETS = {
    "bad nights in runs": ([0, 0, 9, 0, 0, 7, 0], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]),
    "negative binomial, 28 then 14": (
        RNG.negative_binomial(1, 0.3, 28).tolist(),
        RNG.negative_binomial(1, 0.5, 14).tolist(),
    ),
    "negative binomial, very clustered": (
        RNG.negative_binomial(0.5, 0.1, 28).tolist(),
        RNG.negative_binomial(0.5, 0.2, 14).tolist(),
    ),
    "a long diary": (
        RNG.negative_binomial(2, 0.4, 200).tolist(),
        RNG.negative_binomial(2, 0.6, 200).tolist(),
    ),
    "one terrible week": ([2, 3, 2, 12, 10, 11, 2], [1, 0, 2, 1, 1, 0, 1, 2, 1, 0, 1, 1, 0, 1]),
    "evenly spread": ([3, 2, 3, 4, 2, 3, 3], [1, 1, 2, 1, 0, 1, 1, 2, 1, 1, 0, 1, 1, 1]),
    "Poisson": (RNG.poisson(2.5, 28).tolist(), RNG.poisson(1.5, 14).tolist()),
}


def quasi_poisson(a: list[int], b: list[int]) -> tuple[float, float, float, float]:
    """statsmodels: dispersion, rate ratio and its 95% interval (B relative to A)."""
    counts = np.r_[a, b]
    group = sm.add_constant(np.r_[np.zeros(len(a)), np.ones(len(b))])
    fit = sm.GLM(counts, group, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    low, high = np.exp(fit.conf_int()[1])
    return fit.pearson_chi2 / fit.df_resid, math.exp(fit.params[1]), low, high


@pytest.mark.parametrize("name", DATA_SETS)
def test_it_measures_dispersion_as_statsmodels_does(name: str) -> None:
    a, b = DATA_SETS[name]
    dispersion, ratio, _, _ = quasi_poisson(a, b)
    assert pearson_dispersion(a, b) == pytest.approx(dispersion, rel=1e-12)
    assert night_rate_ratio(a, b).ratio == pytest.approx(ratio, rel=1e-12)


@pytest.mark.parametrize("name", DATA_SETS)
def test_it_is_never_narrower_than_the_quasi_poisson_interval(name: str) -> None:
    a, b = DATA_SETS[name]
    dispersion, _, low, high = quasi_poisson(a, b)
    ours = night_rate_ratio(a, b)
    if dispersion > 1:
        assert ours.method == OVERDISPERSED_METHOD
        assert ours.dispersion == pytest.approx(dispersion)
        assert ours.low <= low * (1 + 1e-12)
        assert ours.high >= high * (1 - 1e-12)
    else:
        # Evenly spread nights keep the exact Poisson interval.
        exact = rate_ratio(sum(a), len(a), sum(b), len(b))
        assert ours.method == RATE_RATIO_METHOD
        assert (ours.low, ours.high) == (exact.low, exact.high)


def test_it_matches_the_quasi_poisson_interval_for_a_long_diary() -> None:
    # With many cramps the exact interval on effective counts and the quasi-Poisson one nearly
    # agree (the large-sample case), so each end is statsmodels' or very close to it.
    a, b = DATA_SETS["a long diary"]
    _, _, low, high = quasi_poisson(a, b)
    ours = night_rate_ratio(a, b)
    assert ours.low == pytest.approx(low, rel=0.05)
    assert ours.high == pytest.approx(high, rel=0.05)


def test_it_widens_the_interval_when_nights_cluster() -> None:
    # The same totals (16 cramps in 7 nights, then 6 in 14), spread evenly or in clusters.
    even = night_rate_ratio([2, 2, 3, 2, 2, 3, 2], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0])
    clustered = night_rate_ratio([0, 0, 9, 0, 0, 7, 0], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0])
    assert even.ratio == clustered.ratio
    assert even.high < 1  # evenly spread: clearly fewer
    assert clustered.low < even.low
    assert clustered.high > 1  # clustered: the same totals can no longer rule out no change


def test_it_widens_the_interval_with_no_cramps_lately() -> None:
    # No Wald interval exists with a zero count; the exact interval on effective counts still does.
    even = night_rate_ratio([2, 2, 2, 2, 2, 2, 2], [0] * 14)
    clustered = night_rate_ratio([0, 0, 14, 0, 0, 0, 0], [0] * 14)
    assert even.ratio == clustered.ratio == 0
    assert clustered.low == 0
    assert math.isfinite(clustered.high)
    assert clustered.high > even.high


def test_the_program_check_allows_for_clusters() -> None:
    effect = program_effect(
        night_series([0, 0, 9, 0, 0, 7, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0])
    )
    assert effect.rate_ratio.dispersion > 1  # type: ignore[union-attr]
    assert effect.verdict == "unclear"  # type: ignore[union-attr]


@settings(max_examples=150, deadline=None)
@given(
    a=st.lists(st.integers(0, 12), min_size=3, max_size=30),
    b=st.lists(st.integers(0, 12), min_size=3, max_size=30),
)
def test_it_is_never_narrower_than_the_poisson_interval(a: list[int], b: list[int]) -> None:
    exact = rate_ratio(sum(a), len(a), sum(b), len(b))
    ours = night_rate_ratio(a, b)
    assert ours.low <= exact.low * (1 + 1e-9)
    assert ours.high >= exact.high * (1 - 1e-9)
    assert ours.p_value >= exact.p_value * (1 - 1e-12)
    swapped = night_rate_ratio(b, a)
    # Swapping the groups inverts the interval (checked where the bounds are of a size floating
    # point keeps to many digits: a bound of 1e-11 from 1 cramp in 3 nights is not).
    if ours.ratio not in (None, 0.0) and ours.low > 1e-6 and ours.high < 1e6:
        assert swapped.low == pytest.approx(1 / ours.high, rel=1e-6)
        assert swapped.high == pytest.approx(1 / ours.low, rel=1e-6)
