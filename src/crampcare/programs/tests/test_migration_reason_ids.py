"""Migration 0007: plans and sessions stored with the cited lines' words get reason ids."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from crampcare.accounts.models import User
from crampcare.programs.plan import Plan

BEFORE = ("programs", "0006_programchange_kinds_merged")
AFTER = ("programs", "0007_plan_reason_ids")
GOLDEN = Path(__file__).resolve().parent / "golden" / "plan_stored_before_ids.json"
CHANGED = {"text": {"en": "A line an older version wrote.", "es": None}, "references": ["R1"]}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _latest_schema_after() -> Iterator[None]:
    """Every app's latest migration again afterwards, whatever the test left: the tests that
    follow on this worker share the database and need today's tables."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _old_plan() -> dict[str, Any]:
    plan: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))["hip-replacement"]
    # One line no reason matches any more: it must be kept as it was.
    plan["items"][-1] = {**plan["items"][-1], "why": CHANGED}
    return plan


def _make_rows(apps: Any) -> tuple[int, int]:
    # The accounts tables are at their latest state: the person is made the usual way.
    user = User.objects.create_user(email="old-plan@example.org", password=None)
    program_model = apps.get_model("programs", "Program")
    plan = _old_plan()
    program = program_model._base_manager.create(
        owner_id=user.pk,
        plan=plan,
        profile=plan["profile"],
        started_on=date(2026, 1, 5),
        week_started_on=date(2026, 1, 5),
        bedtime=time(22, 0),
    )
    session = apps.get_model("programs", "Session")._base_manager.create(
        owner_id=user.pk, program_id=program.pk, night=date(2026, 1, 5), week=1, items=plan["items"]
    )
    return program.pk, session.pk


def test_it_turns_stored_words_into_ids_keeps_unmatched_lines_and_reverses() -> None:
    old_apps = _migrate(BEFORE)
    program_id, session_id = _make_rows(old_apps)

    new_apps = _migrate(AFTER)

    program = new_apps.get_model("programs", "Program")._base_manager.get(pk=program_id)
    session = new_apps.get_model("programs", "Session")._base_manager.get(pk=session_id)
    whys = [entry["why"] for entry in (*program.plan["items"], *program.plan["notes"])]
    assert whys[: len(program.plan["items"]) - 1] == [
        item["slot"] if item["slot"] not in ("calf", "hamstring") else "trial-stretch"
        for item in program.plan["items"][:-1]
    ]
    assert program.plan["items"][-1]["why"] == CHANGED
    assert [note["why"] for note in program.plan["notes"]] == [
        note["rule"] for note in program.plan["notes"]
    ]
    assert session.items == program.plan["items"]
    # The plan reads back, the kept line shown as it was stored, the rest from the content file.
    plan = Plan.model_validate(program.plan)
    assert plan.items[-1].shown_why.text == "A line an older version wrote."
    assert plan.items[0].shown_why.id == "trial-stretch"

    back_apps = _migrate(BEFORE)

    program = back_apps.get_model("programs", "Program")._base_manager.get(pk=program_id)
    session = back_apps.get_model("programs", "Session")._base_manager.get(pk=session_id)
    assert program.plan == _old_plan()
    assert session.items == _old_plan()["items"]
    _migrate(AFTER)
