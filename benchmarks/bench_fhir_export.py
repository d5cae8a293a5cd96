"""The FHIR export of five years of daily diary entries (1,826 nights).

Run (pytest-django sets up a throwaway SQLite database):

    CRAMPCARE_DATA_DIR=/tmp/cc-bench .venv/bin/python -m pytest benchmarks/bench_fhir_export.py \
        --benchmark-only --benchmark-columns=min,median,mean,rounds

The baseline in the same run is the whole-account JSON export of the same person (the same
rows, read the same way, with no FHIR in it): the ratio says what building and validating every
FHIR resource costs on top, whatever the machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.insights.tests.diary_builders import fill_diary
from crampcare.portability.exporting import export_document
from crampcare.portability.fhir_export import bundle_json

NIGHTS = 1826

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def person(django_db_setup: Any, django_db_blocker: Any) -> Iterator[User]:
    with django_db_blocker.unblock():
        user = User.objects.create_user("bench-fhir@example.org", "not-used-here-1234")
        fill_diary(user, NIGHTS)
        yield user
        user.delete()


def test_baseline_json_export(benchmark: Any, person: User) -> None:
    benchmark.group = "five years, whole export"
    document = benchmark.pedantic(
        lambda: json.dumps(export_document(person), default=str), rounds=5, iterations=1
    )
    assert document


def test_fhir_bundle(benchmark: Any, person: User) -> None:
    benchmark.group = "five years, whole export"
    body = benchmark.pedantic(lambda: bundle_json(person), rounds=5, iterations=1)
    entries = len(json.loads(body)["entry"])
    # The Patient, a check-in and the day's factors for every night, and the cramps.
    assert entries > 2 * NIGHTS
