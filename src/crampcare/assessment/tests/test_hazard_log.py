"""docs/safety/hazard-log.md names real tests: a mitigation cannot point at a test that is gone."""

from __future__ import annotations

import re
from pathlib import Path

from crampcare.assessment.tests.test_vignettes import VIGNETTES

TESTS = Path(__file__).resolve().parent
HAZARD_LOG = TESTS.parents[3] / "docs" / "safety" / "hazard-log.md"


def assessment_rows() -> list[str]:
    return [
        line
        for line in HAZARD_LOG.read_text(encoding="utf-8").splitlines()
        if line.startswith("| T")
    ]


def test_it_names_only_tests_that_exist() -> None:
    named = 0
    for row in assessment_rows():
        current_file = None
        for file_name, test_name in re.findall(r"(test_\w+\.py)?::(test_\w+)", row):
            current_file = file_name or current_file
            assert current_file, row
            source = (TESTS / current_file).read_text(encoding="utf-8")
            assert f"def {test_name}(" in source, f"{current_file}::{test_name}"
            named += 1
    assert named >= 20


def test_it_names_only_vignettes_that_exist() -> None:
    names = {vignette.name for vignette in VIGNETTES}
    quoted = [
        name
        for row in assessment_rows()
        for part in re.findall(r"vignettes? ([^|;]*)", row)
        for name in re.findall(r'"([^"]+)"', part)
    ]

    assert len(quoted) >= 30
    assert set(quoted) <= names


def test_it_gives_every_hazard_a_mitigation_and_a_test() -> None:
    rows = assessment_rows()

    assert len(rows) >= 20
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 7, row
        assert cells[4] in {"catastrophic", "major", "moderate", "minor"}, row
        assert cells[5], row
        assert cells[6], row
