"""Export and import of everything a person has stored, not only the diary."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import time
from typing import Any

import pytest

from crampcare.accounts.models import AccessToken, User
from crampcare.assessment.models import Assessment
from crampcare.insights import services as insights
from crampcare.insights.models import SelfTest
from crampcare.portability import services as portability
from crampcare.portability.tests.everything import NOW, Secrets, at, fill_everything
from crampcare.programs import calendar
from crampcare.programs import services as programs
from crampcare.programs.models import Program, ProgramChange, ReminderSent, Session
from crampcare.programs.reminders import unsubscribe_token
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db

# Not the same after a move to another account, by design (docs/diary.md).
NOT_CARRIED_OVER = {"profile.csv", "access_tokens.csv", "access_log.csv", "messages.csv"}


@pytest.fixture
def secrets(user: User) -> Secrets:
    return fill_everything(user)


def _csv_at_now(user: User) -> dict[str, str]:
    with at(NOW):
        return portability.csv_files(user)


def _import_at_now(user: User, archive: bytes, **options: Any) -> portability.ImportReport:
    with at(NOW):
        return portability.import_zip(user, archive, **options)


def _counts(user: User) -> dict[str, int]:
    return {
        name: file.rows(user).count()  # type: ignore[attr-defined]
        for name, file in {f.name: f for f in portability.FILES}.items()
        if file.model is not None or name == "access_tokens.csv"
    }


def test_it_exports_every_kind_of_record(user: User, secrets: Secrets) -> None:
    files = _csv_at_now(user)
    rows = {name: len(text.splitlines()) - 1 for name, text in files.items()}
    assert rows["program.csv"] == 1
    assert rows["reminders_sent.csv"] == 1
    assert rows["self_tests.csv"] == 2
    assert rows["assessments.csv"] == 2
    assert rows["access_tokens.csv"] == 2
    assert min(rows.values()) >= 1, rows
    # JSON columns are compact and key-sorted; instants are UTC.
    changes = files["program_changes.csv"].splitlines()
    assert changes[0] == "at,kind,before,after,changed_by_name,note"
    assert changes[2] == (
        '2025-05-03T19:00:00Z,bedtime,"{""bedtime"":""22:30""}","{""bedtime"":""22:00""}",,'
    )
    # A text that looks like a formula is defused, as in the diary's files.
    assert "\n'=spreadsheet-looking name," in files["access_tokens.csv"]


def test_it_never_exports_a_secret(user: User, secrets: Secrets) -> None:
    program = Program.objects.for_user(user).get()
    with at(NOW):
        archive = portability.export_zip(user)
        document = json.dumps(portability.export_document(user))
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        text = "".join(opened.read(name).decode() for name in opened.namelist())
    for secret in (
        secrets.access_token,
        secrets.access_token_digest,
        secrets.calendar_token,
        secrets.calendar_token_digest,
        program.calendar_token_prefix,
        unsubscribe_token(program),
    ):
        assert secret not in text
        assert secret not in document


def test_it_round_trips_every_file_exactly_into_a_fresh_account(
    user: User, secrets: Secrets
) -> None:
    first = _csv_at_now(user)
    fresh = make_user("fresh@example.org")
    report = _import_at_now(fresh, portability.export_zip(user))
    assert report.ok, [str(problem) for problem in report.problems]
    assert report.notes[-1].startswith("access_tokens.csv was not imported: token secrets")
    again = _csv_at_now(fresh)
    for name in first.keys() - NOT_CARRIED_OVER:
        assert again[name] == first[name], name
    assert again["profile.csv"] == first["profile.csv"].replace(user.email, fresh.email)
    assert again["access_tokens.csv"] == "name,prefix,created_at,last_used_at\r\n"
    # The JSON document says the same.
    with at(NOW):
        before, after = portability.export_document(user), portability.export_document(fresh)
    for section in ("assessments", "program", "program_changes", "sessions", "self_tests"):
        assert after[section] == before[section], section


def test_it_makes_no_calendar_feed_for_an_imported_program(user: User, secrets: Secrets) -> None:
    fresh = make_user("fresh@example.org")
    _import_at_now(fresh, portability.export_zip(user))
    program = Program.objects.for_user(fresh).get()
    assert program.calendar_token_digest is None
    assert program.calendar_token_prefix == ""
    assert calendar.program_for_calendar_token(secrets.calendar_token) != program
    # Every session and change hangs off the new account's own program.
    assert set(Session.objects.for_user(fresh).values_list("program", flat=True)) == {program.pk}
    assert set(ProgramChange.objects.for_user(fresh).values_list("program", flat=True)) == {
        program.pk
    }


def test_it_gives_the_same_insights_program_included_after_a_move(
    user: User, secrets: Secrets
) -> None:
    fresh = make_user("fresh@example.org")
    _import_at_now(fresh, portability.export_zip(user))
    with at(NOW):
        before, after = insights.insights_for(user, user), insights.insights_for(fresh, fresh)
        self_tests = [
            insights.self_test_view(u, u, insights.self_tests(u, u)[0]) for u in (user, fresh)
        ]
    assert after.program_start == before.program_start is not None
    assert sum(record.program_done for record in before.records) > 10
    assert after.records == before.records
    assert after.insights == before.insights
    assert after.figures == before.figures
    assert [week.strategy for week in self_tests[1].weeks] == [
        week.strategy for week in self_tests[0].weeks
    ]


def test_it_updates_instead_of_doubling_when_the_same_zip_comes_back(
    user: User, secrets: Secrets
) -> None:
    archive = portability.export_zip(user)
    counts = _counts(user)
    sequence = Program.objects.for_user(user).get().sequence
    report = _import_at_now(user, archive)
    assert report.ok
    assert {name: n for name, n in report.created.items() if n} == {}
    assert report.updated == {name: n for name, n in counts.items() if name in report.updated}
    assert _counts(user) == counts
    program = Program.objects.for_user(user).get()
    # The settings may have changed, so calendar apps are told to refresh; the feed is kept.
    assert program.sequence == sequence + 1
    assert program.calendar_token_digest == secrets.calendar_token_digest


def test_it_updates_the_program_an_account_already_has(user: User, secrets: Secrets) -> None:
    other = make_user("fresh@example.org", time_zone="Europe/London")
    with at(NOW):
        own = programs.create_program(other, {"age": 40, "bedtime": time(23, 15)})
        feed = calendar.new_calendar_token(other)
    report = _import_at_now(other, portability.export_zip(user))
    assert report.ok, [str(problem) for problem in report.problems]
    assert report.created["program.csv"] == 0
    assert report.updated["program.csv"] == 1
    program = Program.objects.for_user(other).get()
    assert program.pk == own.pk
    assert calendar.program_for_calendar_token(feed) == program
    assert _csv_at_now(other)["program.csv"] == _csv_at_now(user)["program.csv"]
    # The new account's own "program started" change stays beside the imported history.
    assert ProgramChange.objects.for_user(other).count() == (
        ProgramChange.objects.for_user(user).count() + 1
    )


def test_it_never_imports_access_tokens(user: User, secrets: Secrets) -> None:
    fresh = make_user("fresh@example.org")
    report = _import_at_now(fresh, portability.export_zip(user))
    assert "access_tokens.csv" not in report.created
    assert not AccessToken.objects.for_user(fresh).exists()
    assert any("token secrets are never stored" in note for note in report.notes)


def test_it_keeps_self_tests_that_share_a_first_night_apart(user: User, secrets: Secrets) -> None:
    fresh = make_user("fresh@example.org")
    _import_at_now(fresh, portability.export_zip(user))
    starts = list(SelfTest.objects.for_user(fresh).values_list("start", flat=True))
    assert len(starts) == 2
    assert len(set(starts)) == 1


def test_it_works_the_assessment_result_out_again_from_the_answers(
    user: User, secrets: Secrets
) -> None:
    lines = _csv_at_now(user)["assessments.csv"].splitlines()
    # Claim "emergency" in the result column: the import ignores it and evaluates the answers.
    lines[2] = lines[2].replace('triage"":""self_care', 'triage"":""emergency')
    assert "emergency" in lines[2]
    fresh = make_user("fresh@example.org")
    archive = _zip({"assessments.csv": "\r\n".join(lines) + "\r\n"})
    report = _import_at_now(fresh, archive)
    assert report.ok
    triages = {a.triage for a in Assessment.objects.for_user(fresh)}
    assert triages == {a.triage for a in Assessment.objects.for_user(user)} == {"self_care"}


def test_it_exports_the_same_sections_as_json(user: User, secrets: Secrets) -> None:
    with at(NOW):
        document = portability.export_document(user)
    assert document["version"] == 2
    assert set(document) == {
        "format",
        "version",
        "exported_at",
        *(file.section for file in portability.FILES),
    }
    program = document["program"]
    assert program["bedtime"] == "22:00"
    assert program["swaps"] == {"calf": "calf-stretch-seated"}
    assert program["created_at"] == "2025-05-01T19:00:00Z"
    assert isinstance(document["sessions"][0]["items"], list)
    assert document["reminders_sent"] == [
        {"night": "2025-05-15", "channel": "email", "sent_at": "2025-05-15T20:50:00Z"}
    ]
    assert [token["name"] for token in document["access_tokens"]] == [
        "phone",
        "=spreadsheet-looking name",
    ]
    assert "digest" not in document["access_tokens"][0]
    json.dumps(document)


def test_it_exports_null_for_a_person_without_a_program(other_user: User) -> None:
    document = portability.export_document(other_user)
    assert document["program"] is None
    assert document["sessions"] == []
    assert ReminderSent.objects.for_user(other_user).count() == 0


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
