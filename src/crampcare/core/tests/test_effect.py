import math
from datetime import date, timedelta

import pytest
from scipy import stats

from crampcare.core.stats import (
    BEFORE_PROGRAM,
    FIRST_WEEK,
    LATEST,
    MIN_NIGHTS,
    Effect,
    NightRecord,
    NotEnoughData,
    SeverityVerdict,
    Verdict,
    program_effect,
    rate_ratio,
)
from crampcare.core.tests.builders import START, night_series

PROGRAM_START = START + timedelta(days=28)


def _effect(result: Effect | NotEnoughData) -> Effect:
    assert isinstance(result, Effect), result
    return result


def test_it_compares_the_first_week_with_the_latest_two_weeks_without_a_program_date() -> None:
    # 7 nights of 3 cramps, then 7 of 2 (ignored: neither baseline nor latest), then 14 of 1.
    nights = night_series([3] * 7 + [2] * 7 + [1] * 14)
    effect = _effect(program_effect(nights))
    assert effect.baseline.label == FIRST_WEEK
    assert (effect.baseline.first_night, effect.baseline.last_night) == (
        START,
        START + timedelta(days=6),
    )
    assert (effect.baseline.nights, effect.baseline.cramps) == (7, 21)
    assert effect.latest.label == LATEST
    assert (effect.latest.nights, effect.latest.cramps) == (14, 14)
    assert effect.latest.first_night == START + timedelta(days=14)
    assert effect.rate_ratio == rate_ratio(21, 7, 14, 14)
    assert effect.rate_ratio.ratio == pytest.approx(1 / 3)
    assert effect.percent_change == pytest.approx(-200 / 3)
    assert effect.verdict is Verdict.FEWER


def test_it_uses_the_nights_before_the_program_as_the_baseline() -> None:
    nights = night_series([2] * 28 + [1] * 14)
    effect = _effect(program_effect(nights, PROGRAM_START))
    assert effect.baseline.label == BEFORE_PROGRAM
    assert effect.baseline.nights == 28
    assert effect.baseline.last_night == PROGRAM_START - timedelta(days=1)
    assert effect.latest.first_night == PROGRAM_START


def test_it_caps_the_baseline_at_the_last_28_recorded_nights_before_the_program() -> None:
    # Sixty nights of 4 cramps long ago, then 28 nights of 2 just before the program.
    nights = night_series([4] * 60 + [2] * 28 + [1] * 14)
    effect = _effect(program_effect(nights, START + timedelta(days=88)))
    assert effect.baseline.nights == 28
    assert effect.baseline.cramps_per_night == 2.0
    assert effect.baseline.first_night == START + timedelta(days=60)


def test_it_counts_recorded_nights_so_gaps_do_not_shrink_a_period() -> None:
    # Only every other night recorded after the program started.
    before = night_series([2] * 7, PROGRAM_START - timedelta(days=7))
    after = [NightRecord(night=PROGRAM_START + timedelta(days=2 * i), cramps=1) for i in range(20)]
    effect = _effect(program_effect(before + after, PROGRAM_START))
    assert effect.latest.nights == 14
    assert effect.latest.first_night == PROGRAM_START + timedelta(days=12)
    assert effect.latest.last_night == PROGRAM_START + timedelta(days=38)


def test_it_falls_back_to_the_first_week_when_too_few_nights_precede_the_program() -> None:
    nights = night_series([3] * (MIN_NIGHTS - 1) + [1] * 20, PROGRAM_START - timedelta(days=6))
    effect = _effect(program_effect(nights, PROGRAM_START))
    assert effect.baseline.label == FIRST_WEEK
    assert effect.baseline.nights == 7
    assert effect.baseline.cramps == 6 * 3 + 1


def test_it_needs_one_more_night_just_below_the_threshold_without_a_program_date() -> None:
    result = program_effect(night_series([1] * 13))
    assert isinstance(result, NotEnoughData)
    assert result.needed_more_nights == 1
    assert result.group_nights == (7, 6)
    assert "Record 1 more night," in result.message.render()
    assert isinstance(program_effect(night_series([1] * 14)), Effect)


def test_it_counts_the_nights_still_needed_for_both_periods_when_just_starting() -> None:
    result = program_effect(night_series([1] * 3))
    assert isinstance(result, NotEnoughData)
    assert result.group_nights == (3, 0)
    assert result.needed_more_nights == 11
    empty = program_effect([])
    assert isinstance(empty, NotEnoughData)
    assert empty.needed_more_nights == 2 * MIN_NIGHTS


def test_it_needs_a_full_week_of_the_program_after_a_baseline_before_it() -> None:
    before = night_series([2] * 10, PROGRAM_START - timedelta(days=10))
    one_short = before + night_series([1] * (MIN_NIGHTS - 1), PROGRAM_START)
    result = program_effect(one_short, PROGRAM_START)
    assert isinstance(result, NotEnoughData)
    assert result.group_nights == (10, 6)
    assert result.needed_more_nights == 1
    at_threshold = before + night_series([1] * MIN_NIGHTS, PROGRAM_START)
    effect = _effect(program_effect(at_threshold, PROGRAM_START))
    assert effect.baseline.label == BEFORE_PROGRAM
    assert effect.latest.nights == MIN_NIGHTS


def test_it_waits_for_the_program_when_every_night_is_before_it() -> None:
    result = program_effect(night_series([2] * 20), START + timedelta(days=40))
    assert isinstance(result, NotEnoughData)
    assert result.needed_more_nights == MIN_NIGHTS


