"""Run the real `crampcare` command in a child process, as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The test process's own settings must not leak into the child: it gets a fresh SQLite data dir.
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixture (Playwright's event loop) and would
# make `check --deploy` fail, rightly, in the child.
_NOT_INHERITED = {
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def cli_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env["CRAMPCARE_DATA_DIR"] = str(data_dir)
    env.update(overrides)
    return env


def run_cli(
    data_dir: Path, *args: str, stdin: str | None = None, timeout: int = 180, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crampcare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(data_dir, **env),
        check=False,
        timeout=timeout,
    )
