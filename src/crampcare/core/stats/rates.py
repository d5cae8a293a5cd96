"""Comparing two groups of nights: a rate ratio of cramps and a difference in mean pain.

Rate ratio, exact conditional method. If cramps happen at rate ``r_a`` per night in group A and
``r_b`` in group B (Poisson counts), then given the total ``n = cramps_a + cramps_b`` the count in
B is Binomial(n, p) with ``p = nights_b * RR / (nights_a + nights_b * RR)`` and ``RR = r_b / r_a``.
A Clopper-Pearson interval for ``p`` therefore turns into an exact interval for RR through
``RR = p * nights_a / ((1 - p) * nights_b)``; the p-value is the two-sided exact binomial test of
``p0 = nights_b / (nights_a + nights_b)`` (RR = 1), summing every outcome no more likely than the
one seen (the same rule as ``scipy.stats.binomtest``). The method needs no large-sample
approximation, so it is honest for the small counts a diary produces.

Nights that cluster. Cramps come in runs (a bad week, then quiet ones), so nightly counts vary
more than a Poisson model allows, and a Poisson interval is then too narrow. With the nightly
counts at hand (:func:`night_rate_ratio`), the Pearson dispersion of the two-group Poisson model,
``phi = X^2 / (n - 2)``, measures that. When ``phi > 1`` the interval is widened two ways and the
wider of the two is kept on each side: the quasi-Poisson interval (the log rate ratio's standard
error times ``sqrt(phi)``, with a t quantile on ``n - 2`` degrees of freedom, as statsmodels'
``GLM(..., family=Poisson()).fit(scale="X2", use_t=True)`` gives), and the exact interval on the
counts divided by ``phi`` (their "effective" size), which still works when a group has no cramps.
``phi`` below 1 is taken as 1: the data never make the interval narrower than the exact one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import index

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntLike = Sequence[int] | npt.NDArray[np.int64]

CONFIDENCE = 0.95
RATE_RATIO_METHOD = "exact conditional (binomial, Clopper-Pearson)"
OVERDISPERSED_METHOD = (
    "exact conditional on counts / dispersion, widened to the quasi-Poisson (Pearson) interval"
)
MEAN_DIFFERENCE_METHOD = "Welch t"
# Outcomes whose probability is within this relative tolerance of the observed one count as
# "as likely" (floating-point ties), as scipy does.
_TIE_TOLERANCE = 1 + 1e-7


@dataclass(frozen=True, slots=True)
class RateRatio:
    """Cramp rate of group B relative to group A, with its confidence interval.

    ``ratio`` is ``inf`` when A had no cramps but B had some, and ``None`` when neither had any
    (nothing to compare). ``high`` is ``inf`` whenever A had no cramps: with nothing in the
    baseline, no finite ceiling is consistent with the data. ``low`` is 0 whenever B had none.
    """

    ratio: float | None
    low: float
    high: float
    p_value: float
    cramps_a: int
    nights_a: float
    cramps_b: int
    nights_b: float
    confidence: float = CONFIDENCE
    method: str = RATE_RATIO_METHOD
    dispersion: float = 1.0
    """The Pearson dispersion used (1 when the nights vary no more than a Poisson model allows,
    or when only totals were given)."""

    @property
    def excludes_one(self) -> bool:
        """True when the interval leaves out "no difference" (RR = 1)."""
        return self.low > 1 or self.high < 1

    @property
    def percent_change(self) -> float | None:
        """The ratio as a percentage change (0.6 -> -40.0); None if undefined or infinite."""
        if self.ratio is None or math.isinf(self.ratio):
            return None
        return (self.ratio - 1) * 100


def rate_ratio(
    cramps_a: int,
    nights_a: float,
    cramps_b: int,
    nights_b: float,
    *,
    confidence: float = CONFIDENCE,
    dispersion: float = 1.0,
    df: float = math.inf,
) -> RateRatio:
    """Rate of B relative to A (``(cramps_b / nights_b) / (cramps_a / nights_a)``), exact CI.

    ``dispersion`` above 1 widens the interval for nights that cluster (module docstring);
    ``df`` is then the residual degrees of freedom of the quasi-Poisson interval.
    """
    from scipy import special  # on first use: most processes never need it

    cramps_a, cramps_b = index(cramps_a), index(cramps_b)
    if cramps_a < 0 or cramps_b < 0:
        raise ValueError("cramp counts cannot be negative")
    if not (nights_a > 0 and nights_b > 0):
        raise ValueError("each group needs at least one night")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if not dispersion >= 0:
        raise ValueError("dispersion cannot be negative")
    scale = max(1.0, float(dispersion))
    if scale > 1 and cramps_a + cramps_b:
        return _overdispersed(cramps_a, nights_a, cramps_b, nights_b, confidence, scale, df)
    total = cramps_a + cramps_b
    ratio: float | None
    if total == 0:
        ratio, low, high, p_value = None, 0.0, math.inf, 1.0
    else:
        tail = (1 - confidence) / 2
        share_low = special.betaincinv(cramps_b, total - cramps_b + 1, tail) if cramps_b else 0.0
        share_high = special.betaincinv(cramps_b + 1, cramps_a, 1 - tail) if cramps_a else 1.0
        ratio = math.inf if cramps_a == 0 else (cramps_b / nights_b) / (cramps_a / nights_a)
        low = _ratio_from_share(float(share_low), nights_a, nights_b)
        high = _ratio_from_share(float(share_high), nights_a, nights_b)
        p_value = _exact_binomial_p(cramps_b, total, nights_b / (nights_a + nights_b))
    return RateRatio(ratio, low, high, p_value, cramps_a, nights_a, cramps_b, nights_b, confidence)


def _overdispersed(
    cramps_a: int,
    nights_a: float,
    cramps_b: int,
    nights_b: float,
    confidence: float,
    scale: float,
    df: float,
) -> RateRatio:
    from scipy import special  # on first use: most processes never need it

    tail = (1 - confidence) / 2
    # Exact interval on the effective counts (a count divided by the dispersion).
    eff_a, eff_b = cramps_a / scale, cramps_b / scale
    share_low = special.betaincinv(eff_b, eff_a + 1, tail) if cramps_b else 0.0
    share_high = special.betaincinv(eff_b + 1, eff_a, 1 - tail) if cramps_a else 1.0
    low = _ratio_from_share(float(share_low), nights_a, nights_b)
    high = _ratio_from_share(float(share_high), nights_a, nights_b)
    share0 = nights_b / (nights_a + nights_b)
    # Two-sided p-value on the effective counts: twice the smaller tail (continuous binomial).
    eff_n = eff_a + eff_b
    below = 1.0 if not cramps_a else float(special.betainc(eff_a, eff_b + 1, 1 - share0))
    above = 1.0 if not cramps_b else float(special.betainc(eff_b, eff_a + 1, share0))
    p_value = min(1.0, 2 * min(below, above)) if eff_n else 1.0
    ratio = math.inf if cramps_a == 0 else (cramps_b / nights_b) / (cramps_a / nights_a)
    if cramps_a and cramps_b:
        # Quasi-Poisson (Wald on the log scale, standard error scaled by sqrt(dispersion)).
        se = math.sqrt(scale * (1 / cramps_a + 1 / cramps_b))
        quantile = (
            float(special.ndtri(1 - tail))
            if math.isinf(df)
            else float(special.stdtrit(df, 1 - tail))
        )
        log_ratio = math.log(ratio)
        low = min(low, math.exp(log_ratio - quantile * se))
        high = max(high, math.exp(log_ratio + quantile * se))
        statistic = abs(log_ratio) / se
        wald_p = (
            float(2 * special.ndtr(-statistic))
            if math.isinf(df)
            else float(2 * special.stdtr(df, -statistic))
        )
        p_value = max(p_value, wald_p)
    # Never more "significant" than the Poisson test on the same counts.
    p_value = max(p_value, _exact_binomial_p(cramps_b, cramps_a + cramps_b, share0))
    return RateRatio(
        ratio,
        low,
        high,
        min(1.0, p_value),
        cramps_a,
        nights_a,
        cramps_b,
        nights_b,
        confidence,
        OVERDISPERSED_METHOD,
        scale,
    )


def pearson_dispersion(counts_a: IntLike, counts_b: IntLike) -> float:
    """Pearson X^2 / (n - 2) of the Poisson model with one rate per group (its fitted values are
    the group means). 1.0 when there are too few nights (n <= 2) or no cramps at all."""
    values_a = np.asarray(counts_a, dtype=float)
    values_b = np.asarray(counts_b, dtype=float)
    residual_df = values_a.size + values_b.size - 2
    if residual_df <= 0:
        return 1.0
    chi2 = 0.0
    for values in (values_a, values_b):
        mean = float(values.mean()) if values.size else 0.0
        if mean > 0:
            chi2 += float(((values - mean) ** 2).sum()) / mean
    if chi2 == 0 and not (values_a.any() or values_b.any()):
        return 1.0
    return chi2 / residual_df


def night_rate_ratio(
    counts_a: IntLike, counts_b: IntLike, *, confidence: float = CONFIDENCE
) -> RateRatio:
    """:func:`rate_ratio` from each night's count, allowing for nights that cluster."""
    values_a = np.asarray(counts_a, dtype=np.int64)
    values_b = np.asarray(counts_b, dtype=np.int64)
    return rate_ratio(
        int(values_a.sum()),
        int(values_a.size),
        int(values_b.sum()),
        int(values_b.size),
        confidence=confidence,
        dispersion=pearson_dispersion(values_a, values_b),
        df=float(values_a.size + values_b.size - 2),
    )