def test_it_reports_no_cramps_in_the_latest_period_with_a_finite_upper_bound() -> None:
    effect = _effect(program_effect(night_series([3] * 7 + [0] * 14)))
    assert effect.rate_ratio.ratio == 0
    assert math.isfinite(effect.rate_ratio.high)
    assert effect.verdict is Verdict.FEWER
    assert effect.change_message is not None
    assert "100% fewer" in effect.change_message.render()


def test_it_reports_cramps_after_a_cramp_free_baseline_without_an_upper_bound() -> None:
    effect = _effect(program_effect(night_series([0] * 7 + [1] * 14)))
    assert effect.rate_ratio.ratio == math.inf
    assert effect.rate_ratio.high == math.inf
    assert effect.percent_change is None
    assert effect.verdict is Verdict.MORE
    assert effect.change_message is not None
    assert "upper limit" in effect.change_message.render()


def test_it_says_there_is_nothing_to_compare_when_no_period_has_cramps() -> None:
    effect = _effect(program_effect(night_series([0] * 21)))
    assert effect.verdict is Verdict.NO_CRAMPS
    assert effect.rate_ratio.ratio is None
    assert effect.change_message is None
    assert "no cramps in either period" in effect.verdict_message.render()


def test_it_cannot_tell_when_the_interval_includes_no_change() -> None:
    effect = _effect(program_effect(night_series([2, 1, 2, 1, 2, 1, 2] + [1, 2] * 7)))
    assert effect.rate_ratio.low < 1 < effect.rate_ratio.high
    assert effect.verdict is Verdict.UNCLEAR
    assert "can't tell yet" in effect.verdict_message.render()


def test_it_compares_pain_using_each_nights_mean_score() -> None:
    baseline_scores = [(6.0, 8.0), (7.0,), (6.0,), (8.0, 8.0), (7.0,), (6.5,), (7.5,)]
    latest_scores = [(4.0,), (3.0, 5.0), (4.0,), (5.0,), (3.0,), (4.5,), (3.5,)] * 2
    nights = night_series(
        [len(s) for s in baseline_scores + latest_scores],
        severities=baseline_scores + latest_scores,
    )
    effect = _effect(program_effect(nights))
    baseline_means = [sum(s) / len(s) for s in baseline_scores]
    latest_means = [sum(s) / len(s) for s in latest_scores]
    interval = stats.ttest_ind(latest_means, baseline_means, equal_var=False).confidence_interval()
    assert effect.severity_change is not None
    assert effect.severity_change.low == pytest.approx(interval.low)
    assert effect.severity_change.high == pytest.approx(interval.high)
    assert effect.baseline.mean_severity == pytest.approx(sum(baseline_means) / 7)
    assert effect.severity_verdict is SeverityVerdict.LOWER
    assert "hurt less" in effect.severity_message.render()


def test_it_skips_the_pain_comparison_with_fewer_than_two_scored_nights() -> None:
    none: tuple[float, ...] = ()
    scores = [(7.0,), *[none] * 6, *[(4.0,)] * 14]
    effect = _effect(program_effect(night_series([1] * 21, severities=scores)))
    assert effect.severity_change is None
    assert effect.severity_verdict is SeverityVerdict.NOT_ENOUGH
    assert effect.baseline.rated_nights == 1


def test_it_carries_the_caveat_and_the_trials_average_with_their_sources() -> None:
    effect = _effect(program_effect(night_series([3] * 7 + [1] * 14)))
    caveat = effect.caveat.render()
    assert "ease on their own" in caveat
    assert "28%" in caveat
    assert set(effect.caveat.references) == {"R14", "R32", "R33"}
    context = effect.trial_context.render()
    assert "1.2 fewer cramps a night" in context
    assert "0.6 and 1.8" in context
    assert "1.3" in context
    assert "0.9 and 1.7" in context
    assert set(effect.trial_context.references) == {"R1", "R2"}


def test_it_words_the_figures_for_the_page() -> None:
    effect = _effect(program_effect(night_series([3] * 7 + [1] * 14)))
    assert effect.rates_message.render() == (
        "At the start: 3.0 cramps a night over 7 nights. Lately: 1.0 cramps a night over 14 nights."
    )
    assert effect.change_message is not None
    low, high = (1 - effect.rate_ratio.high) * 100, (1 - effect.rate_ratio.low) * 100
    assert effect.change_message.render() == (
        f"That is about 67% fewer (likely between {low:.0f}% and {high:.0f}% fewer)."
    )


def test_it_renders_through_the_translation_function_it_is_given() -> None:
    effect = _effect(program_effect(night_series([3] * 7 + [1] * 14)))
    seen: list[str] = []

    def translate(text: str) -> str:
        seen.append(text)
        return "[es] " + text

    assert effect.rates_message.render(translate).startswith("[es] At the start: 3.0")
    assert seen == [effect.rates_message.template]


def test_it_ignores_the_order_records_arrive_in() -> None:
    nights = night_series([3] * 7 + [1] * 14)
    assert program_effect(list(reversed(nights))) == program_effect(nights)


def test_it_rejects_two_records_for_the_same_night() -> None:
    nights = [*night_series([1] * 14), NightRecord(night=date(2024, 1, 3), cramps=2)]
    with pytest.raises(ValueError, match="two records for the night of 2024-01-03"):
        program_effect(nights)
