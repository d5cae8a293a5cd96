from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from crampcare import config
from crampcare.testing.cli import run_cli


def test_it_generates_the_secret_key_once_with_private_permissions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    second = config.secret_key(tmp_path)
    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_it_rejects_a_short_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.secret_key(tmp_path)


@pytest.mark.parametrize(
    ("name", "value", "call"),
    [
        ("DEBUG", "maybe", lambda: config.env_bool("DEBUG")),
        ("PORT", "eighty", lambda: config.env_int("PORT", 8000)),
        (
            "CRAMPCARE_PROFILE",
            "staging",
            lambda: config.env_choice("CRAMPCARE_PROFILE", "local", ("local", "production")),
        ),
    ],
)
def test_it_names_the_variable_with_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, call
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=name):
        call()


def test_it_tunes_sqlite_for_concurrent_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = config.database(tmp_path)
    assert database["NAME"] == tmp_path / "crampcare.sqlite3"
    options = database["OPTIONS"]
    assert isinstance(options, dict)
    assert options["transaction_mode"] == "IMMEDIATE"
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout"):
        assert pragma in options["init_command"]


def test_it_keeps_postgres_connections_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://crampcare@db.example:5432/crampcare")
    database = config.database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_it_rejects_an_unknown_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(config.ConfigError, match="DATABASE_URL"):
        config.database(tmp_path)


def _django(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args, timeout=120, **env)


def test_it_passes_the_deploy_check_in_the_production_profile(tmp_path: Path) -> None:
    result = _django(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CRAMPCARE_PROFILE="production",
        ALLOWED_HOSTS="cramps.example.org",
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout, output


def test_it_refuses_production_without_allowed_hosts(tmp_path: Path) -> None:
    result = _django(tmp_path, "check", CRAMPCARE_PROFILE="production")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_it_queues_tasks_in_the_database_or_in_redis_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CRAMPCARE_TASKS", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert config.task_backend() == "database"
    assert config.rq_queues() == {}
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert config.task_backend() == "rq"
    assert config.rq_queues()["default"]["URL"] == "redis://127.0.0.1:6379/3"  # type: ignore[index]
    monkeypatch.setenv("CRAMPCARE_TASKS", "database")
    assert config.tasks(config.task_backend())["default"] == {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }


@pytest.mark.parametrize(
    ("tasks", "redis", "problem"),
    [("rq", "", "needs REDIS_URL"), ("celery", "", "CRAMPCARE_TASKS must be one of")],
)
def test_it_refuses_a_task_queue_it_cannot_use(
    monkeypatch: pytest.MonkeyPatch, tasks: str, redis: str, problem: str
) -> None:
    monkeypatch.setenv("CRAMPCARE_TASKS", tasks)
    monkeypatch.setenv("REDIS_URL", redis)
    with pytest.raises(config.ConfigError, match=problem):
        config.task_backend()
