"""The first line of "Have my cramps changed?": plain words that never claim more than the
interval allows, and the advice to see a doctor when cramps increase."""

from __future__ import annotations

import pytest

from crampcare.core.stats import Effect, program_effect
from crampcare.core.stats import messages as m
from crampcare.core.stats.plain import increase_advice, plain_change
from crampcare.core.tests.builders import night_series


def effect_of(before: list[int], after: list[int]) -> Effect:
    effect = program_effect(night_series(before + after))
    assert isinstance(effect, Effect)
    return effect


@pytest.mark.parametrize(
    ("before", "after", "words"),
    [
        ([4] * 7, [2] * 14, "about half as many cramps"),
        ([3] * 7, [1] * 14, "about a third as many cramps"),
        ([4] * 7, [1] * 14, "about a quarter as many cramps"),
        ([9] * 7, [6] * 14, "about two-thirds as many cramps"),
        ([6] * 7, [0, 1] * 7, "far fewer cramps"),
        ([3] * 7, [0] * 14, "no cramps lately, after 3.0 a night at the start"),
        ([2] * 7, [2] * 14, "about the same number of cramps"),
        ([2] * 7, [4] * 14, "about twice as many cramps"),
        ([1] * 7, [3] * 14, "far more cramps"),
        ([0] * 7, [1] * 14, "no cramps at the start, and you have had some lately"),
        ([0] * 7, [0] * 14, "no cramps, at the start or lately"),
    ],
)
def test_it_says_the_change_in_plain_words(before: list[int], after: list[int], words: str) -> None:
    assert words in plain_change(effect_of(before, after)).render()


def test_it_stays_tentative_while_the_interval_includes_no_change() -> None:
    effect = effect_of([2, 0, 1, 0, 2, 0, 1], [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0])
    assert effect.verdict == "unclear"
    assert effect.rate_ratio.ratio is not None
    assert effect.rate_ratio.ratio < 0.8
    assert plain_change(effect).template == m.PLAIN_MAYBE_FEWER
    assert "too soon to be sure" in plain_change(effect).render()


def test_it_never_says_half_when_the_interval_allows_no_change() -> None:
    # Half the rate, but so few cramps that "no change" is still likely.
    effect = effect_of([1, 0, 0, 1, 0, 0, 0], [0] * 13 + [1])
    assert effect.verdict == "unclear"
    assert "half" not in plain_change(effect).render()


@pytest.mark.parametrize(
    ("before", "after"),
    [([1] * 7, [3] * 14), ([1, 1, 1, 1, 1, 1, 2], [2, 1] * 7), ([0] * 7, [1] * 14)],
)
def test_it_says_to_see_a_doctor_when_cramps_increase(before: list[int], after: list[int]) -> None:
    advice = increase_advice(effect_of(before, after))
    assert advice is m.INCREASE_ADVICE
    assert "keep increasing" in advice.render()
    assert "disturb your sleep" in advice.render()
    assert advice.references == ("R24",)


@pytest.mark.parametrize(("before", "after"), [([3] * 7, [1] * 14), ([2] * 7, [2] * 14)])
def test_it_gives_no_doctor_advice_when_cramps_fall_or_stay(
    before: list[int], after: list[int]
) -> None:
    assert increase_advice(effect_of(before, after)) is None