def _ratio_from_share(share: float, nights_a: float, nights_b: float) -> float:
    if share >= 1:
        return math.inf
    return share * nights_a / ((1 - share) * nights_b)


def _exact_binomial_p(successes: int, trials: int, p0: float) -> float:
    """Two-sided exact binomial p-value: the probability of every outcome no likelier than the
    one seen. The distribution is unimodal, so those outcomes form two tails; the far tail's edge
    is found by bisection, so a long diary (thousands of cramps) costs microseconds, not a pass
    over every possible count."""
    from scipy import special  # on first use: most processes never need it

    mean = trials * p0
    if successes == mean:
        return 1.0
    threshold = _log_pmf(successes, trials, p0) + math.log(_TIE_TOLERANCE)
    if successes < mean:
        # Smallest count above the mean that is no likelier (the pmf falls from ceil(mean) on).
        low, high = math.ceil(mean), trials + 1
        while low < high:
            middle = (low + high) // 2
            if _log_pmf(middle, trials, p0) <= threshold:
                high = middle
            else:
                low = middle + 1
        far_tail = float(special.bdtrc(low - 1, trials, p0)) if low <= trials else 0.0
        p_value = float(special.bdtr(successes, trials, p0)) + far_tail
    else:
        # Largest count below the mean that is no likelier (the pmf rises up to floor(mean)).
        low, high = -1, math.floor(mean)
        while low < high:
            middle = (low + high + 1) // 2
            if _log_pmf(middle, trials, p0) <= threshold:
                low = middle
            else:
                high = middle - 1
        far_tail = float(special.bdtr(low, trials, p0)) if low >= 0 else 0.0
        p_value = float(special.bdtrc(successes - 1, trials, p0)) + far_tail
    return min(1.0, p_value)


