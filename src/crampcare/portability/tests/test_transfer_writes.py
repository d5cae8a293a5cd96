"""How an import writes: the JSON export imports like the zip; a failure part-way keeps nothing;
a busy database answers 503 with Retry-After, never 500."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client, RequestFactory

from crampcare.db_busy import DatabaseBusyMiddleware
from crampcare.diary import services as diary_services
from crampcare.diary.models import CrampEpisode
from crampcare.portability import importing
from crampcare.portability import services as portability
from crampcare.portability.tests.everything import NOW, at, fill_everything
from crampcare.testing.builders import make_user

if TYPE_CHECKING:
    from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_imports_the_json_export_exactly_like_the_zip(user: User) -> None:
    fill_everything(user)
    with at(NOW):
        document = json.dumps(portability.export_document(user), ensure_ascii=False).encode()
        from_zip, from_json = make_user("zip@example.org"), make_user("json@example.org")
        zip_report = portability.import_zip(from_zip, portability.export_zip(user))
        json_report = portability.import_zip(from_json, document)
        assert zip_report.ok, [str(problem) for problem in zip_report.problems]
        assert json_report.ok, [str(problem) for problem in json_report.problems]
        assert (json_report.created, json_report.updated) == (
            zip_report.created,
            zip_report.updated,
        )
        assert json_report.notes == zip_report.notes
        by_zip, by_json = portability.csv_files(from_zip), portability.csv_files(from_json)
    for name, text in by_zip.items():
        assert by_json[name] == text.replace("zip@example.org", "json@example.org"), name


def test_it_reports_json_problems_by_section_and_item(user: User) -> None:
    document = {
        "format": "crampcare.diary",
        "version": 2,
        "episodes": [{"started_at": "2024-06-05T01:14:05+00:00"}, {"started_at": "soon"}],
    }
    report = portability.import_zip(user, json.dumps(document).encode())
    assert [str(problem) for problem in report.problems] == [
        "episodes, item 2, started_at: " + report.problems[0].message
    ]
    assert not CrampEpisode.objects.for_user(user).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"a":' + b"[" * 100_000, "is nested far too deeply"),
        (b'{"format": "other"}', "is not a crampcare export"),
        (b'{"format": "crampcare.diary", "version": 99}', "has format version 99"),
        (b'{"format": "crampcare.diary", "version": 2, "episodes": {}}', "should be a list"),
    ],
)
def test_it_refuses_a_json_file_that_is_no_export(user: User, body: bytes, message: str) -> None:
    report = portability.import_zip(user, body)
    assert not report.saved
    assert message in str(report.problems[0])


def _cramps(count: int) -> bytes:
    rows = [
        f"2024-01-01T{hour:02d}:{minute:02d}:00+00:00,calf"
        for hour in range(24)
        for minute in range(60)
    ]
    return json.dumps(
        {
            "format": "crampcare.diary",
            "version": 2,
            "episodes": [
                {"started_at": row.split(",")[0], "muscle": "calf"} for row in rows[:count]
            ],
        }
    ).encode()


@pytest.mark.parametrize(
    "error", [IntegrityError("UNIQUE constraint failed"), OperationalError("database is locked")]
)
def test_it_takes_back_what_it_wrote_when_saving_fails_part_way(
    user: User, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    kept = CrampEpisode.objects.create(
        owner=user, started_at="2024-01-01T00:00:00Z", muscle="foot", night="2023-12-31"
    )
    monkeypatch.setattr(importing, "_BATCH", 100)
    real_save = diary_services.save_as_given
    calls: list[int] = []

    def failing_save(model: Any, owner: User, records: list[Any], fields: Any) -> None:
        if fields is None:  # an insert: the third one fails
            calls.append(len(records))
            if len(calls) == 3:
                raise error
        real_save(model, owner, records, fields)

    # The diary's bulk entry point writes through save_as_given; fail it part-way.
    monkeypatch.setattr(diary_services, "save_as_given", failing_save)
    if isinstance(error, OperationalError):
        with pytest.raises(OperationalError):
            portability.import_zip(user, _cramps(400))
    else:
        report = portability.import_zip(user, _cramps(400))
        assert not report.saved
        assert "Nothing from this import was kept" in str(report.problems[0])
    # Two batches were written, then taken back; the updated cramp has its old values again.
    assert len(calls) == 3
    assert list(CrampEpisode.objects.for_user(user)) == [kept]
    kept.refresh_from_db()
    assert kept.muscle == "foot"


def _raise_locked(request: Any) -> Any:
    raise OperationalError("database is locked")


@pytest.mark.parametrize(
    ("path", "kind"), [("/api/v1/diary/episodes", "application/json"), ("/diary/", "text/html")]
)
def test_it_answers_a_locked_database_with_503_and_retry_after(path: str, kind: str) -> None:
    middleware = DatabaseBusyMiddleware(_raise_locked)
    request = RequestFactory().post(path)
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(kind)
    assert b"try again in a few seconds" in response.content


def test_it_leaves_other_database_errors_alone() -> None:
    middleware = DatabaseBusyMiddleware(_raise_locked)
    request = RequestFactory().get("/diary/")
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None


def test_it_turns_a_locked_database_in_a_view_into_a_503(
    owner_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crampcare.diary import services

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "create_episode", locked)
    response = owner_client.post(
        "/api/v1/diary/episodes",
        {"started_at": "2024-06-05T01:14:05+00:00"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.json()["detail"]


def test_it_keeps_nothing_when_a_row_fails_its_checks_on_the_second_reading(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving reads the file again; a row that passed then but not now stops the whole import."""
    monkeypatch.setattr(importing, "_BATCH", 100)
    real_load = importing._load_cells
    readings: dict[int, int] = {}

    def load_once(file: Any, line: int, cells: Any, report: Any) -> Any:
        readings[line] = readings.get(line, 0) + 1
        if line == 250 and readings[line] == 2:
            report.add(file.name, line, None, "changed")
            return None
        return real_load(file, line, cells, report)

    monkeypatch.setattr(importing, "_load_cells", load_once)
    report = portability.import_zip(user, _cramps(400))
    assert not report.saved
    assert [str(problem) for problem in report.problems] == [
        "the import: A row did not pass its checks when it was read again to be saved. "
        "Nothing from this import was kept; try again."
    ]
    assert readings[250] == 2
    assert not CrampEpisode.objects.for_user(user).exists()  # the first two batches taken back
