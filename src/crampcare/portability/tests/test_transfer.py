from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.diary import services
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.insights.nights import nights_for
from crampcare.portability import services as portability
from crampcare.testing.builders import every_row, make_user

pytestmark = pytest.mark.django_db


def _fill(user: User) -> None:
    user.time_zone = "Europe/London"
    user.display_name = "Olive"
    user.save()
    services.create_episode(
        user,
        started_at=datetime(2024, 6, 5, 1, 14, 5, tzinfo=UTC),
        muscle="calf",
        side="left",
        severity=7,
        duration_minutes=4,
        woke_me=True,
        helped=["stretching", "walking"],
        notes='after the "long" drive,\nthen again at dawn',
    )
    services.create_episode(user, started_at=datetime(2024, 1, 10, 23, 0, tzinfo=UTC))
    services.create_episode(
        user,
        started_at=datetime(2024, 6, 6, 2, 0, tzinfo=UTC),
        notes="=SUM(A1:A9) looks like a formula",
    )
    services.record_checkin(user, date(2024, 6, 4), cramp_count=3, severity=6, notes="rough")
    services.record_checkin(user, date(2024, 6, 3), cramp_count=0, sleep_disruption=0)
    services.record_factors(
        user,
        date(2024, 6, 4),
        fluid_cups=Decimal("5.5"),
        exercise_minutes=40,
        exercise_intensity="intense",
        exercise_in_heat=False,
        sitting_hours=Decimal(9),
        footwear="high_heels",
        alcohol_drinks=Decimal("1.5"),
        medicine_change=True,
        medicine_note="'new' tablets, ½ dose",
    )
    services.record_factors(user, date(2024, 6, 3))


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _saved(counts: dict[str, int]) -> dict[str, int]:
    """The files that had rows (an export has every file, most empty for a diary-only test)."""
    return {name: count for name, count in counts.items() if count}


def _counts(user: User) -> tuple[int, int, int]:
    return (
        CrampEpisode.objects.for_user(user).count(),
        NightCheckin.objects.for_user(user).count(),
        DailyFactors.objects.for_user(user).count(),
    )


def test_it_round_trips_the_csv_export_exactly(user: User) -> None:
    _fill(user)
    first = portability.csv_files(user)
    fresh = make_user("fresh@example.org")
    report = portability.import_zip(fresh, portability.export_zip(user))
    assert report.ok, report.problems
    assert _saved(report.created) == {"episodes.csv": 3, "checkins.csv": 2, "factors.csv": 2}
    again = portability.csv_files(fresh)
    for name in ("episodes.csv", "checkins.csv", "factors.csv"):
        assert again[name] == first[name], name
    # The profile comes along too, except the email address, which is the new account's sign-in.
    assert again["profile.csv"] == first["profile.csv"].replace(user.email, fresh.email)
    assert nights_for(fresh, fresh, date(2024, 1, 1), date(2024, 12, 31)) == nights_for(
        user, user, date(2024, 1, 1), date(2024, 12, 31)
    )


def test_it_writes_readable_columns(user: User) -> None:
    _fill(user)
    files = portability.csv_files(user)
    episodes = files["episodes.csv"].splitlines()
    assert episodes[0] == (
        "started_at,night,muscle,side,severity,duration_minutes,woke_me,helped,notes"
    )
    assert episodes[1] == "2024-01-10T23:00:00+00:00,2024-01-10,,,,,,,"
    assert episodes[2].startswith(
        "2024-06-05T02:14:05+01:00,2024-06-04,calf,left,7,4,yes,stretching;walking,"
    )
    # Spreadsheet formulas are defused with an apostrophe (and restored on import).
    assert "'=SUM(A1:A9)" in files["episodes.csv"]
    # A leading apostrophe is doubled so that the defusing stays reversible.
    assert files["factors.csv"].splitlines()[2] == (
        "2024-06-04,5.5,40,intense,no,9.0,high_heels,1.5,yes,\"''new' tablets, ½ dose\","
    )


def test_it_exports_one_json_document(user: User) -> None:
    _fill(user)
    document = portability.export_document(user)
    assert document["format"] == "crampcare.diary"
    assert document["profile"] == {
        "email": user.email,
        "display_name": "Olive",
        "time_zone": "Europe/London",
    }
    assert document["episodes"][1]["helped"] == ["stretching", "walking"]
    assert document["factors"][1]["fluid_cups"] == 5.5
    assert document["checkins"][0] == {
        "night": "2024-06-03",
        "cramp_count": 0,
        "severity": None,
        "sleep_disruption": 0,
        "notes": "",
    }
    json.dumps(document)  # nothing that JSON cannot hold


def test_it_updates_duplicates_instead_of_doubling_them(user: User) -> None:
    _fill(user)
    archive = portability.export_zip(user)
    services.record_checkin(user, date(2024, 6, 4), cramp_count=1, notes="changed since")
    report = portability.import_zip(user, archive)
    assert _saved(report.created) == {}
    assert _saved(report.updated) == {"episodes.csv": 3, "checkins.csv": 2, "factors.csv": 2}
    assert _counts(user) == (3, 2, 2)
    checkin = NightCheckin.objects.for_user(user).get(night=date(2024, 6, 4))
    assert (checkin.cramp_count, checkin.notes) == (3, "rough")


BAD_EPISODES = (
    "started_at,muscle,severity,helped,notes\n"
    "2024-06-05T02:14:00+01:00,calf,6,stretching,fine\n"
    "2024-06-06T02:14:00,calf,6,,no offset\n"
    "2024-06-07T02:14:00+01:00,elbow,11,dancing,\n"
    '2024-06-08T02:14:00+01:00,foot,3,,"two\nlines"\n'
    "2024-06-05T02:14:00+01:00,foot,3,,same instant as line 2\n"
)
BAD_CHECKINS = "night,cramp_count\n2024-06-04,two\n2999-01-01,1\n2024-06-03,0\n"