def _log_pmf(successes: int, trials: int, p0: float) -> float:
    return (
        math.lgamma(trials + 1)
        - math.lgamma(successes + 1)
        - math.lgamma(trials - successes + 1)
        + successes * math.log(p0)
        + (trials - successes) * math.log1p(-p0)
    )


@dataclass(frozen=True, slots=True)
class Difference:
    """Mean of B minus mean of A, with a Welch confidence interval."""

    diff: float
    low: float
    high: float
    n_a: int
    n_b: int
    df: float
    confidence: float = CONFIDENCE
    method: str = MEAN_DIFFERENCE_METHOD

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def mean_difference(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    *,
    confidence: float = CONFIDENCE,
) -> Difference | None:
    """``mean(b) - mean(a)`` with a Welch t interval; None when a group has fewer than 2 values.

    When both groups have no spread at all the interval collapses to the difference itself.
    """
    from scipy import special  # on first use: most processes never need it

    values_a = np.asarray(a, dtype=float)
    values_b = np.asarray(b, dtype=float)
    if values_a.size < 2 or values_b.size < 2:
        return None
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    diff = float(values_b.mean() - values_a.mean())
    share_a = float(values_a.var(ddof=1)) / values_a.size
    share_b = float(values_b.var(ddof=1)) / values_b.size
    variance = share_a + share_b
    if variance == 0:
        return Difference(diff, diff, diff, values_a.size, values_b.size, math.inf, confidence)
    # Welch-Satterthwaite degrees of freedom.
    df = variance**2 / (share_a**2 / (values_a.size - 1) + share_b**2 / (values_b.size - 1))
    half_width = float(special.stdtrit(df, 1 - (1 - confidence) / 2)) * math.sqrt(variance)
    return Difference(
        diff, diff - half_width, diff + half_width, values_a.size, values_b.size, df, confidence
    )
