"""The relief (R), diary/insights (D) and languages/pictures (L) rows of docs/safety/hazard-log.md name tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
HAZARD_LOG = PACKAGE.parents[1] / "docs" / "safety" / "hazard-log.md"


def _rows(prefix: str) -> list[str]:
    return [
        line
        for line in HAZARD_LOG.read_text(encoding="utf-8").splitlines()
        if re.match(rf"\| {prefix}\d+ \|", line)
    ]


def test_it_names_only_tests_that_exist() -> None:
    for row in _rows("R") + _rows("D") + _rows("L"):
        named = re.findall(r"`(\w+/tests/test_\w+\.py)::(test_\w+)`", row)
        assert named, row
        for path, test_name in named:
            source = (PACKAGE / path).read_text(encoding="utf-8")
            assert f"def {test_name}(" in source, f"{path}::{test_name}"


def test_it_gives_every_hazard_a_severity_mitigation_and_test() -> None:
    rows = _rows("R") + _rows("D") + _rows("L")
    assert len(rows) >= 12
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 7, row
        assert cells[4] in {"catastrophic", "major", "moderate", "minor"}, row
