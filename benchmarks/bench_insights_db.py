"""Insights for ten years of daily diary entries, read through the database adapter.

Run (pytest-django sets up a throwaway SQLite database):

    CRAMPCARE_DATA_DIR=/tmp/cc-bench .venv/bin/python -m pytest benchmarks/bench_insights_db.py \
        --benchmark-only --benchmark-columns=min,median,mean,rounds

Baselines in the same run give ratios that survive a busy machine: reading one table's two
columns (the least any diary page does) and the pure statistics on records already in memory.
The rest shows what the insights page and the doctor's report add: the diary adapter, the two
SVG charts, and the PDF.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.core.stats import compute_insights
from crampcare.diary.models import NightCheckin
from crampcare.insights import charts, report, services
from crampcare.insights.pdf import render_pdf
from crampcare.insights.tests.diary_builders import LAST_NIGHT, fill_diary

NIGHTS = 3650
NOW = datetime.combine(LAST_NIGHT + timedelta(days=1), datetime.min.time(), UTC) + timedelta(
    hours=13
)
FIRST_NIGHT = LAST_NIGHT - timedelta(days=NIGHTS - 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def person(django_db_setup: Any, django_db_blocker: Any) -> Iterator[User]:
    with django_db_blocker.unblock():
        user = User.objects.create_user("bench@example.org", "not-used-here-1234")
        fill_diary(user, NIGHTS)
        yield user
        user.delete()


def test_baseline_read_one_table(benchmark: Any, person: User) -> None:
    benchmark.group = "ten years from the database"

    def read() -> list[tuple[Any, int]]:
        return list(
            NightCheckin.objects.for_user(person)
            .filter(night__range=(FIRST_NIGHT, LAST_NIGHT))
            .values_list("night", "cramp_count")
        )

    assert len(benchmark(read)) == NIGHTS


def test_baseline_statistics_on_records_in_memory(benchmark: Any, person: User) -> None:
    benchmark.group = "ten years from the database"
    records = services.records_for(person, person, FIRST_NIGHT, LAST_NIGHT)
    assert len(benchmark(compute_insights, records).weeks) == len(
        services.insights_for(person, person, NOW).insights.weeks
    )


def test_diary_adapter(benchmark: Any, person: User) -> None:
    benchmark.group = "ten years from the database"
    records = benchmark(services.records_for, person, FIRST_NIGHT, LAST_NIGHT)
    assert len(records) == NIGHTS


def test_insights_for(benchmark: Any, person: User) -> None:
    """What the insights page, the API summary and the report all start with."""
    benchmark.group = "ten years from the database"
    personal = benchmark(services.insights_for, person, NOW)
    assert personal.recorded_nights == NIGHTS
    assert personal.insights.triggers


def test_page_charts_26_weeks(benchmark: Any, person: User) -> None:
    benchmark.group = "drawing"
    personal = services.insights_for(person, person, NOW)
    weeks = personal.insights.weeks[-26:]
    drawn = benchmark(
        charts.page_charts, weeks, personal.effect, personal.records, personal.program_start
    )
    assert len(drawn) == 2


def test_report_pdf_8_weeks(benchmark: Any, person: User) -> None:
    benchmark.group = "drawing"

    def make() -> bytes:
        return render_pdf(report.doctor_report(person, person, 8, NOW))

    assert benchmark.pedantic(make, rounds=5, iterations=1).startswith(b"%PDF-")
