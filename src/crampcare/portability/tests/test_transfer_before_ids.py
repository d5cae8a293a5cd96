"""Files exported before results and plans kept ids (they carried the rendered words) still import,
and what they carried becomes ids again."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.assessment.models import Assessment
from crampcare.assessment.rendering import ids_to_words
from crampcare.portability import services as transfer
from crampcare.portability.tests.everything import NOW, at, fill_everything
from crampcare.programs.models import Program, Session
from crampcare.programs.reasons import items_with, plan_with, why_to_words
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


def _rewrite(text: str, column: str, change: Any) -> str:
    """One CSV file with each row's JSON ``column`` changed the way the old code wrote it."""
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, column
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        value = json.loads(row[column])
        row[column] = json.dumps(change(value), separators=(",", ":"), sort_keys=True)
        writer.writerow(row)
    return out.getvalue()


def _archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _old_files(user: User) -> dict[str, str]:
    with at(NOW):
        files = transfer.csv_files(user)
    files["program.csv"] = _rewrite(
        files["program.csv"], "plan", lambda plan: plan_with(plan, why_to_words)
    )
    files["sessions.csv"] = _rewrite(
        files["sessions.csv"], "items", lambda items: items_with(items, why_to_words)
    )
    return files


def test_it_imports_a_program_file_with_the_words_and_stores_the_reason_ids(user: User) -> None:
    fill_everything(user)
    old = _old_files(user)
    assert '""text"":{""en"":""One of the two bedtime stretches' in old["program.csv"]
    fresh = make_user("fresh@example.org")

    with at(NOW):
        report = transfer.import_zip(fresh, _archive(old))

    assert report.ok, [str(problem) for problem in report.problems]
    mine = Program.objects.for_user(user).get()
    theirs = Program.objects.for_user(fresh).get()
    assert theirs.plan == mine.plan
    assert all(isinstance(item["why"], str) for item in theirs.plan["items"])
    sessions = [s.items for s in Session.objects.for_user(fresh).order_by("night")]
    assert sessions == [s.items for s in Session.objects.for_user(user).order_by("night")]
    with at(NOW):
        assert transfer.csv_files(fresh)["program.csv"] == transfer.csv_files(user)["program.csv"]


def test_it_imports_an_assessments_file_with_the_words_and_stores_the_ids(user: User) -> None:
    fill_everything(user)
    old = _old_files(user)
    old["assessments.csv"] = _rewrite(old["assessments.csv"], "result", ids_to_words)
    assert '""message"":' in old["assessments.csv"]
    fresh = make_user("fresh@example.org")

    with at(NOW):
        report = transfer.import_zip(fresh, _archive(old))

    assert report.ok, [str(problem) for problem in report.problems]
    mine = Assessment.objects.for_user(user).order_by("created_at")
    theirs = Assessment.objects.for_user(fresh).order_by("created_at")
    assert [a.result for a in theirs] == [a.result for a in mine]
    assert "message" not in json.dumps([a.result for a in theirs])
    assert [a.shown_result() for a in theirs] == [a.shown_result() for a in mine]
