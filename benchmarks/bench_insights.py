"""Insights over ten years of daily diary entries (3,650 nights).

Run: .venv/bin/python -m pytest benchmarks/bench_insights.py -p no:django \
         -W ignore::pytest.PytestConfigWarning --benchmark-only
(see benchmarks/README.md). The baselines in the same run give machine-independent ratios:
``json.dumps`` of the same records is the least work any page showing them does, and a plain
Python loop over the records for the trigger counts shows what the numpy columns save.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from crampcare.core.stats import (
    FACTORS,
    NightRecord,
    NightTable,
    compute_insights,
    possible_triggers,
    program_effect,
    rate_ratio,
    weekly_series,
)

FIRST_NIGHT = date(2015, 1, 5)
YEARS = 10
PROGRAM_START = FIRST_NIGHT + timedelta(days=9 * 365)


def ten_years() -> list[NightRecord]:
    """Noisy but realistic nights: about 1.5 cramps a night, fewer once the program starts,
    more after alcohol; about 30% of factor answers missing; a few nights never recorded."""
    rng = np.random.default_rng(2012)
    records = []
    for offset in range(YEARS * 365):
        if rng.random() < 0.03:
            continue  # forgot to check in
        night = FIRST_NIGHT + timedelta(days=offset)
        present = frozenset(f.value for f in FACTORS if rng.random() < 0.15)
        missing = frozenset(f.value for f in FACTORS if f not in present and rng.random() < 0.3)
        rate = 1.5 * (0.7 if night >= PROGRAM_START else 1.0) * (1.5 if "alcohol" in present else 1)
        cramps = int(rng.poisson(rate))
        scores = tuple(float(rng.integers(2, 9)) for _ in range(cramps) if rng.random() < 0.8)
        records.append(
            NightRecord(
                night=night,
                cramps=cramps,
                severities=scores,
                exposures=present,
                program_done=night >= PROGRAM_START and rng.random() < 0.75,
                not_recorded=missing,
            )
        )
    return records


@pytest.fixture(scope="module")
def records() -> list[NightRecord]:
    return ten_years()


@pytest.fixture(scope="module")
def table(records: list[NightRecord]) -> NightTable:
    return NightTable.from_records(records)


def test_full_insights(benchmark: Any, records: list[NightRecord]) -> None:
    benchmark.group = "ten years"
    insights = benchmark(compute_insights, records, PROGRAM_START)
    assert len(insights.weeks) == 522
    assert insights.triggers


def test_baseline_json_dumps_of_the_same_records(
    benchmark: Any, records: list[NightRecord]
) -> None:
    benchmark.group = "ten years"

    def dump() -> str:
        return json.dumps(
            [
                {
                    "night": r.night.isoformat(),
                    "cramps": r.cramps,
                    "severities": r.severities,
                    "exposures": sorted(r.exposures),
                    "program_done": r.program_done,
                    "not_recorded": sorted(r.not_recorded),
                }
                for r in records
            ]
        )

    assert benchmark(dump)


def naive_triggers(records: list[NightRecord]) -> list[tuple[str, float | None]]:
    """The trigger counts as a plain loop per factor, same statistics (medicine window aside)."""
    results = []
    for factor in FACTORS:
        exposed_nights = exposed_cramps = other_nights = other_cramps = 0
        for r in records:
            if factor in r.exposures:
                exposed_nights += 1
                exposed_cramps += r.cramps
            elif factor not in r.not_recorded:
                other_nights += 1
                other_cramps += r.cramps
        ratio = rate_ratio(other_cramps, other_nights, exposed_cramps, exposed_nights)
        results.append((factor.value, ratio.ratio))
    return results


def test_baseline_naive_python_triggers(benchmark: Any, records: list[NightRecord]) -> None:
    benchmark.group = "ten years"
    assert len(benchmark(naive_triggers, records)) == len(FACTORS)


def test_part_build_table(benchmark: Any, records: list[NightRecord]) -> None:
    benchmark.group = "parts"
    assert len(benchmark(NightTable.from_records, records)) == len(records)


def test_part_program_effect(benchmark: Any, table: NightTable) -> None:
    benchmark.group = "parts"
    assert benchmark(program_effect, table, PROGRAM_START)


def test_part_possible_triggers(benchmark: Any, table: NightTable) -> None:
    benchmark.group = "parts"
    assert benchmark(possible_triggers, table)


def test_part_weekly_series(benchmark: Any, table: NightTable) -> None:
    benchmark.group = "parts"
    assert benchmark(weekly_series, table, PROGRAM_START)
