"""The deployment for many users (docs/deployment.md), for real: two app processes (`crampcare
serve --no-worker`, as behind a reverse proxy) and a task worker (`crampcare worker`) on one
PostgreSQL database and one Redis, and nothing kept in one process that another needs.

Runs in CI's PostgreSQL pass (DATABASE_URL names PostgreSQL; the processes use this test's
database) with the Redis at CRAMPCARE_TEST_REDIS_URL (default redis://127.0.0.1:6379/7, a
database of its own: the test empties it first). Skipped, saying why, without either.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.portability.tests.health_exports import JUNE_5, export_xml, export_zip
from crampcare.programs import services
from crampcare.programs.tests.builders import make_program

pytestmark = [pytest.mark.deployment, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("CRAMPCARE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PASSWORD = "correct horse battery staple"
# The site's one public name, which the reverse proxy passes to every app process.
HOST = "cramps.example.org"
EPISODES = (
    "started_at,muscle,side,severity,duration_minutes,woke_me,helped,notes\n"
    "2024-06-05T01:14:05+01:00,calf,left,7,2,yes,stretching,\n"
)


def _redis() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as problem:
        pytest.skip(f"no Redis at {REDIS_URL} ({problem})")
    return client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(what: str, check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Deployment:
    a: str
    b: str
    mail: Path
    env: dict[str, str]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def deployment(transactional_db: None, tmp_path: Path) -> Iterator[Deployment]:
    if connection.vendor != "postgresql":
        pytest.skip("the deployment test runs on PostgreSQL (DATABASE_URL=postgres://...)")
    _redis().flushdb()
    mail = tmp_path / "mail"
    mail.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "CRAMPCARE_TASKS": "rq",
        "CRAMPCARE_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "CRAMPCARE_SITE_URL": f"http://{HOST}",
    }
    ports = [_free_port(), _free_port()]
    command = [sys.executable, "-m", "crampcare.cli"]
    serve = ["serve", "--no-migrate", "--no-worker", "--workers", "1"]
    children = [
        subprocess.Popen(
            [*command, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"{name}.log").open("w"),
            start_new_session=True,
        )
        for name, args in (
            ("a", [*serve, "--port", str(ports[0])]),
            ("b", [*serve, "--port", str(ports[1])]),
            ("worker", ["worker", "--no-schedule"]),
        )
    ]
    try:
        import requests

        def ready(url: str) -> bool:
            assert all(child.poll() is None for child in children), _logs(tmp_path)
            try:
                return requests.get(f"{url}/healthz", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            _wait_for(f"{url} to answer", partial(ready, url))
        yield Deployment(urls[0], urls[1], mail, env)
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def _logs(folder: Path) -> str:
    return "\n".join(f"{log.name}:\n{log.read_text()[-2000:]}" for log in folder.glob("*.log"))


def _browser() -> Any:
    """A browser behind the reverse proxy: whichever process answers, the host is the site's
    (cookies are kept per address, not per port, so both processes get them, as through the
    proxy)."""
    import requests

    session = requests.Session()
    session.headers["Host"] = HOST
    return session


def _token(session: Any, url: str) -> str:
    page = session.get(url, timeout=10).text
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _sign_in(session: Any, base: str, email: str, password: str) -> Any:
    token = _token(session, f"{base}/accounts/login/")
    return session.post(
        f"{base}/accounts/login/",
        {"login": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )


def _emails(folder: Path) -> list[str]:
    text = "".join(path.read_text() for path in folder.glob("*.log"))
    return [part for part in text.split("-" * 79) if "Subject:" in part]


def test_two_app_processes_and_a_worker_share_everything(
    deployment: Deployment, owner: User, stranger: User
) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from rq.job import Job

    # The tests' fast hasher is not one the app processes know: a hash they can check.
    for person in (owner, stranger):
        person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        person.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )

    # A session made through A is valid on B (sessions in the database; cookies ignore ports).
    browser = _browser()
    signed = _sign_in(browser, deployment.a, owner.email, PASSWORD)
    assert signed.status_code == 302, signed.text[:300]
    on_a = browser.get(f"{deployment.a}/diary/data/", allow_redirects=False, timeout=10)
    on_b = browser.get(f"{deployment.b}/diary/data/", allow_redirects=False, timeout=10)
    assert (on_a.status_code, on_b.status_code) == (200, 200), on_b.headers.get("Location")

    # Failed sign-ins counted on A hold on B (allauth's limits, in the shared Redis cache).
    guesser = _browser()
    for n in range(5):
        page = _sign_in(guesser, deployment.a, stranger.email, f"guess {n}")
        assert "Too many failed login attempts" not in page.text
    refused = _sign_in(_browser(), deployment.b, stranger.email, PASSWORD)
    assert refused.status_code != 302
    assert "Too many failed login attempts" in refused.text

    # An import posted to A is run by the worker; both processes show its progress and end.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("episodes.csv", EPISODES)
    posted = browser.post(
        f"{deployment.a}/diary/data/import/",
        data={"csrfmiddlewaretoken": _token(browser, f"{deployment.a}/diary/data/")},
        files={"archive": ("export.zip", archive.getvalue(), "application/zip")},
        allow_redirects=False,
        timeout=10,
    )
    assert posted.status_code == 302, posted.text[:500]
    status = posted.headers["Location"]
    assert re.fullmatch(r"/diary/data/import/\d+/", status)

    def finished(base: str) -> bool:
        answer = browser.get(
            f"{base}{status}", headers={"HX-Request": "true"}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 200, answer.status_code
        return answer.headers.get("HX-Redirect") == status

    _wait_for("the worker to finish the import", lambda: finished(deployment.b))
    assert finished(deployment.a)
    result = browser.get(f"{deployment.a}{status}", timeout=10)
    assert "Imported 1 new entries and updated 0." in result.text

    # An Apple Health export posted to A waits in the shared data dir for the worker, which
    # reads it as a stream; B shows how far it has come, the page and the API alike.
    posted = browser.post(
        f"{deployment.a}/diary/data/apple-health/",
        data={"csrfmiddlewaretoken": _token(browser, f"{deployment.a}/diary/data/apple-health/")},
        files={"export": ("export.zip", export_zip(export_xml(*JUNE_5)), "application/zip")},
        allow_redirects=False,
        timeout=10,
    )
    assert posted.status_code == 302, posted.text[:500]
    health = posted.headers["Location"]
    found = re.fullmatch(r"/diary/data/apple-health/(\d+)/", health)
    assert found, health

    def health_finished(base: str) -> bool:
        answer = browser.get(
            f"{base}{health}", headers={"HX-Request": "true"}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 200, answer.status_code
        return answer.headers.get("HX-Redirect") == health

    _wait_for("the worker to finish the Apple Health import", lambda: health_finished(deployment.b))
    result = browser.get(f"{deployment.b}{health}", timeout=10)
    assert "Imported from Apple Health: 1 day, 1 night and 1 workout." in result.text
    api = browser.get(
        f"{deployment.b}/api/v1/diary/import/apple-health/{found.group(1)}", timeout=10
    )
    body = api.json()
    assert (body["state"], body["result"]["days"]) == ("done", 1), body
    assert body["bytes_read"] == body["bytes_total"] == len(export_xml(*JUNE_5))
    assert not list((Path(deployment.env["CRAMPCARE_DATA_DIR"]) / "uploads").glob("*.bin"))

    # A reminder run queued twice (the command, as cron would) sends its one email once.
    bedtime = (timezone.now().astimezone(owner.zone) + timedelta(minutes=10)).time()
    make_program(owner, now=timezone.now(), bedtime=bedtime.replace(second=0, microsecond=0))
    services.change_reminder(owner, email=True)
    command = [sys.executable, "-m", "crampcare.cli", "send-reminders", "--enqueue"]
    runs = [
        subprocess.run(
            command, env=deployment.env, capture_output=True, text=True, timeout=60, check=True
        ).stdout
        for _ in range(2)
    ]
    ids = [re.search(r"\(([^)]+)\)", run).group(1) for run in runs]  # type: ignore[union-attr]
    redis = _redis()
    _wait_for(
        "both reminder runs",
        lambda: all(Job.fetch(job, connection=redis).is_finished for job in ids),
    )
    reminders = [email for email in _emails(deployment.mail) if owner.email in email]
    assert len(reminders) == 1
