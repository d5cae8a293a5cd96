"""Typed environment helpers. A bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import secrets
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
import platformdirs


class ConfigError(ValueError):
    """Raised when an environment variable holds a value we cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no or on/off, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Email backends that deliver nothing: the console backend (the default without EMAIL_HOST) only
# prints, the dummy backend drops.
NON_DELIVERING_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def data_dir() -> Path:
    """Where the database, secret key and backups live (CRAMPCARE_DATA_DIR or the OS default)."""
    configured = env_str("CRAMPCARE_DATA_DIR")
    path = (
        Path(configured).expanduser()
        if configured
        else Path(platformdirs.user_data_dir("crampcare"))
    )
    path.mkdir(parents=True, exist_ok=True)
    # Health data: only the account running crampcare may list or open what is in here. (A folder
    # someone else owns, e.g. a shared mount, is left as its owner set it.)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def make_private(database_file: Path) -> None:
    """Mode 0600 for an SQLite file and its -wal/-shm companions (SQLite gives new companions the
    database file's mode, so this also covers the ones it creates later)."""
    for path in (database_file, *(Path(f"{database_file}{end}") for end in ("-wal", "-shm"))):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except FileNotFoundError:
            continue


def cache() -> dict[str, object]:
    """The cache every worker shares: Redis at REDIS_URL, else a table in the database."""
    url = env_str("REDIS_URL")
    if url:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://.")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}


CACHE_TABLE = "crampcare_cache"

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def task_backend() -> str:
    """CRAMPCARE_TASKS: where background tasks wait for a worker. ``rq`` (a queue in Redis) when
    REDIS_URL is set, else ``database`` (a table, run by the worker ``crampcare serve`` starts);
    ``immediate`` runs each task at once in the process that asks (tests, debugging)."""
    default = "rq" if env_str("REDIS_URL") else "database"
    choice = env_choice("CRAMPCARE_TASKS", default, tuple(TASK_BACKENDS))
    if choice == "rq" and not env_str("REDIS_URL"):
        raise ConfigError("CRAMPCARE_TASKS=rq needs REDIS_URL (the Redis that holds the queue).")
    return choice


def tasks(choice: str) -> dict[str, object]:
    return {"default": {"BACKEND": TASK_BACKENDS[choice], "QUEUES": ["default"]}}


def rq_queues() -> dict[str, object]:
    """django-rq's queues: the one queue, in the Redis at REDIS_URL (empty without Redis)."""
    url = env_str("REDIS_URL")
    return {"default": {"URL": url, "DEFAULT_TIMEOUT": 3600}} if url else {}


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir (0600)."""
    from_env = env_str("SECRET_KEY")
    if from_env:
        if len(from_env) < 50:
            raise ConfigError("SECRET_KEY must be at least 50 characters long.")
        return from_env
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(64)
    # O_EXCL: if two processes start at once, exactly one writes the key and the other reads it.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def vapid_subject(configured: str, from_email: str, site_url: str) -> str:
    """The VAPID ``sub`` claim: CRAMPCARE_VAPID_SUBJECT, else ``mailto:`` the sender address,
    else (when that is only ``@localhost``, which Apple's push service refuses) the site URL."""
    if configured:
        if not configured.startswith(("mailto:", "https://")):
            raise ConfigError(
                f"CRAMPCARE_VAPID_SUBJECT must be a mailto: or https: address, got {configured!r}."
            )
        return configured
    address = parseaddr(from_email)[1]
    if address and "@" in address and not address.endswith(("@localhost", ".localhost")):
        return f"mailto:{address}"
    if site_url.startswith("https://"):
        return site_url
    return f"mailto:{address or 'crampcare@localhost'}"


def database(directory: Path) -> dict[str, object]:
    """DATABASE_URL (postgres://…), or SQLite in the data dir tuned for concurrent use."""
    url = env_str("DATABASE_URL")
    if url:
        if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise ConfigError(
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite://."
            )
        config: dict[str, object] = dict(dj_database_url.parse(url))
        if config["ENGINE"] == "django.db.backends.postgresql":
            # A new connection per request is ten times slower: keep them open, check them first.
            config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600, minimum=0)
            config["CONN_HEALTH_CHECKS"] = True
            return config
        return {**config, **_sqlite_extras()}
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": directory / "crampcare.sqlite3",
        **_sqlite_extras(),
    }


def _sqlite_extras() -> dict[str, object]:
    # Reuse connections too: opening one runs the PRAGMAs below, which costs more than most pages.
    return {"CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600, minimum=0), "OPTIONS": _sqlite_options()}


def _sqlite_options() -> dict[str, object]:
    return {
        # WAL lets readers and one writer work at once; NORMAL is safe with WAL.
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=5000;"
        ),
        # IMMEDIATE takes the write lock at BEGIN, so writers queue instead of failing mid-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
