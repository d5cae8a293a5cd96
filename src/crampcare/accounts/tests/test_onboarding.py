from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.conftest import REAL_PASSWORD_HASHERS

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-private-phrase"


def test_it_has_no_accounts_after_installation() -> None:
    assert User.objects.count() == 0


def test_it_sends_the_first_visit_to_onboarding(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"


def test_it_keeps_public_pages_open_before_onboarding(client: Client) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_it_creates_the_owner_account_and_signs_them_in(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = REAL_PASSWORD_HASHERS
    response = client.post(
        "/welcome/",
        {
            "display_name": "Olive",
            "email": "Olive@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 302
    owner = User.objects.get()
    assert owner.email == "olive@example.org"
    assert owner.is_superuser
    assert owner.is_staff
    assert owner.time_zone == "Europe/Amsterdam"
    assert owner.password.startswith("argon2")
    assert client.get("/").context["user"] == owner


def test_it_refuses_a_weak_password_and_saves_nothing(client: Client) -> None:
    response = client.post(
        "/welcome/", {"email": "a@example.org", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()
    assert User.objects.count() == 0


def test_it_closes_onboarding_once_the_owner_exists(client: Client, user: User) -> None:
    assert client.get("/welcome/")["Location"] == "/"
    client.post(
        "/welcome/", {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert User.objects.count() == 1


def test_it_makes_later_accounts_ordinary(client: Client, user: User, settings) -> None:
    settings.OPEN_SIGNUP = True
    client.post(
        "/accounts/signup/",
        {"email": "second@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    second = User.objects.get(email="second@example.org")
    assert not second.is_staff
    assert not second.is_superuser


def test_it_can_close_signup_after_the_owner(client: Client, user: User, settings) -> None:
    settings.OPEN_SIGNUP = False
    response = client.get("/accounts/signup/")
    assert "closed" in response.content.decode().lower()


LOG_NEXT = "/diary/cramp/?muscle=calf&since={since}"


def _since() -> int:
    from django.utils import timezone

    return int(timezone.now().timestamp()) - 120


def test_it_keeps_where_the_visitor_was_going_on_the_way_to_onboarding(client: Client) -> None:
    nxt = LOG_NEXT.format(since=_since())
    for start in (f"/accounts/signup/?next={quote(nxt)}", f"/accounts/login/?next={quote(nxt)}"):
        response = client.get(start)
        assert response.status_code == 302
        assert response["Location"] == f"/welcome/?next={quote(nxt, safe='')}"
    # A page that needs an account keeps its own address as the destination.
    assert client.get("/diary/")["Location"] == "/welcome/?next=%2Fdiary%2F"
    page = client.get(f"/welcome/?next={quote(nxt)}").content.decode()
    assert f'name="next" value="{nxt.replace("&", "&amp;")}"' in page


@pytest.mark.parametrize(
    "evil", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_it_drops_a_next_that_leaves_the_site(client: Client, evil: str) -> None:
    assert client.get(f"/accounts/signup/?next={quote(evil)}")["Location"] == "/welcome/"
    response = client.post(
        f"/welcome/?next={quote(evil)}",
        {"email": "olive@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == "/welcome/next/"


def test_it_brings_the_new_owner_back_to_log_the_cramp_at_its_start(client: Client) -> None:
    from crampcare.diary.models import CrampEpisode

    since = _since()
    nxt = LOG_NEXT.format(since=since)
    response = client.post(
        f"/welcome/?next={quote(nxt)}",
        {"email": "olive@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == nxt
    page = client.get(nxt).content.decode()
    assert f'name="since" value="{since}"' in page
    client.post("/diary/cramp/", {"muscle": "calf", "since": str(since)})
    episode = CrampEpisode.objects.for_user(User.objects.get()).get()
    assert int(episode.started_at.timestamp()) == since


def test_it_signs_an_existing_person_in_and_back_to_the_cramp(client: Client, user: User) -> None:
    nxt = LOG_NEXT.format(since=_since())
    response = client.post(
        f"/accounts/login/?next={quote(nxt)}",
        {"login": user.email, "password": "correct horse battery staple"},
    )
    assert response["Location"] == nxt
    # Once the owner exists, a stale welcome link passes `next` on to the sign-in page.
    assert Client().get(f"/welcome/?next={quote(nxt)}")["Location"] == (
        f"/accounts/login/?next={quote(nxt, safe='')}"
    )


def test_it_shows_what_to_do_next_once_the_owner_exists(client: Client) -> None:
    response = client.post(
        "/welcome/", {"email": "olive@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response["Location"] == "/welcome/next/"
    page = client.get("/welcome/next/").content.decode()
    for link in ("/cramp-now/", "/assessment/", "/program/"):
        assert f'href="{link}"' in page
    assert "Set up tonight" in page


RACE = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
client.get("/welcome/")
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
password = sys.argv[3]
response = client.post("/welcome/", {"email": sys.argv[1], "password1": password, "password2": password})
print(response.status_code, response.get("Location", ""))
"""


def test_it_makes_one_owner_when_two_people_race_on_a_new_install(tmp_path) -> None:
    import subprocess
    import sys
    import time

    from crampcare.testing.cli import cli_env, run_cli

    assert run_cli(tmp_path, "migrate", "-v", "0").returncode == 0
    start = str(time.time() + 4)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, f"racer{n}@example.org", start, PASSWORD],
            env=cli_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outcomes = [racer.communicate(timeout=120) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), outcomes
    count = run_cli(
        tmp_path,
        "manage",
        "shell",
        "-v",
        "0",
        "-c",
        "from crampcare.accounts.models import User;"
        "print(User.objects.count(), User.objects.filter(is_superuser=True).count())",
    )
    # One owner; the other racer was sent on (told the server has its owner), not made one too.
    assert count.stdout.split() == ["1", "1"], (count, outcomes)
    locations = sorted(out.split()[1] for out, _ in outcomes)
    assert locations == ["/", "/welcome/next/"], outcomes


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_owner_when_two_threads_race_on_postgresql() -> None:
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite is covered by the two-process race above")
    barrier = threading.Barrier(2)
    codes: list[str] = []

    def race(n: int) -> None:
        try:
            client = Client()
            client.get("/welcome/")
            barrier.wait()
            response = client.post(
                "/welcome/",
                {"email": f"racer{n}@example.org", "password1": PASSWORD, "password2": PASSWORD},
            )
            codes.append(response["Location"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User.objects.count() == 1
    assert sorted(codes) == ["/", "/welcome/next/"]


@pytest.mark.parametrize("since", ["abc", "-5", "0", "{old}", "{future}"])
def test_it_logs_at_the_time_now_when_the_start_time_is_unusable(
    owner_client: Client, since: str
) -> None:
    from django.utils import timezone

    now = int(timezone.now().timestamp())
    value = since.format(old=now - 2 * 60 * 60, future=now + 600)
    page = owner_client.get(f"/diary/cramp/?muscle=calf&since={quote(value)}").content.decode()
    assert 'name="since"' not in page
    assert "with the time now" in page


def test_it_refuses_a_sign_up_that_lost_the_race_to_a_closed_server(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crampcare.accounts import adapter, views
    from crampcare.testing.builders import make_user

    settings.OPEN_SIGNUP = False
    # The page was opened while the install was empty; the owner was made before it was sent.
    monkeypatch.setattr(adapter, "needs_owner", lambda: True)
    monkeypatch.setattr(views, "needs_owner", lambda: True)
    make_user("owner@example.org")
    response = client.post(
        "/accounts/signup/",
        {"email": "late@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 409
    assert "closed" in response.content.decode().lower()
    assert not User.objects.filter(email="late@example.org").exists()


def test_it_sends_on_a_welcome_that_lost_the_race_between_two_checks(
    client: Client, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crampcare.accounts import adapter, views

    # The welcome page saw an empty install; by allauth's own check an owner had been made.
    monkeypatch.setattr(views, "needs_owner", lambda: True)
    monkeypatch.setattr(adapter, "needs_owner", lambda: False)
    response = client.post(
        "/welcome/?next=/diary/",
        {"email": "late@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fdiary%2F"
    assert not User.objects.filter(email="late@example.org").exists()
