"""Bad input in the assessment, program, session, reminder and self-test files: every problem is
named by file, line and column, nothing is half-saved, and the page and API answer 4xx."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment.models import Assessment
from crampcare.diary.models import NightCheckin
from crampcare.insights.models import SelfTest
from crampcare.portability import services as portability
from crampcare.portability.tests.everything import NOW, at, fill_everything
from crampcare.programs.models import Program, ProgramChange, ReminderSent, Session

pytestmark = pytest.mark.django_db

AT = "2025-05-01T19:00:00Z"
PLAN_ROW = {
    "started_on": "2025-05-01",
    "week_started_on": "2025-05-01",
    "week": "1",
    "level": "1",
    "phase": "active",
    "bedtime": "22:30",
    "reminder_minutes_before": "15",
    "email_reminders": "no",
    "paused": "no",
    "swaps": "{}",
    "preferences": "{}",
    "profile": "{}",
    "plan": "{}",
    "created_at": AT,
    "updated_at": AT,
}


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _import(
    user: User, files: dict[str, str], valid_only: bool = False
) -> portability.ImportReport:
    with time_machine.travel(NOW, tick=False):
        return portability.import_zip(user, _zip(files), valid_only=valid_only)


def _found(report: portability.ImportReport) -> dict[tuple[str, int | None, str | None], str]:
    return {(p.file, p.line, p.column): p.message for p in report.problems}


def _nothing_saved(user: User) -> bool:
    return not any(
        model.objects.for_user(user).exists()
        for model in (Assessment, Program, ProgramChange, Session, ReminderSent, SelfTest)
    )


@pytest.fixture
def exported(other_user: User) -> dict[str, str]:
    """A real export with every file filled, to break one cell at a time."""
    fill_everything(other_user)
    with at(NOW):
        return portability.csv_files(other_user)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_it_reports_bad_json_with_file_line_and_column(user: User) -> None:
    program = _csv([{**PLAN_ROW, "plan": '{"items": [', "swaps": "[]"}])
    report = _import(user, {"program.csv": program})
    found = _found(report)
    assert found[("program.csv", 2, "plan")].startswith("is not valid JSON (Expecting value")
    assert found[("program.csv", 2, "swaps")] == "should be a JSON object, like {}"
    assert not report.saved
    assert _nothing_saved(user)


def test_it_reports_a_plan_that_is_json_but_not_a_plan(user: User) -> None:
    report = _import(user, {"program.csv": _csv([PLAN_ROW])})
    found = _found(report)
    assert found[("program.csv", 2, "plan")].startswith("does not have the expected shape: ")
    assert "profile: Field required" in found[("program.csv", 2, "plan")]


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("program_changes.csv", "kind", "exploded", "Value 'exploded' is not a valid choice."),
        ("reminders_sent.csv", "channel", "pigeon", "Value 'pigeon' is not a valid choice."),
        ("self_tests.csv", "weeks", "5", "Value 5 is not a valid choice."),
        ("program.csv", "phase", "forever", "Value 'forever' is not a valid choice."),
        ("sessions.csv", "pain", "11", "Ensure this value is less than or equal to 10."),
        ("sessions.csv", "items", "{}", "should be a JSON list, like []"),
        ("sessions.csv", "completed_at", "2025-05-02T21:00", "needs its UTC offset, like"),
        ("assessments.csv", "answers", '{"age": "old"}', "age: "),
        ("assessments.csv", "created_at", "2999-01-01T00:00:00Z", "That time is in the future."),
        ("self_tests.csv", "strategy_b", "stretching", "Choose two different ways to compare."),
        ("program.csv", "preferences", '{"mood": 1}', "mood: "),
    ],
)
def test_it_names_the_bad_cell_in_each_new_file(
    user: User,
    exported: dict[str, str],
    file: str,
    column: str,
    value: str,
    message: str,
) -> None:
    rows = _rows(exported[file])
    rows[0][column] = value
    files = {**exported, file: _csv(rows)}
    report = _import(user, files)
    assert not report.saved
    problems = [p for p in report.problems if p.file == file]
    assert [(p.line, p.column) for p in problems] == [(2, column)], report.problems
    assert problems[0].message.startswith(message)
    assert _nothing_saved(user)
    assert not NightCheckin.objects.for_user(user).exists()


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("sessions.csv", "night"),
        ("program_changes.csv", "kind"),
        ("assessments.csv", "created_at"),
        ("self_tests.csv", "seed"),
        ("program.csv", "plan"),
        ("reminders_sent.csv", "channel"),
    ],
)
def test_it_reports_a_missing_column_on_line_1(
    user: User, exported: dict[str, str], file: str, column: str
) -> None:
    rows = [{k: v for k, v in row.items() if k != column} for row in _rows(exported[file])]
    report = _import(user, {**exported, file: _csv(rows)})
    assert [(p.file, p.line, p.column, p.message) for p in report.problems if p.file == file] == [
        (file, 1, column, "column is missing")
    ]
    # Without a program, its sessions and changes cannot come in either; nothing else is wrong.
    assert {p.file for p in report.problems} <= {file, "sessions.csv", "program_changes.csv"}
    assert _nothing_saved(user)


@pytest.mark.parametrize(
    ("file", "column", "message"),
    [
        ("sessions.csv", "night", "is the same as on line 2; keep one of the two rows"),
        ("assessments.csv", "created_at", "is the same as on line 2; keep one of the two rows"),
        ("program_changes.csv", "at", "is the same as on line 2; keep one of the two rows"),
        ("self_tests.csv", "created_at", "is the same as on line 2; keep one of the two rows"),
        ("reminders_sent.csv", "night", "is the same as on line 2; keep one of the two rows"),
        (
            "program.csv",
            None,
            "is a second row, but this file holds one at most (the first is on line 2)",
        ),
    ],
)
def test_it_reports_a_duplicate_row(
    user: User, exported: dict[str, str], file: str, column: str | None, message: str
) -> None:
    rows = _rows(exported[file])
    text = _csv([rows[0], *rows])
    report = _import(user, {**exported, file: text})
    assert [(p.file, p.line, p.column, p.message) for p in report.problems] == [
        (file, 3, column, message)
    ]
    assert _nothing_saved(user)


def test_it_imports_the_valid_rows_of_the_new_files_when_asked(
    user: User, exported: dict[str, str]
) -> None:
    sessions = _rows(exported["sessions.csv"])
    sessions[1]["difficulty"] = "hard"
    report = _import(user, {**exported, "sessions.csv": _csv(sessions)}, valid_only=True)
    assert report.saved
    assert report.skipped_rows == 1
    assert Session.objects.for_user(user).count() == len(sessions) - 1
    assert Program.objects.for_user(user).count() == 1


def test_it_needs_a_program_for_sessions_and_changes(user: User, exported: dict[str, str]) -> None:
    files = {name: exported[name] for name in ("sessions.csv", "program_changes.csv")}
    report = _import(user, files)
    assert {(p.file, p.line, p.column) for p in report.problems} == {
        ("sessions.csv", None, None),
        ("program_changes.csv", None, None),
    }
    assert report.problems[0].message.startswith("belongs to a program, but there is none")
    left_out = _import(user, files, valid_only=True)
    assert left_out.saved
    assert left_out.skipped_rows == len(_rows(exported["sessions.csv"])) + len(
        _rows(exported["program_changes.csv"])
    )
    assert _nothing_saved(user)


# Values that have broken importers before: wrong types, huge numbers, the calendar's edges.
JUNK = [
    "",
    "x",
    "{",
    "[]",
    "-1",
    "99999999999999999999999",
    "1e400",
    "0001-01-01T00:00:00+14:00",
    "[" * 5000,
]


def test_it_never_fails_on_junk_in_any_cell(user: User, exported: dict[str, str]) -> None:
    program = {"program.csv": exported["program.csv"]}
    for file in portability.FILES:
        if not file.imported or file.name == "profile.csv":
            continue
        first_row = _rows(exported[file.name])[0]
        for column, junk in ((column, junk) for column in file.header for junk in JUNK):
            files = {**program, file.name: _csv([{**first_row, column: junk}])}
            report = _import(user, files, valid_only=True)
            assert report.saved, (file.name, column, junk, report.problems)


def _upload(files: dict[str, str]) -> io.BytesIO:
    upload = io.BytesIO(_zip(files))
    upload.name = "data.zip"
    return upload


def test_it_answers_400_on_the_page_with_each_problem(
    owner_client: Client, user: User, exported: dict[str, str]
) -> None:
    rows = _rows(exported["program_changes.csv"])
    rows[2]["kind"] = "exploded"
    with time_machine.travel(NOW, tick=False):
        response = owner_client.post(
            "/diary/data/import/",
            {"archive": _upload({**exported, "program_changes.csv": _csv(rows)})},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "program_changes.csv" in page  # problems are a list now
    assert "kind" in page
    assert _nothing_saved(user)


def test_it_answers_422_in_the_api_with_each_problem(
    owner_client: Client, user: User, exported: dict[str, str]
) -> None:
    rows = _rows(exported["self_tests.csv"])
    rows[0]["seed"] = "-5"
    with time_machine.travel(NOW, tick=False):
        response = owner_client.post(
            "/api/v1/diary/import",
            {"archive": _upload({**exported, "self_tests.csv": _csv(rows)})},
        )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "self_tests.csv:2:seed"
    assert _nothing_saved(user)


def test_it_imports_through_the_api_and_says_tokens_stay_behind(
    owner_client: Client, user: User, exported: dict[str, str]
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = owner_client.post("/api/v1/diary/import", {"archive": _upload(exported)})
    assert response.status_code == 200
    body = response.json()
    assert body["created"]["program.csv"] == 1
    assert any("token secrets are never stored" in note for note in body["notes"])
    assert Program.objects.for_user(user).get().created_at == datetime(
        2025, 5, 1, 19, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("episodes.csv", "started_at", "1899-12-31T23:00:00+00:00", "must be in 1900 or later"),
        ("episodes.csv", "started_at", "0001-01-01T00:00:00+14:00", ""),
        ("checkins.csv", "night", "0001-01-01", "must be in 1900 or later"),
        ("factors.csv", "date", "1899-12-31", "must be in 1900 or later"),
        ("sessions.csv", "night", "1899-12-31", "must be in 1900 or later"),
        ("episodes.csv", "notes", "a\x00b", "contains a NUL character"),
        ("checkins.csv", "notes", "\x00", "contains a NUL character"),
        (
            "assessments.csv",
            "answers",
            '{"age": 70, "medications": ["a\\u0000"]}',
            "contains a NUL",
        ),
    ],
)
def test_it_refuses_dates_before_1900_and_nul_characters_in_any_file(
    user: User, exported: dict[str, str], file: str, column: str, value: str, message: str
) -> None:
    assert file in exported, sorted(exported)
    rows = _rows(exported[file])
    assert column in rows[0], sorted(rows[0])
    rows[0][column] = value
    report = _import(user, {**exported, file: _csv(rows)})
    assert not report.saved
    problems = [p for p in report.problems if p.file == file]
    assert [(p.line, p.column) for p in problems] == [(2, column)], report.problems
    assert problems[0].message.startswith(message)
    assert _nothing_saved(user)
    assert not NightCheckin.objects.for_user(user).exists()
