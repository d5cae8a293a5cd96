"""Issue 11.5: files at rest are private, and `check --deploy` refuses an unsafe production set-up."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from crampcare import config
from crampcare.testing.cli import run_cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_keeps_the_data_directory_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRAMPCARE_DATA_DIR", str(tmp_path / "data"))
    assert _mode(config.data_dir()) == 0o700
    (tmp_path / "data").chmod(0o755)
    assert _mode(config.data_dir()) == 0o700  # and puts it right when it was opened up


def test_it_keeps_the_database_its_wal_and_backups_private(tmp_path: Path) -> None:
    """The one child-process test of `crampcare migrate` and `crampcare backup`."""
    assert run_cli(tmp_path, "migrate", "-v", "0").returncode == 0
    database = tmp_path / "crampcare.sqlite3"
    assert _mode(tmp_path) == 0o700
    assert _mode(database) == 0o600
    # A database someone opened up is closed again when crampcare next connects; SQLite gives its
    # WAL and shared-memory files the database's mode.
    database.chmod(0o644)
    for companion in ("-wal", "-shm"):
        Path(f"{database}{companion}").write_bytes(b"")
        Path(f"{database}{companion}").chmod(0o644)
    assert run_cli(tmp_path, "migrate", "-v", "0").returncode == 0
    assert _mode(database) == 0o600
    result = run_cli(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == 0, result.stderr
    for companion in ("-wal", "-shm"):
        path = Path(f"{database}{companion}")
        assert not path.exists() or _mode(path) == 0o600
    assert _mode(tmp_path / "copy.sqlite3") == 0o600
    # The copy is a whole database, and a backup never overwrites one (the CLI's backup test).
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    assert "accounts_user" in tables
    again = run_cli(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
    assert again.returncode != 0
    assert "already exists" in again.stderr


def test_it_fails_the_deploy_check_with_debug_on(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "check",
        "--deploy",
        CRAMPCARE_PROFILE="production",
        ALLOWED_HOSTS="cramps.example.org",
        DEBUG="true",
    )
    assert result.returncode != 0
    assert "crampcare.E002" in result.stderr
    assert "DEBUG is on" in result.stderr


def test_it_fails_the_deploy_check_in_the_local_profile(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check", "--deploy")
    assert result.returncode != 0
    assert "CRAMPCARE_PROFILE=production" in result.stderr


def test_it_fails_the_deploy_check_with_any_host_allowed(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path, "check", "--deploy", CRAMPCARE_PROFILE="production", ALLOWED_HOSTS="*"
    )
    assert result.returncode != 0
    assert "crampcare.E003" in result.stderr


def test_it_explains_missing_allowed_hosts_without_a_traceback(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check", "--deploy", CRAMPCARE_PROFILE="production")
    assert result.returncode == 2
    assert "ALLOWED_HOSTS must name your site's host(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_uses_the_database_cache_unless_redis_url_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert config.cache()["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    assert config.cache() == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    monkeypatch.setenv("REDIS_URL", "memcached://x")
    with pytest.raises(config.ConfigError, match="REDIS_URL"):
        config.cache()


def test_it_reads_the_trusted_proxy_count_with_a_clear_message(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check", CRAMPCARE_TRUSTED_PROXY_COUNT="one")
    assert result.returncode == 2
    assert "CRAMPCARE_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
