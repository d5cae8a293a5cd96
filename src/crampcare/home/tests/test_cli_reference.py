from __future__ import annotations

from pathlib import Path

from crampcare.cli_reference import render

DOC = Path(__file__).resolve().parents[4] / "docs" / "cli.md"


def test_it_keeps_the_cli_reference_true_to_the_help_text() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run .venv/bin/python -m crampcare.cli_reference > docs/cli.md"
    )


def test_it_documents_every_command() -> None:
    text = render()
    for name in ("serve", "backup", "demo", "assess", "send-reminders", "worker"):
        assert f"## crampcare {name}" in text
