"""docs/insights.md states thresholds and worked examples; keep it in step with the code."""

from pathlib import Path

import pytest

from crampcare.core import stats
from crampcare.core.nights import CUTOVER_HOUR
from crampcare.core.stats import Effect, program_effect, rate_ratio
from crampcare.core.tests.builders import night_series

DOC = (Path(__file__).resolve().parents[4] / "docs" / "insights.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOW_FLUIDS_BELOW_CUPS", stats.LOW_FLUIDS_BELOW_CUPS),
        ("INTENSE_EXERCISE_MIN_MINUTES", stats.INTENSE_EXERCISE_MIN_MINUTES),
        ("LONG_SITTING_MIN_HOURS", stats.LONG_SITTING_MIN_HOURS),
        ("ALCOHOL_MIN_DRINKS", stats.ALCOHOL_MIN_DRINKS),
        ("NEW_MEDICINE_WINDOW_NIGHTS", stats.NEW_MEDICINE_WINDOW_NIGHTS),
        ("CUTOVER_HOUR", CUTOVER_HOUR),
    ],
)
def test_it_documents_each_threshold_with_its_value(name: str, value: float) -> None:
    assert f"`{name} = {value:g}`" in DOC


def test_it_documents_the_period_and_minimum_night_choices() -> None:
    assert stats.BASELINE_MAX_NIGHTS == 28
    assert "the last 28 **recorded** nights before the program start" in DOC
    assert stats.MIN_NIGHTS == 7
    assert "7 recorded nights in **each** period (`MIN_NIGHTS`)" in DOC
    assert stats.LATEST_NIGHTS == 14
    assert "the last 14 recorded nights after the baseline" in DOC
    assert stats.MIN_TRIGGER_NIGHTS == 10
    assert "at least **10 nights** (`MIN_TRIGGER_NIGHTS`)" in DOC


@pytest.mark.parametrize(
    "cramps",
    [[3] * 7 + [1] * 14, [2, 2, 1, 2, 1, 2, 2] + [1, 2, 1, 1, 2, 1, 1] * 2],
)
def test_it_quotes_the_worked_examples_as_the_code_words_them(cramps: list[int]) -> None:
    effect = program_effect(night_series(cramps))
    assert isinstance(effect, Effect)
    assert effect.change_message is not None
    sentence = effect.change_message.render().rstrip(".")
    assert " ".join(sentence.split()) in " ".join(DOC.split())


def test_it_quotes_the_zero_count_upper_bound() -> None:
    assert round(rate_ratio(5, 7, 0, 7).high, 2) == 1.09
    assert r"\approx 1.09" in DOC
