"""Charts: titles that state the finding, SVG that follows the theme, tables with the same data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from crampcare.core.stats import NightRecord, compute_insights, program_effect, weekly_series
from crampcare.core.tests.builders import START, night_series
from crampcare.insights import charts


def scored(cramps: Sequence[int], pain: Sequence[float]) -> list[NightRecord]:
    return night_series(cramps, severities=[(p,) * c for c, p in zip(cramps, pain, strict=True)])


def test_it_says_cramps_fell_with_both_rates_since_the_program_started() -> None:
    program_start = START + timedelta(days=14)
    records = night_series([3] * 14 + [1] * 14)
    title = charts.frequency_title(program_effect(records, program_start), records)
    assert title == "Cramps fell from 3.0 to 1.0 a night since you started the program"


def test_it_says_cramps_fell_since_the_first_week_without_a_program_date() -> None:
    records = night_series([3] * 7 + [1] * 14)
    title = charts.frequency_title(program_effect(records), records)
    assert title == "Cramps fell from 3.0 a night in your first week to 1.0 lately"


def test_it_says_cramps_rose_when_the_interval_is_above_one() -> None:
    records = night_series([1] * 7 + [3] * 14)
    title = charts.frequency_title(program_effect(records), records)
    assert title == "Cramps rose from 1.0 a night in your first week to 3.0 lately"


def test_it_says_too_soon_to_call_when_the_interval_includes_one() -> None:
    records = night_series([2, 2, 1, 2, 1, 2, 2] + [1, 2, 1, 1, 2, 1, 1] * 2)
    title = charts.frequency_title(program_effect(records), records)
    assert title.startswith("Cramps went from 1.7 a night in your first week to 1.3 lately")
    assert "too soon to call it a change" in title


def test_it_says_no_cramps_when_neither_period_had_any() -> None:
    records = night_series([0] * 21)
    assert charts.frequency_title(program_effect(records), records) == (
        "No cramps recorded at the start or lately"
    )


def test_it_gives_the_average_so_far_below_the_minimum() -> None:
    records = night_series([2, 1, 0, 1])
    title = charts.frequency_title(program_effect(records), records)
    assert title == "So far: 1.0 cramps a night on average, over 4 recorded nights"


def test_it_says_so_when_nothing_is_recorded() -> None:
    assert charts.frequency_title(program_effect([]), []) == "No nights recorded yet"


def test_it_says_cramps_hurt_less_with_both_pain_levels() -> None:
    records = scored([2] * 21, [7, 8] * 3 + [7] + [4, 5] * 7)
    title = charts.severity_title(program_effect(records), records)
    assert title == "Cramps hurt less: pain fell from 7.4 to 4.5 out of 10"


def test_it_says_cramps_hurt_more_when_pain_rose() -> None:
    records = scored([1] * 21, [3, 4] * 3 + [3] + [7, 8] * 7)
    title = charts.severity_title(program_effect(records), records)
    assert title == "Cramps hurt more: pain rose from 3.4 to 7.5 out of 10"


def test_it_says_no_clear_change_in_pain_when_the_interval_includes_zero() -> None:
    records = scored([1] * 21, [3, 7] * 3 + [5] + [7, 3] * 7)
    title = charts.severity_title(program_effect(records), records)
    assert title == "Pain went from 5.0 to 5.0 out of 10: no clear change yet"


def test_it_gives_the_average_pain_below_the_minimum() -> None:
    records = scored([1, 1, 0], [4, 6, 0])
    assert charts.severity_title(program_effect(records), records) == (
        "Pain averaged 5.0 out of 10, over 2 nights with a score"
    )
    unscored = night_series([1, 1])
    assert charts.severity_title(program_effect(unscored), unscored) == (
        "No pain scores recorded yet"
    )


def test_it_counts_program_nights_since_the_start() -> None:
    start = START + timedelta(days=2)
    records = night_series([1] * 6, program_done=[False, False, True, True, False, True])
    assert charts.adherence_summary(records, start) == (
        "You did the program on 3 of 4 recorded nights since it started."
    )
    assert charts.adherence_summary(night_series([1] * 3), None) is None


def _page(records: list[NightRecord], program_start: date | None = None) -> list[charts.Chart]:
    insights = compute_insights(records, program_start)
    return charts.page_charts(insights.weeks, insights.effect, records, program_start)


def test_it_draws_svg_that_follows_the_colour_scheme() -> None:
    records = scored([3] * 7 + [1] * 14, [7.0] * 7 + [4.0] * 14)
    frequency, severity = _page(records)
    svg = str(frequency.svg)
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-frequency-title chart-frequency-desc"' in svg
    # Themed colours are classes (rules in insights.css): the CSP allows no inline style.
    assert re.search(r'class="[^"]*cc-(fill|stroke)-chart-cramps', svg)
    assert re.search(r'class="[^"]*cc-(fill|stroke)-chart-ink', svg)
    assert "style" not in svg
    # No fixed size (it scales to the column) and no placeholder colour left behind.
    head = svg[: svg.index(">")]
    assert "width=" not in head
    assert "height=" not in head
    assert not re.search(r"#01010\d", svg)
    assert "cc-fill-chart-pain" in str(severity.svg) or "cc-stroke-chart-pain" in str(severity.svg)


def test_it_gives_every_chart_its_own_ids() -> None:
    records = scored([3] * 7 + [1] * 14, [7.0] * 7 + [4.0] * 14)
    both = "".join(str(chart.svg) for chart in _page(records))
    ids = re.findall(r'\bid="([^"]+)"', both)
    assert len(ids) == len(set(ids))
    referenced = set(re.findall(r"url\(#([^)]+)\)", both))
    assert referenced <= set(ids)


def test_it_tabulates_the_weeks_drawn() -> None:
    records = night_series([2] * 10, program_done=[True] * 5 + [False] * 5)
    chart = _page(records, START)[0]
    assert chart.table.headers[-1] == "Program done"
    assert chart.table.rows[0] == ["1 Jan 2024", "7", "14", "2.0", "71%"]
    assert chart.table.rows[1] == ["8 Jan 2024", "3", "6", "2.0", "0%"]


def test_it_leaves_out_the_pain_chart_without_scores() -> None:
    assert [c.id for c in _page(night_series([1] * 8))] == ["chart-frequency"]


def test_it_marks_unrecorded_weeks_in_the_table() -> None:
    records = [NightRecord(START, 2), NightRecord(START + timedelta(days=15), 1)]
    table = charts.frequency_table(weekly_series(records), with_adherence=False)
    assert table.rows[1] == ["8 Jan 2024", "0", "not recorded", "–"]


def test_it_renders_a_png_for_the_report() -> None:
    records = night_series([2] * 10)
    insights = compute_insights(records)
    figure = charts.frequency_figure(
        insights.weeks, insights.effect, None, charts.LIGHT, with_adherence=False
    )
    assert charts.png_bytes(figure).startswith(b"\x89PNG")


@pytest.mark.parametrize("palette", [charts.LIGHT, charts.THEMED])
def test_it_has_a_colour_for_every_role_in_each_palette(palette: charts.Palette) -> None:
    colours = [getattr(palette, name) for name in charts.Palette.__slots__]
    assert len(set(colours)) == len(colours)
    if palette is charts.THEMED:
        assert set(colours) == set(charts.CSS_VARIABLES)
