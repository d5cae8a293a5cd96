"""Idempotency-Key on API writes: a retry gets the first answer, never a second record."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.diary.models import CrampEpisode
from crampcare.idempotency.models import IdempotencyKey
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/diary/episodes"
NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
BODY = {"started_at": "2025-03-04T02:14+00:00", "severity": 6}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _token_client(user: User) -> Client:
    _token, secret = accounts.create_token(user, "phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client: Client, body: dict, key: str | None = "retry-1", url: str = URL):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_it_answers_a_retry_with_the_first_answer_and_its_id(user: User) -> None:
    client = _token_client(user)
    first = _post(client, BODY)
    again = _post(client, BODY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CrampEpisode.objects.for_user(user).count() == 1


def test_it_replays_with_the_same_privacy_headers_as_the_first_answer(user: User) -> None:
    client = _token_client(user)
    first = _post(client, BODY)
    again = _post(client, BODY)
    for header in ("Cache-Control", "Content-Security-Policy", "Permissions-Policy"):
        assert again.get(header) == first.get(header), header
    assert "no-store" in again["Cache-Control"]


def test_it_still_says_already_logged_without_a_key(user: User) -> None:
    client = _token_client(user)
    assert _post(client, BODY, key=None).status_code == 201
    assert _post(client, BODY, key=None).status_code == 422


def test_it_works_for_a_browser_session_too(owner_client: Client, user: User) -> None:
    first = _post(owner_client, BODY)
    again = _post(owner_client, BODY)
    assert (first.status_code, again.json()) == (201, first.json())
    assert CrampEpisode.objects.for_user(user).count() == 1


def test_it_refuses_the_same_key_with_a_different_body(user: User) -> None:
    client = _token_client(user)
    _post(client, BODY)
    response = _post(client, {**BODY, "severity": 7})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "Idempotency-Key"
    assert "different body" in error["message"]
    assert CrampEpisode.objects.for_user(user).count() == 1


def test_it_refuses_the_same_key_on_another_route(user: User) -> None:
    client = _token_client(user)
    _post(client, BODY)
    response = _post(
        client, {"night": "2025-03-03", "cramp_count": 1}, url="/api/v1/diary/checkins"
    )
    assert response.status_code == 422
    assert "POST /api/v1/diary/episodes" in response.json()["errors"][0]["message"]


def test_it_keeps_each_persons_keys_apart(user: User, other_user: User) -> None:
    mine = _post(_token_client(user), BODY)
    theirs = _post(_token_client(other_user), BODY)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs


def test_it_forgets_a_key_after_24_hours(user: User, clock) -> None:
    client = _token_client(user)
    first = _post(client, BODY)
    clock.shift(timedelta(hours=24, seconds=1))
    later = _post(client, {**BODY, "started_at": "2025-03-05T02:14+00:00"})
    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.for_user(user).count() == 1


def test_it_keeps_no_answer_that_was_refused(user: User) -> None:
    client = _token_client(user)
    refused = _post(client, {"started_at": "not a time"})
    assert refused.status_code == 422
    assert not every_row(IdempotencyKey).exists()
    assert _post(client, {"started_at": "not a time"}).status_code == 422
    assert _post(client, BODY, key="retry-2").status_code == 201


def test_it_answers_409_while_the_first_request_is_in_flight(user: User) -> None:
    client = _token_client(user)
    IdempotencyKey.objects.create(
        owner=user,
        key="retry-1",
        method="POST",
        path=URL,
        body_digest="0" * 64,
        created_at=NOW,
    )
    response = _post(client, BODY)
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert not every_row(CrampEpisode).exists()


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "naïve", "two words"])
def test_it_refuses_a_malformed_key(user: User, key: str) -> None:
    response = _post(_token_client(user), BODY, key=key)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not every_row(CrampEpisode).exists()


def test_it_leaves_an_unauthenticated_write_to_the_api(client: Client) -> None:
    assert _post(client, BODY).status_code == 401
    assert not every_row(IdempotencyKey).exists()


def test_it_replays_deletes_and_changes_too(user: User) -> None:
    client = _token_client(user)
    episode_id = _post(client, BODY, key=None).json()["id"]
    path = f"{URL}/{episode_id}"
    first = client.delete(path, HTTP_IDEMPOTENCY_KEY="delete-1")
    again = client.delete(path, HTTP_IDEMPOTENCY_KEY="delete-1")
    assert first.status_code == again.status_code == 204


def test_it_documents_the_header_on_every_write(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            multipart = "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
            write = method in {"post", "put", "patch", "delete"}
            wanted = write and bool(operation.get("security")) and not multipart
            assert ("Idempotency-Key" in names) == wanted, (method, path)
            if wanted:
                assert "409" in operation["responses"]


def test_it_says_the_file_upload_takes_no_key(user: User) -> None:
    _token, secret = accounts.create_token(user, "laptop")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post(
        "/api/v1/diary/import", {"valid_only": "false"}, headers={"Idempotency-Key": "upload-1"}
    )
    assert response.status_code == 422
    assert "file uploads" in response.json()["errors"][0]["message"]
    assert not every_row(IdempotencyKey).exists()
