"""The Program rows of docs/safety/hazard-log.md name tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HAZARD_LOG = TESTS.parents[3] / "docs" / "safety" / "hazard-log.md"


def _rows() -> list[str]:
    return [
        line
        for line in HAZARD_LOG.read_text(encoding="utf-8").splitlines()
        if re.match(r"\| P\d+ \|", line)
    ]


def test_it_names_only_program_tests_that_exist() -> None:
    named = 0
    for row in _rows():
        current = None
        for file_name, test_name in re.findall(r"(test_\w+\.py)?::(test_\w+)", row):
            current = file_name or current
            assert current, row
            source = (TESTS / current).read_text(encoding="utf-8")
            assert f"def {test_name}(" in source, f"{current}::{test_name}"
            named += 1
    assert named >= 30


def test_it_gives_every_program_hazard_a_severity_mitigation_and_test() -> None:
    rows = _rows()

    assert len(rows) >= 13
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 7, row
        assert cells[4] in {"catastrophic", "major", "moderate", "minor"}, row
        assert cells[5], row
        assert "::test_it_" in cells[6], row
