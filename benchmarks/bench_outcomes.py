"""Population outcomes for an organisation of 100,000 members, on PostgreSQL.

Run (PostgreSQL on 127.0.0.1:5432, as .ci/run starts it; pytest-django makes a throwaway
``test_<name>`` database and drops it afterwards):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench CRAMPCARE_DATA_DIR=/tmp/cc-bench \\
        .venv/bin/python -m pytest benchmarks/bench_outcomes.py --benchmark-only \\
        --benchmark-columns=min,median,mean,rounds

``BENCH_OUTCOMES_MEMBERS`` changes the size (default 100,000). On SQLite the module is skipped:
the data is made with PostgreSQL's ``generate_series`` in a few bulk ``INSERT … SELECT``
statements, seeded, so every run has the same people.

The people: 85% started a program in the last 120 days (a few in maintenance after week 6),
each with a nightly cramp rate (most between 0.5 and 2.5), a program effect (from none to
halving it by week 6), a chance of logging a night (30-90%) and of stretching on a program
night (20-95%). Check-ins from three weeks before their start to today, one by one cramps on
some of those nights, finished sessions on program nights. The other 15% have no program and
log some of the last 60 nights. About 8 million rows in all.

Baselines in the same run: a bare ``SELECT count(*)`` over the cramps table and one grouped
aggregate over the check-ins; the outcomes (both statements, the door and its audit record),
and each statement alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from crampcare.accounts.models import User
from crampcare.accounts.population import Population, population_read
from crampcare.care import outcomes, services
from crampcare.care.models import Organisation
from crampcare.programs import services as programs

MEMBERS = int(os.environ.get("BENCH_OUTCOMES_MEMBERS", "100000"))
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


def _run(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _fill(organisation: Organisation, plan: dict[str, Any], profile: dict[str, Any]) -> None:
    """The members and their records, in bulk statements on the server."""
    _run("SELECT setseed(0.42)")
    _run(
        """INSERT INTO accounts_user (password, is_superuser, email, display_name, time_zone,
               country, text_size, high_contrast, is_staff, is_active, date_joined)
           SELECT '!', false, 'member' || g || '@members.example.org', '', 'UTC', '',
               'standard', false, false, true, %s
           FROM generate_series(1, %s) g""",
        [NOW, MEMBERS],
    )
    _run(
        """INSERT INTO care_membership (organisation_id, user_id, role, created_at)
           SELECT %s, id, 'member', %s FROM accounts_user
           WHERE email LIKE '%%@members.example.org'""",
        [organisation.pk, NOW],
    )
    # Each person's traits, drawn once.
    _run(
        """CREATE TEMP TABLE bench_person AS
           SELECT user_id,
               random() < 0.85 AS on_program,
               %s - (random() * 120)::int AS started_on,
               0.2 + random() * 2.5 AS rate,
               random() * 0.5 AS effect,
               0.3 + random() * 0.6 AS logs,
               0.2 + random() * 0.75 AS stretches,
               random() < 0.5 AS keeps_it_up
           FROM care_membership WHERE organisation_id = %s AND role = 'member'""",
        [TODAY, organisation.pk],
    )
    _run(
        """INSERT INTO programs_program (owner_id, plan, profile, preferences, started_on,
               week_started_on, week, level, phase, bedtime, reminder_minutes_before,
               email_reminders, progression_opt_in, paused, swaps, calendar_token_prefix,
               calendar_token_nonce, sequence, created_at, updated_at)
           SELECT user_id, %s::jsonb, %s::jsonb, '{}'::jsonb, started_on,
               started_on + 7 * ((%s - started_on) / 7), (%s - started_on) / 7 + 1, 1,
               CASE WHEN (%s - started_on) / 7 + 1 > 6 AND keeps_it_up
                   THEN 'maintenance' ELSE 'active' END,
               '22:30', 15, false, false, false, '{}'::jsonb, '', '', 0, %s, %s
           FROM bench_person WHERE on_program""",
        [json.dumps(plan), json.dumps(profile), TODAY, TODAY, TODAY, NOW, NOW],
    )
    # Check-ins: a night is logged with the person's chance; cramps drawn around their rate,
    # which falls by their program effect over the six weeks.
    _run(
        """INSERT INTO diary_nightcheckin (owner_id, night, cramp_count, notes)
           SELECT p.user_id, d::date,
               LEAST(20, floor(-ln(1 - random()) * p.rate * CASE
                   WHEN NOT p.on_program OR d::date < p.started_on THEN 1
                   ELSE 1 - p.effect * LEAST(1, (d::date - p.started_on) / 42.0) END))::int,
               ''
           FROM bench_person p
           CROSS JOIN LATERAL generate_series(
               CASE WHEN p.on_program THEN p.started_on - 21 ELSE %s - 60 END, %s,
               interval '1 day') d
           WHERE random() < p.logs""",
        [TODAY, TODAY],
    )
    # Some nights' cramps are also logged one by one (at 02:00 and on, a minute apart).
    _run(
        """INSERT INTO diary_crampepisode (owner_id, started_at, night, muscle, side, severity,
               helped, notes)
           SELECT c.owner_id, c.night + time '02:00' + interval '1 day' + n * interval '1 minute',
               c.night, 'calf', 'left', (random() * 10)::int, '[]'::jsonb, ''
           FROM diary_nightcheckin c
           CROSS JOIN LATERAL generate_series(1, c.cramp_count) n
           WHERE c.cramp_count > 0 AND random() < 0.4"""
    )
    _run(
        """INSERT INTO programs_session (owner_id, program_id, night, week, items, progress,
               started_at, updated_at, completed_at, skipped)
           SELECT p.owner_id, p.id, d::date, (d::date - p.started_on) / 7 + 1, '[]'::jsonb,
               '{}'::jsonb, %s, %s, %s, false
           FROM programs_program p JOIN bench_person b ON b.user_id = p.owner_id
           CROSS JOIN LATERAL generate_series(p.started_on, %s, interval '1 day') d
           WHERE random() < b.stretches""",
        [NOW, NOW, NOW, TODAY],
    )
    _run("DROP TABLE bench_person")
    _run("ANALYZE")


@pytest.fixture(scope="module")
def organisation(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[User, int]]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL (see the module docstring)")
    with django_db_blocker.unblock():
        admin = User.objects.create_user("admin@bench.example.org", "not-used-here-1234")
        template = User.objects.create_user("plan@bench.example.org", "not-used-here-1234")
        program = programs.create_program(template, {"age": 60, "bedtime": time(22, 30)})
        clinic = services.create_organisation_for(admin, "Bench Clinic", "clinic")
        _fill(clinic, program.plan, program.profile)
        yield admin, clinic.pk


def _one(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_baseline_count_the_cramps_table(benchmark: Any, organisation: tuple[User, int]) -> None:
    benchmark.group = "outcomes of 100,000 people"
    ((count,),) = benchmark(_one, "SELECT count(*) FROM diary_crampepisode")
    assert count > MEMBERS


def test_baseline_one_grouped_aggregate(benchmark: Any, organisation: tuple[User, int]) -> None:
    """Check-ins of the last week, per night: one scan and a GROUP BY."""
    benchmark.group = "outcomes of 100,000 people"
    since = (TODAY - timedelta(days=7)).isoformat()
    rows = benchmark(
        _one,
        f"SELECT night, count(*), avg(cramp_count) FROM diary_nightcheckin "  # noqa: S608
        f"WHERE night >= '{since}' GROUP BY night",
    )
    assert len(rows) == 8


def test_outcomes(benchmark: Any, organisation: tuple[User, int]) -> None:
    """What the page and the API do: the door (admin check, audit record) and both statements."""
    benchmark.group = "outcomes of 100,000 people"
    admin, clinic = organisation
    found = benchmark(outcomes.organisation_outcomes, admin, clinic, now=NOW)
    assert found.enrolled == MEMBERS
    assert found.change.shown


def _part(statement: Any, population: Population) -> Any:
    """One statement as the service runs it: in a transaction, with its settings."""
    with transaction.atomic():
        outcomes._tune(population)
        return statement(population, TODAY)


def test_part_counts(benchmark: Any, organisation: tuple[User, int]) -> None:
    benchmark.group = "outcomes: the two statements"
    admin, clinic = organisation
    population = population_read(admin, Organisation.objects.get(pk=clinic), what="bench")
    counts = benchmark(_part, outcomes._counts, population)
    assert counts[0] == MEMBERS


def test_part_cramp_change(benchmark: Any, organisation: tuple[User, int]) -> None:
    benchmark.group = "outcomes: the two statements"
    admin, clinic = organisation
    population = population_read(admin, Organisation.objects.get(pk=clinic), what="bench")
    measured, *_ = benchmark(_part, outcomes._cramp_change, population)
    assert measured > MEMBERS // 10
