"""The care team's rows (CT) of docs/safety/hazard-log.md name tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HAZARD_LOG = TESTS.parents[3] / "docs" / "safety" / "hazard-log.md"


def test_it_names_only_care_tests_that_exist() -> None:
    rows = [
        line
        for line in HAZARD_LOG.read_text(encoding="utf-8").splitlines()
        if re.match(r"\| CT\d+ \|", line)
    ]
    assert len(rows) >= 5
    for row in rows:
        current = None
        found = re.findall(r"(test_\w+\.py)?::(test_\w+)", row)
        assert found, row
        for file_name, test_name in found:
            current = file_name or current
            assert current, row
            source = (TESTS / current).read_text(encoding="utf-8")
            assert f"def {test_name}(" in source, f"{current}::{test_name}"
