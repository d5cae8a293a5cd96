"""Migration 0002: results saved with their words keep the ids instead, and it reverses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from crampcare.accounts.models import User
from crampcare.assessment.models import Assessment

BEFORE = ("assessment", "0001_initial")
AFTER = ("assessment", "0002_result_ids")
GOLDEN = Path(__file__).resolve().parent / "golden" / "assessment_english.json"
NAMES = ("after surgery, red warm calf and breathless", "self care: ordinary night cramps")

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


def _old_results() -> list[dict[str, Any]]:
    """Results as the code before the ids saved them: the words in English."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    results = [golden[name] for name in NAMES if name in golden]
    results = results or list(golden.values())[:2]
    changed = json.loads(json.dumps(results[0]))
    # Words no content gives any more, and a result saved before `status` existed.
    changed["reasons"][0]["message"] = "Words an older version used."
    del changed["status"]
    return [*results, changed]


def test_it_turns_saved_words_into_ids_keeps_unmatched_words_and_reverses() -> None:
    old_apps = _migrate(BEFORE)
    user = User.objects.create_user(email="old-results@example.org", password=None)
    model = old_apps.get_model("assessment", "Assessment")
    old = _old_results()
    ids = [
        model._base_manager.create(owner_id=user.pk, answers={}, result=result, completed=True).pk
        for result in old
    ]

    new_apps = _migrate(AFTER)

    stored = [new_apps.get_model("assessment", "Assessment")._base_manager.get(pk=pk) for pk in ids]
    for row in stored[:-1]:
        items = (*row.result["reasons"], *row.result["contributors"])
        assert not any("message" in item or "action" in item for item in items)
    kept = stored[-1].result["reasons"][0]
    assert kept["message"] == "Words an older version used."
    assert all("message" not in reason for reason in stored[-1].result["reasons"][1:])
    # Read through the model: the same words as before, the kept ones as stored.
    for pk, result in zip(ids, old, strict=True):
        shown = Assessment.objects.for_user(user).get(pk=pk).shown_result("en")
        assert {k: v for k, v in shown.items() if k != "status"} == {
            k: v for k, v in result.items() if k != "status"
        }

    back_apps = _migrate(BEFORE)

    back = [back_apps.get_model("assessment", "Assessment")._base_manager.get(pk=pk) for pk in ids]
    assert [row.result for row in back[:-1]] == old[:-1]
    assert back[-1].result["reasons"][0]["message"] == "Words an older version used."
    _migrate(AFTER)
