from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from crampcare.cli import COMMANDS
from crampcare.testing.cli import run_cli


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


def test_it_lists_its_commands(tmp_path: Path) -> None:
    result = _run(tmp_path, "--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("command", ["serve", "backup", "migrate"])
def test_it_explains_each_command(tmp_path: Path, command: str) -> None:
    result = _run(tmp_path, command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_it_refuses_an_unknown_command(tmp_path: Path) -> None:
    result = _run(tmp_path, "fly")
    assert result.returncode == 2
    assert "unknown command 'fly'" in result.stderr


def test_it_backs_up_a_live_sqlite_database(tmp_path: Path) -> None:
    assert _run(tmp_path, "migrate").returncode == 0
    target = tmp_path / "copy.sqlite3"
    result = _run(tmp_path, "backup", str(target))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as copy:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    assert "accounts_user" in tables
    again = _run(tmp_path, "backup", str(target))
    assert again.returncode != 0
    assert "already exists" in again.stderr
