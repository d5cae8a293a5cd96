"""docs/programs.md is checked against the code, so the documented rules cannot drift."""

from pathlib import Path

import pytest

from crampcare.programs.dose import LEVELS
from crampcare.programs.reasons import render_why
from crampcare.programs.rules import RULES
from crampcare.programs.slots import SLOTS

DOCS = Path(__file__).resolve().parents[4] / "docs" / "programs.md"


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_it_documents_every_tailoring_rule_with_its_references(docs: str) -> None:
    for rule in RULES:
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert all(ref in row for ref in render_why(rule.why).references), rule.id


def test_it_documents_every_slot(docs: str) -> None:
    for slot in SLOTS:
        assert f"`{slot.id}`" in docs, slot.id


def test_it_documents_the_progression_levels_as_coded(docs: str) -> None:
    for entry in LEVELS:
        variant = "harder" if entry.harder_variants else "usual"
        row = f"| {entry.number} | {entry.hold_seconds} s | {entry.reps} | {variant}"
        assert row in docs, row
