""" "Have my cramps changed?" in plain words: the first line, said without statistics.

The bands follow the rate ratio's point estimate (latest over baseline), but only once its
interval leaves out "no change"; while it does not, the words stay tentative ("may have had",
"about the same"), so the first line never claims more than the interval allows.
"""

from __future__ import annotations

import math

from . import messages as m
from .effect import Effect
from .periods import Verdict

# An unclear result within these bounds is said as "about the same".
SAME_LOW, SAME_HIGH = 0.8, 1.25
# A rate ratio above this counts as "cramps increasing" for the advice to see a doctor, even while
# the interval still includes "no change": the advice is cheap and the harm of missing it is not.
INCREASE_ADVICE_ABOVE = SAME_HIGH

# Upper edges of the "fewer" bands, and the sentence for each.
_FEWER_BANDS = (
    (0.2, m.PLAIN_FAR_FEWER),
    (0.29, m.PLAIN_QUARTER),
    (0.42, m.PLAIN_THIRD),
    (0.58, m.PLAIN_HALF),
    (0.71, m.PLAIN_TWO_THIRDS),
)


def plain_change(effect: Effect) -> m.Message:
    """The first line: the change in everyday words."""
    ratio = effect.rate_ratio.ratio
    if ratio is None or effect.verdict is Verdict.NO_CRAMPS:
        return m.message(m.PLAIN_NO_CRAMPS)
    if math.isinf(ratio):
        return m.message(m.PLAIN_NEW)
    if effect.verdict is Verdict.FEWER:
        if ratio == 0:
            return m.message(m.PLAIN_NONE_LATELY, before=m.number(effect.baseline.cramps_per_night))
        for edge, template in _FEWER_BANDS:
            if ratio < edge:
                return m.message(template)
        return m.message(m.PLAIN_SOMEWHAT_FEWER)
    if effect.verdict is Verdict.MORE:
        if ratio >= 2.5:
            return m.message(m.PLAIN_FAR_MORE)
        if ratio >= 1.75:
            return m.message(m.PLAIN_TWICE)
        return m.message(m.PLAIN_MORE)
    if SAME_LOW <= ratio <= SAME_HIGH:
        return m.message(m.PLAIN_SAME)
    return m.message(m.PLAIN_MAYBE_FEWER if ratio < 1 else m.PLAIN_MAYBE_MORE)


def increase_advice(effect: Effect) -> m.Message | None:
    """ "See a doctor if they keep increasing or disturb your sleep", when cramps look up."""
    ratio = effect.rate_ratio.ratio
    if ratio is None:
        return None
    if effect.verdict is Verdict.MORE or ratio > INCREASE_ADVICE_ABOVE:
        return m.INCREASE_ADVICE
    return None


def clustered(effect: Effect) -> m.Message | None:
    """A note when the interval was widened because nights cluster."""
    return m.message(m.CLUSTERED) if effect.rate_ratio.dispersion > 1 else None
