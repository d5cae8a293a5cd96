from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db


TOO_MANY = "Too many failed login attempts. Try again later."


def _sign_in(client: Client, email: str, password: str) -> str:
    return client.post("/accounts/login/", {"login": email, "password": password}).content.decode()


def test_it_slows_down_password_guessing_on_one_account(client: Client, user: User) -> None:
    pages = [_sign_in(client, user.email, f"guess {n}") for n in range(6)]
    assert all(TOO_MANY not in page for page in pages[:5])
    assert TOO_MANY in pages[5]
    # Even the right password waits until the window has passed.
    assert TOO_MANY in _sign_in(client, user.email, "correct horse battery staple")
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_other_accounts(client: Client, user: User, other_user: User) -> None:
    for n in range(6):
        _sign_in(client, user.email, f"guess {n}")
    response = client.post(
        "/accounts/login/", {"login": other_user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302


PASSWORD = "correct horse battery staple"


def _sign_in_from(client: Client, email: str, password: str, address: str) -> int:
    # The documented deployment: a TLS proxy on 127.0.0.1 appends the client to X-Forwarded-For.
    response = client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )
    return response.status_code


def test_it_counts_failures_in_the_shared_database_cache(client: Client, user: User) -> None:
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    assert isinstance(caches["default"], DatabaseCache)
    _sign_in(client, user.email, "a wrong guess")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM crampcare_cache")
        (rows,) = cursor.fetchone()
    # Every worker process reads these rows, so they all see the same count.
    assert rows > 0


def test_it_counts_failures_in_redis_when_redis_url_is_set(
    client: Client, user: User, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import caches

    from crampcare import config

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/1"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    monkeypatch.setenv("REDIS_URL", url)
    settings.CACHES = {"default": config.cache()}
    caches["default"].clear()
    try:
        pages = [_sign_in(client, user.email, f"guess {n}") for n in range(6)]
        assert TOO_MANY in pages[5]
        assert list(redis.Redis.from_url(url).scan_iter(match=":1:allauth:*"))
    finally:
        caches["default"].clear()


def test_it_takes_the_client_address_from_the_trusted_proxy(
    client: Client, user: User, settings
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # A stranger guesses across many accounts from one address: the per-address limit stops them
    # (10 a minute) ...
    pages = [
        client.post(
            "/accounts/login/",
            {"login": f"nobody{n}@example.org", "password": "guess"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        ).content.decode()
        for n in range(11)
    ]
    assert all(TOO_MANY not in page for page in pages[:10])
    assert TOO_MANY in pages[10]
    # ... while the owner, behind the same proxy (same REMOTE_ADDR), still gets in.
    assert _sign_in_from(Client(), user.email, PASSWORD, "198.51.100.7") == 302


def test_it_ignores_forwarded_for_without_a_trusted_proxy(
    client: Client, user: User, settings
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # Without a trusted proxy a made-up X-Forwarded-For does not give a guesser fresh addresses.
    for n in range(5):
        _sign_in_from(client, user.email, f"guess {n}", f"192.0.2.{n}")
    page = client.post(
        "/accounts/login/",
        {"login": user.email, "password": "guess 6"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    ).content.decode()
    assert TOO_MANY in page


def test_it_lets_the_owner_in_from_another_address_while_a_stranger_guesses(
    user: User, settings
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    stranger = Client()
    for n in range(8):
        _sign_in_from(stranger, user.email, f"guess {n}", "203.0.113.9")
    assert (
        TOO_MANY
        in stranger.post(
            "/accounts/login/",
            {"login": user.email, "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        ).content.decode()
    )
    # The count is per account *and* address: the owner elsewhere is not locked out.
    assert _sign_in_from(Client(), user.email, PASSWORD, "198.51.100.7") == 302


def test_it_lets_the_right_password_in_once_the_lockout_expires(client: Client, user: User) -> None:
    import time_machine

    with time_machine.travel("2026-03-02 02:00:00+00:00", tick=False) as clock:
        for n in range(6):
            _sign_in(client, user.email, f"guess {n}")
        assert TOO_MANY in _sign_in(client, user.email, PASSWORD)
        clock.shift(5 * 60 + 1)
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_it_rate_limits_password_checks_before_deleting_an_account(
    owner_client: Client, user: User
) -> None:
    codes = [
        owner_client.post("/account/delete/", {"password": f"guess {n}"}).status_code
        for n in range(6)
    ]
    assert codes[:5] == [400] * 5
    assert codes[5] == 429
    # Even the right password waits: otherwise the limit would only slow the wrong guesses.
    response = owner_client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
