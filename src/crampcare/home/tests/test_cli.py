"""The `crampcare` command. One test runs the real command in a child process, as a person
would (`crampcare --help`); the rest call `crampcare.cli.main` in this process, which is the
same code after the entry point. `migrate` and `backup` run as child processes in
`test_files_and_deploy.py` (a real SQLite file, its permissions and a live copy), and the deploy
checks, which read settings from the environment when Django starts, in `test_config.py` and
`test_files_and_deploy.py`."""

from __future__ import annotations

from pathlib import Path

import pytest

from crampcare import cli
from crampcare.cli import COMMANDS
from crampcare.testing.cli import run_cli


def test_it_lists_its_commands(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("command", ["serve", "backup", "migrate"])
def test_it_explains_each_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([command, "--help"])
    assert done.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_it_refuses_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fly"]) == 2
    assert "unknown command 'fly'" in capsys.readouterr().err
