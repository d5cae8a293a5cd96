"""Roster uploads: every kind of bad line named by its line, all or nothing, replacing the roster
before, and hostile files (too large, too many rows, binary, not CSV, one huge line) refused
with a 4xx while reading only what the limits allow."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crampcare.care import coverage, organisations, rosters
from crampcare.care.models import RosterEntry
from crampcare.care.tests.conftest import Team, client_for

pytestmark = pytest.mark.django_db

HEADER = "email,member_id,name,date_of_birth\n"


def _upload(team: Team, text: str | bytes) -> rosters.RosterReport:
    data = text.encode() if isinstance(text, str) else text
    return organisations.upload_roster(team.admin, team.riverside.pk, io.BytesIO(data), len(data))


def _problems(report: rosters.RosterReport) -> list[tuple[int | None, str | None, str]]:
    return [(p.line, p.column, p.message) for p in report.problems]


def _entries(team: Team) -> list[tuple[str, str, str, date]]:
    return list(
        RosterEntry.objects.filter(organisation=team.riverside).values_list(
            "email", "member_id", "name", "date_of_birth"
        )
    )


def test_a_good_roster_is_saved_normalised(team: Team) -> None:
    report = _upload(
        team,
        "\ufeffEmail, Member ID ,Name,Date of birth\n"
        "  Ann.Lee@Example.ORG ,,Ann  Lee,1958-04-23\n"
        ",ab 12-34,Bob Stone,1947-12-01\n"
        "\n"
        'cy@example.org,C/9,"Cy, Jr.",2001-01-31\n',
    )
    assert report.saved, _problems(report)
    assert report.entries == 3
    assert _entries(team) == [
        ("ann.lee@example.org", "", "Ann Lee", date(1958, 4, 23)),
        ("", "AB12-34", "Bob Stone", date(1947, 12, 1)),
        ("cy@example.org", "C/9", "Cy, Jr.", date(2001, 1, 31)),
    ]
    assert list(RosterEntry.objects.values_list("line", flat=True)) == [2, 3, 5]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_spreadsheet_that_separates_with_semicolons_or_tabs_is_read(
    team: Team, separator: str
) -> None:
    text = f"email{separator}name{separator}date_of_birth\nann@example.org{separator}Ann{separator}1958-04-23\n"
    assert _upload(team, text).saved


def test_each_kind_of_bad_line_is_named_by_its_line_and_nothing_is_saved(team: Team) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    report = _upload(
        team,
        HEADER
        + "ann@example.org,,Ann,1958-04-23\n"  # 2: good
        + ",,Nobody,1960-01-01\n"  # 3: no identifier
        + "bob@example.org,,Bob,23/04/1958\n"  # 4: not a year-month-day date
        + f"cy@example.org,,Cy,{tomorrow}\n"  # 5: in the future
        + "ANN@example.org,,Ann again,1958-04-23\n"  # 6: the same email as line 2
        + "dee@example.org,M1,Dee,1970-01-01\n"  # 7: good
        + "eve@example.org,m 1,Eve,1971-01-01\n"  # 8: the same member id as line 7
        + "not-an-email,,Fay,1972-01-01\n"  # 9: not an email
        + "gus@example.org,,,1973-01-01\n"  # 10: no name
        + "hal@example.org,,Hal,\n"  # 11: no date of birth
        + "ivy@example.org,,Ivy,1899-12-31\n"  # 12: before 1900
        + "jo@example.org,,Jo\n"  # 13: a cell short
        + "kim@example.org,K#1,Kim,1974-01-01\n"  # 14: a member id with odd signs
        + "lea@example.org,,Lea,2023-02-30\n",  # 15: no such day
    )
    assert not report.saved
    assert _problems(report) == [
        (3, None, "has no email and no member id: give at least one."),
        (4, "date_of_birth", "“23/04/1958” is not a date like 1958-04-23 (year-month-day)."),
        (5, "date_of_birth", f"{tomorrow} is in the future."),
        (6, "email", "is the same email as line 2."),
        (8, "member_id", "is the same member id as line 7."),
        (9, "email", "“not-an-email” is not an email address."),
        (10, "name", "is missing."),
        (11, "date_of_birth", "is missing."),
        (12, "date_of_birth", "1899-12-31 is before 1900."),
        (13, None, "has 3 cells but the header has 4."),
        (14, "member_id", "may hold only letters, digits and the signs - _ . /"),
        (15, "date_of_birth", "“2023-02-30” is not a date like 1958-04-23 (year-month-day)."),
    ]
    assert _entries(team) == []
    assert "Nothing was saved: 12 problems need fixing first." in report.summary()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "mail,name,date_of_birth",
            [
                (
                    1,
                    "mail",
                    "is not a column we know. The header should be: "
                    "email,member_id,name,date_of_birth.",
                ),
                (1, None, "needs an email column or a member_id column (or both)."),
            ],
        ),
        ("email,name", [(1, "date_of_birth", "column is missing.")]),
        ("email,name,dob,Date of Birth", [(1, "date_of_birth", "appears twice in the header.")]),
        ("member_id,date_of_birth", [(1, "name", "column is missing.")]),
    ],
)
def test_wrong_column_names_are_named_on_line_one(
    team: Team, header: str, expected: list[tuple[int, str | None, str]]
) -> None:
    report = _upload(team, header + "\nann@example.org,Ann,1958-04-23\n")
    assert _problems(report) == expected
    assert _entries(team) == []


def test_a_bad_roster_leaves_the_one_before_as_it_was(team: Team) -> None:
    assert _upload(team, HEADER + "ann@example.org,,Ann,1958-04-23\n").saved
    before = _entries(team)
    report = _upload(team, HEADER + "bob@example.org,,Bob,1958-04-23\n,,x,1958-01-01\n")
    assert not report.saved
    assert _entries(team) == before


def test_a_new_roster_replaces_the_old_and_keeps_who_enrolled(team: Team) -> None:
    assert _upload(
        team, HEADER + "ann@example.org,,Ann,1958-04-23\n,B-2,Bob,1947-12-01\n,C-3,Cy,1990-01-01\n"
    ).saved
    olive = team.person
    token = coverage.check("b-2", date(1947, 12, 1)).offers[0].token
    coverage.enrol(olive, token)
    enrolled_at = RosterEntry.objects.get(member_id="B-2").enrolled_at
    assert enrolled_at is not None
    report = _upload(
        team, HEADER + "bob@example.org,B-2,Bob S,1947-12-01\ndee@example.org,,Dee,1980-01-01\n"
    )
    assert report.saved
    assert (report.entries, report.replaced, report.still_enrolled) == (2, 3, 1)
    bob = RosterEntry.objects.get(member_id="B-2")
    assert bob.enrolled_user == olive
    assert bob.enrolled_at == enrolled_at  # kept to the microsecond, with its zone
    assert bob.name == "Bob S"
    assert not RosterEntry.objects.filter(email="ann@example.org").exists()
    assert (
        "It replaced the roster before (3 entries). 1 person who had enrolled is still on it."
        in report.summary()
    )


def test_an_empty_file_and_a_header_alone_are_refused(team: Team) -> None:
    assert _problems(_upload(team, "")) == [
        (None, None, "is empty. The first line should be: email,member_id,name,date_of_birth.")
    ]
    assert _problems(_upload(team, HEADER + "\n\n")) == [
        (None, None, "has a header but nobody in it.")
    ]


def test_the_report_keeps_two_hundred_problems_and_counts_the_rest(team: Team) -> None:
    report = _upload(team, HEADER + ",,Nobody,1960-01-01\n" * 250)
    assert report.found == 250
    assert len(report.problems) == rosters.MAX_PROBLEMS + 1
    assert report.problems[-1].message == "and 50 more problems, not listed."


# -- hostile files ------------------------------------------------------------------------------


def test_a_file_not_in_utf8_is_named_at_its_line(team: Team) -> None:
    text = (
        HEADER + "ann@example.org,,Ann,1958-04-23\n"
    ).encode() + "bob@example.org,,Böb,1958-04-23\n".encode("latin-1")
    report = _upload(team, text)
    assert [(p.line, p.column) for p in report.problems] == [(3, None)]
    assert "is not UTF-8 text" in report.problems[0].message
    assert _entries(team) == []


def test_a_binary_file_is_refused(team: Team) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    report = _upload(team, png)
    assert not report.saved
    assert len(report.problems) == 1
    assert "is not UTF-8 text" in report.problems[0].message


def test_a_file_with_nul_characters_is_refused_as_binary(team: Team) -> None:
    report = _upload(team, HEADER + "ann@example.org,,A\x00nn,1958-04-23\n")
    assert _problems(report) == [
        (2, None, "holds a NUL character: this looks like a binary file, not a CSV file.")
    ]


def test_a_file_that_is_not_csv_is_refused_by_its_header(team: Team) -> None:
    report = _upload(team, '{"people": [{"email": "ann@example.org"}]}\n')
    assert not report.saved
    assert report.problems[0].line == 1
    assert "is not a column we know" in report.problems[0].message


def test_one_huge_line_is_refused_without_reading_it_into_cells(team: Team) -> None:
    huge = (HEADER + "," * 3_000_000 + "\n").encode()
    tracemalloc.start()
    report = _upload(team, huge)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert _problems(report) == [
        (2, None, "is far longer than any line of a roster (over 2,000 bytes).")
    ]
    # The 3 MB upload itself is the caller's; reading it adds far less than a cell per comma.
    assert peak < 2 * 1024 * 1024


def test_a_header_of_many_columns_is_refused(team: Team) -> None:
    report = _upload(team, ",".join(f"c{n}" for n in range(50)) + "\n")
    assert _problems(report) == [
        (
            1,
            None,
            "has more than 20 columns; a roster has four: email,member_id,name,date_of_birth.",
        )
    ]


@override_settings(CRAMPCARE_ROSTER_MAX_ROWS=5)
def test_too_many_rows_stop_the_reading(team: Team) -> None:
    lines = "".join(f"p{n}@example.org,,P{n},1960-01-01\n" for n in range(50))
    report = _upload(team, HEADER + lines)
    assert _problems(report) == [
        (7, None, "takes the roster past 5 people; split it or ask for help.")
    ]
    assert report.rows == 6  # reading stopped at the first row past the limit
    assert _entries(team) == []


@override_settings(CRAMPCARE_ROSTER_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused_unread(team: Team) -> None:
    class Unreadable(io.BytesIO):
        def read(self, *args: object) -> bytes:
            raise AssertionError("an upload over the limit must not be read")

        readline = readinto = read1 = read  # type: ignore[assignment]

    report = organisations.upload_roster(team.admin, team.riverside.pk, Unreadable(), 101)
    assert report.too_large
    assert _problems(report) == [
        (None, None, "is larger than 100\xa0bytes; split it or ask for help.")
    ]


@override_settings(CRAMPCARE_ROSTER_MAX_BYTES=100)
def test_the_page_and_the_api_answer_a_large_file_with_a_4xx(team: Team) -> None:
    client = client_for(team.admin)
    big = (HEADER + "ann@example.org,,Ann,1958-04-23\n" * 10).encode()
    page = client.post(
        f"/care/organisations/{team.riverside.pk}/roster/",
        {"roster": SimpleUploadedFile("r.csv", big, "text/csv")},
    )
    assert page.status_code == 400
    assert "is larger than 100" in page.content.decode()
    api = client.post(
        f"/api/v1/care/organisations/{team.riverside.pk}/roster",
        {"roster": SimpleUploadedFile("r.csv", big, "text/csv")},
    )
    assert api.status_code == 413
    assert api.json()["detail"].startswith("roster: is larger than 100")
    assert _entries(team) == []


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"PK\x03\x04" + b"\x00" * 200,
        ("a" * 50_000).encode(),
        b'{"json": true}',
        b"",
    ],
    ids=["png", "zip", "one-huge-line", "json", "empty"],
)
def test_hostile_uploads_get_a_4xx_with_the_problem_on_the_page_and_the_api(
    team: Team, content: bytes
) -> None:
    client = client_for(team.admin)
    page = client.post(
        f"/care/organisations/{team.riverside.pk}/roster/",
        {"roster": SimpleUploadedFile("r.csv", content, "text/csv")},
    )
    assert page.status_code == 400
    assert (
        "Nothing was saved" in page.content.decode()
        or "submitted file is empty" in page.content.decode()
    )
    api = client.post(
        f"/api/v1/care/organisations/{team.riverside.pk}/roster",
        {"roster": SimpleUploadedFile("r.csv", content, "text/csv")},
    )
    assert api.status_code in (400, 422)
    assert _entries(team) == []


def test_the_page_lists_each_problem_with_its_line(team: Team) -> None:
    client = client_for(team.admin)
    bad = HEADER + "ann@example.org,,Ann,1958-04-23\n,,Nobody,1960-01-01\n"
    response = client.post(
        f"/care/organisations/{team.riverside.pk}/roster/",
        {"roster": SimpleUploadedFile("r.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 3" in page
    assert "has no email and no member id: give at least one." in page
    api = client.post(
        f"/api/v1/care/organisations/{team.riverside.pk}/roster",
        {"roster": SimpleUploadedFile("r.csv", bad.encode(), "text/csv")},
    )
    assert api.status_code == 422
    body = api.json()
    assert body["saved"] is False
    assert body["problems"] == [
        {"line": 3, "column": None, "message": "has no email and no member id: give at least one."}
    ]
    assert body["errors"] == [
        {"field": "roster:3", "message": "has no email and no member id: give at least one."}
    ]


def test_uploads_are_rate_limited_per_admin(team: Team) -> None:
    client = client_for(team.admin)
    url = f"/care/organisations/{team.riverside.pk}/roster/"
    good = (HEADER + "ann@example.org,,Ann,1958-04-23\n").encode()
    for _ in range(10):
        assert client.post(url, {"roster": SimpleUploadedFile("r.csv", good)}).status_code == 302
    blocked = client.post(url, {"roster": SimpleUploadedFile("r.csv", good)})
    assert blocked.status_code == 429
    assert "Too many uploads in the last hour" in blocked.content.decode()


def test_the_roster_page_makes_the_same_queries_whatever_the_roster_size(team: Team) -> None:
    client = client_for(team.admin)
    url = f"/care/organisations/{team.riverside.pk}/roster/"
    assert _upload(team, HEADER + "ann@example.org,,Ann,1958-04-23\n").saved
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    lines = "".join(f"p{n}@example.org,,P{n},1960-01-01\n" for n in range(300))
    assert _upload(team, HEADER + lines).saved
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200
    assert len(large) == len(small)
    assert "Page 1 of 3" in page.content.decode()