def test_it_reports_every_problem_with_file_line_and_column_and_saves_nothing(
    user: User,
) -> None:
    report = portability.import_zip(
        user, _zip({"episodes.csv": BAD_EPISODES, "checkins.csv": BAD_CHECKINS})
    )
    assert not report.saved
    assert _counts(user) == (0, 0, 0)
    found = {(p.file, p.line, p.column) for p in report.problems}
    assert found == {
        ("episodes.csv", 3, "started_at"),
        ("episodes.csv", 4, "muscle"),
        ("episodes.csv", 4, "severity"),
        ("episodes.csv", 4, "helped"),
        ("episodes.csv", 7, "started_at"),  # line 5 holds a two-line note, so this is line 7
        ("checkins.csv", 2, "cramp_count"),
        ("checkins.csv", 3, "night"),
    }
    messages = {(p.line, p.column): p.message for p in report.problems if p.file == "episodes.csv"}
    assert messages[(3, "started_at")].startswith("needs its UTC offset")
    assert messages[(7, "started_at")] == "is the same as on line 2; keep one of the two rows"
    assert str(report.problems[0]).startswith("episodes.csv, line 3, started_at: ")


def test_it_imports_only_the_valid_rows_when_asked(user: User) -> None:
    report = portability.import_zip(
        user, _zip({"episodes.csv": BAD_EPISODES, "checkins.csv": BAD_CHECKINS}), valid_only=True
    )
    assert report.saved
    assert _counts(user) == (2, 1, 0)
    assert report.skipped_rows == 5
    assert "5 rows with problems were left out" in report.summary()


def test_it_reports_unknown_and_missing_columns_on_line_1(user: User) -> None:
    report = portability.import_zip(user, _zip({"checkins.csv": "when,cramp_count,mood\n"}))
    assert {(p.line, p.column, p.message) for p in report.problems} == {
        (1, "when", "is not a column we know"),
        (1, "mood", "is not a column we know"),
        (1, "night", "column is missing"),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "is not a zip file"),
        (_zip({"notes.txt": "hello"}), "has none of the files of a crampcare export"),
    ],
)
def test_it_explains_an_archive_it_cannot_use(user: User, data: bytes, message: str) -> None:
    report = portability.import_zip(user, data)
    assert not report.saved
    assert [p.message for p in report.problems] == [
        next(p.message for p in report.problems if message in p.message)
    ]


def test_it_imports_an_empty_export_without_fuss(user: User) -> None:
    report = portability.import_zip(user, portability.export_zip(user))
    assert report.saved
    assert _saved(report.created) == _saved(report.updated) == {}


def test_it_refuses_text_that_is_not_utf8(user: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "checkins.csv", "night,cramp_count,notes\n2024-06-04,1,café\n".encode("latin-1")
        )
    report = portability.import_zip(user, buffer.getvalue())
    assert not report.saved
    assert [(p.file, p.message) for p in report.problems] == [
        ("checkins.csv", "is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    ]


def test_it_leaves_the_profile_alone_when_nothing_is_imported(user: User) -> None:
    profile = "email,display_name,time_zone\nx@example.org,Someone,Asia/Tokyo\n"
    report = portability.import_zip(
        user, _zip({"profile.csv": profile, "checkins.csv": BAD_CHECKINS})
    )
    assert not report.saved
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.email) == ("Olive", "UTC", "owner@example.org")


def test_it_refuses_an_unknown_time_zone_in_the_profile(user: User) -> None:
    profile = "email,display_name,time_zone\n,Olive,Mars/Olympus\n"
    report = portability.import_zip(
        user, _zip({"profile.csv": profile, "checkins.csv": "night,cramp_count\n"})
    )
    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("profile.csv", 2, "time_zone")
    ]


def test_it_imports_through_the_page_and_shows_the_problems(
    owner_client: Client, user: User
) -> None:
    upload = io.BytesIO(_zip({"checkins.csv": BAD_CHECKINS}))
    upload.name = "diary.zip"
    response = owner_client.post("/diary/data/import/", {"archive": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page
    assert (
        '<span class="problem-where">checkins.csv, line 2, <code>cramp_count</code></span>' in page
    )
    assert 'name="valid_only" id="id_valid_only" checked' in page
    assert not every_row(NightCheckin).exists()


def test_it_downloads_the_zip_and_the_json_from_the_page(owner_client: Client, user: User) -> None:
    _fill(user)
    response = owner_client.get("/diary/data/export.zip")
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["README.txt", *(file.name for file in portability.FILES)]
    assert owner_client.get("/diary/data/export.json").json()["profile"]["display_name"] == "Olive"


def test_it_imports_through_the_api_with_422_for_problems(owner_client: Client, user: User) -> None:
    upload = io.BytesIO(_zip({"checkins.csv": BAD_CHECKINS}))
    upload.name = "diary.zip"
    response = owner_client.post("/api/v1/diary/import", {"archive": upload})
    assert response.status_code == 422
    body = response.json()
    assert body["saved"] is False
    assert {
        "file": "checkins.csv",
        "line": 2,
        "column": "cramp_count",
        "message": "should be a whole number, like 3",
    } in body["problems"]
    assert body["errors"][0]["field"] == "checkins.csv:2:cramp_count"
    upload.seek(0)
    ok = owner_client.post("/api/v1/diary/import", {"archive": upload, "valid_only": "true"})
    assert ok.status_code == 200
    assert ok.json()["created"]["checkins.csv"] == 1
