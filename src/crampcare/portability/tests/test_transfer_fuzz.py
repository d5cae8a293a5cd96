"""Fuzzing the importer: any text in any cell of any file is saved or reported, never a crash.

Each example writes one data file of the export with its own header and one to three rows of
generated cells (any text, NUL and control characters, huge numbers, odd dates, formula-like
prefixes, quotes left open when the row is joined by hand) and imports it all or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.portability import services as portability
from crampcare.portability.layout import FILES

if TYPE_CHECKING:
    from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db

IMPORTED = [file for file in FILES if file.imported]
# Problems about a whole file, not one of its lines.
WHOLE_FILE = ("belongs to a program", "should have exactly one row")

odd_cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "calf\x00",
            "9" * 400,
            "-1e309",
            "NaN",
            "0000-00-00",
            "1899-12-31",
            "9999-12-31T23:59:59+14:00",
            "2024-02-30",
            "2024-06-05T01:14:05+00:00",
            "2024-06-05",
            "22:30",
            '"',
            'a "quote',
            "=1+1",
            "+cmd",
            "-2",
            "@SUM(A1)",
            "'=x",
            "[]",
            "{}",
            '{"a": [1, {"b": null}]}',
            "true",
            "yes",
            "calf;stretching",
            "Europe/London",
            "Mars/Olympus",
        ]
    ),
)


@st.composite
def data_files(draw: Any) -> tuple[str, str]:
    file = draw(st.sampled_from(IMPORTED))
    header = list(file.header)
    table = [[draw(odd_cells) for _ in header] for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):  # joined by hand: quotes may be left open, cells may hold newlines
        text = "\n".join(",".join(row) for row in [header, *table]) + "\n"
    else:
        out = io.StringIO()
        csv.writer(out).writerows([header, *table])
        text = out.getvalue()
    return file.name, text


def _zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text.encode("utf-8", "surrogatepass"))
    return buffer.getvalue()


def _counts(user: User) -> dict[str, int]:
    return {
        file.name: file.model.objects.for_user(user).count()  # type: ignore[union-attr]
        for file in IMPORTED
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data_files())
def test_any_cells_are_saved_or_reported_by_file_and_line(
    user: User, drawn: tuple[str, str]
) -> None:
    name, text = drawn
    before, profile = _counts(user), (user.display_name, user.time_zone)
    report = portability.import_zip(user, _zip(name, text))  # never raises
    if report.saved:
        assert not report.problems
        return
    assert report.problems
    for problem in report.problems:
        assert problem.file == name, str(problem)
        assert problem.line is not None or problem.message.startswith(WHOLE_FILE), str(problem)
    assert _counts(user) == before
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == profile
