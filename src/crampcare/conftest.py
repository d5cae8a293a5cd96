from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from crampcare.testing.browser import (  # noqa: F401 - fixtures
    app_page,
    browser,
    dark_page,
    page,
    spanish_page,
)

if TYPE_CHECKING:
    from django.test import Client

    from crampcare.accounts.models import User
    from crampcare.testing.cast import Cast

# Imports of Django models stay inside fixtures so pure-logic tests also run without Django.


REAL_PASSWORD_HASHERS: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 costs about a second a hash on a loaded CI machine; tests hash hundreds of
    passwords. Tests use a fast hasher; test_onboarding proves real sign-ups get Argon2."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.test.utils import override_settings

    try:
        REAL_PASSWORD_HASHERS[:] = settings.PASSWORD_HASHERS
    except ImproperlyConfigured:  # pure tests may run without Django (-p no:django)
        yield
        return
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher", *REAL_PASSWORD_HASHERS]
    # Background tasks run at once, in the test, unless a test asks for a real queue and worker
    # (crampcare/tests/test_background.py).
    at_once = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Each test worker has its own database but would share the data dir: uploads and outputs
    # waiting for a task are named by their record's id, which two workers both number from 1.
    data_dir = Path(settings.DATA_DIR)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        data_dir = data_dir / "workers" / worker
        data_dir.mkdir(parents=True, exist_ok=True)
    with override_settings(
        PASSWORD_HASHERS=fast, TASKS=at_once, CRAMPCARE_TASKS="immediate", DATA_DIR=data_dir
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test database, with one more step before it is dropped at the end.

    On PostgreSQL the drop fails ("database is being accessed by other users") while any session
    is still connected to it, and that error fails the whole run. A worker's test database is its
    own, so any other session on it is one this test process left open in another thread or
    context (a live-server request thread, the browser tooling's event loop), which Django's
    teardown, closing only the current thread's connections, cannot reach. End those first."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


# (Not django_db_blocker: pytest-django gives it to every test, with the database or without.)
_DB_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> None:
    """Each test starts with an empty cache: login rate-limit counters and cached page fragments
    from an earlier test in the same worker must not change what this one sees."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.cache import caches
        from django.core.cache.backends.db import DatabaseCache

        cache = caches["default"]
        caches["template_fragments"].clear()
    except ImproperlyConfigured:  # pure tests may run without Django (-p no:django)
        return
    if isinstance(cache, DatabaseCache):
        # The cache is a database table: only a test that uses the database can have filled it
        # (a flush between transactional tests leaves that table alone, hence the clear).
        if not (
            request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames)
        ):
            return
        if (
            "live_server" not in request.fixturenames
            and "transactional_db" not in request.fixturenames
        ):
            request.getfixturevalue("db")
    cache.clear()


@pytest.fixture(autouse=True)
def _no_task_files_from_earlier_tests() -> None:
    """Uploads waiting for a task and outputs left for download are named by their record's id,
    and each test's database numbers records from 1 again: a file an earlier test left must not
    pass for this test's (accounts/progress.py)."""
    import shutil

    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        data_dir = Path(settings.DATA_DIR)
    except ImproperlyConfigured:  # pure tests may run without Django
        return
    for folder in ("uploads", "outputs"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_onboarding_state() -> Iterator[None]:
    # "Has anyone signed up yet?" is cached per process; each test starts from its own database.
    from crampcare.accounts import onboarding

    onboarding.forget()
    yield
    onboarding.forget()


# The cast (crampcare/testing/cast.py): the owner, a teammate on the same install, a stranger.


@pytest.fixture
def owner(db: None) -> User:
    from crampcare.testing.cast import make_owner

    return make_owner()


@pytest.fixture
def teammate(db: None) -> User:
    from crampcare.testing.cast import make_teammate

    return make_teammate()


@pytest.fixture
def stranger(db: None) -> User:
    from crampcare.testing.cast import make_stranger

    return make_stranger()


@pytest.fixture
def cast(owner: User, teammate: User, stranger: User) -> Cast:
    from crampcare.testing.cast import Cast

    return Cast(owner, teammate, stranger)


@pytest.fixture
def user(owner: User) -> User:
    """The owner, under the older name."""
    return owner


@pytest.fixture
def other_user(stranger: User) -> User:
    """The stranger, under the older name."""
    return stranger


@pytest.fixture
def owner_client(owner: User) -> Client:
    from crampcare.testing.cast import signed_in

    return signed_in(owner)


@pytest.fixture
def teammate_client(teammate: User) -> Client:
    from crampcare.testing.cast import signed_in

    return signed_in(teammate)


@pytest.fixture
def stranger_client(stranger: User) -> Client:
    from crampcare.testing.cast import signed_in

    return signed_in(stranger)
