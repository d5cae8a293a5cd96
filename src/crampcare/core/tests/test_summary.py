from datetime import timedelta

from crampcare.core.stats import (
    NightTable,
    compute_insights,
    factors_not_shown,
    possible_triggers,
    program_effect,
    weekly_series,
)
from crampcare.core.tests.builders import START, night_series


def test_it_gives_the_same_figures_as_each_calculation_on_its_own() -> None:
    nights = night_series(
        [3, 2] * 14 + [1, 0] * 14,
        exposures=[["alcohol"], ["long_sitting"]] * 28,
        program_done=[False] * 28 + [True] * 28,
    )
    program_start = START + timedelta(days=28)
    insights = compute_insights(nights, program_start)
    assert insights.effect == program_effect(nights, program_start)
    assert insights.triggers == possible_triggers(nights)
    assert insights.hidden_factors == factors_not_shown(nights)
    assert insights.weeks == weekly_series(nights, program_start)
    assert "just by chance" in insights.triggers_warning.render()


def test_it_accepts_a_prepared_table_anywhere_records_are_accepted() -> None:
    nights = night_series([2] * 7 + [1] * 14)
    table = NightTable.from_records(nights)
    assert program_effect(table) == program_effect(nights)
    assert weekly_series(table) == weekly_series(nights)
    assert len(table) == 21
