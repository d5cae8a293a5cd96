"""Bodies over the limit, NUL characters and deep JSON get a clear 4xx before any view runs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings

from crampcare.accounts.models import User
from crampcare.request_guards import json_depth_exceeds

pytestmark = pytest.mark.django_db

EVALUATE = "/api/v1/assessments/evaluate"


def test_it_refuses_deeply_nested_json_on_a_public_route(client: Client) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(EVALUATE, body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in response.json()["detail"]


# The API reads a body as JSON whatever type it declares: each is guarded the same way.
ANY_TYPE = ["text/plain", "application/vnd.api+json", "application/x-www-form-urlencoded", ""]


@pytest.mark.parametrize("content_type", ANY_TYPE)
def test_it_refuses_deep_json_on_the_api_whatever_its_declared_type(
    client: Client, content_type: str
) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(EVALUATE, body, content_type=content_type)
    assert response.status_code == 400
    assert "nests deeper" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ANY_TYPE)
def test_it_refuses_a_nul_on_the_api_whatever_its_declared_type(
    owner_client: Client, user: User, content_type: str
) -> None:
    from crampcare.diary.models import CrampEpisode

    body = '{"started_at": "2026-01-02T03:00:00Z", "muscle": "calf", "notes": "a\\u0000b"}'
    response = owner_client.post("/api/v1/diary/episodes", body, content_type=content_type)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not CrampEpisode.objects.for_user(user).exists()


def test_it_keeps_brackets_in_a_page_form_field(owner_client: Client, user: User) -> None:
    # A page's form is not JSON: brackets typed into a field are text, never "nested too deep".
    from urllib.parse import urlencode

    response = owner_client.post(
        "/account/",
        urlencode({"display_name": "[" * 40, "time_zone": "Europe/London", "country": "GB"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code != 400
    user.refresh_from_db()
    assert user.display_name == "[" * 40


def test_it_counts_depth_outside_strings_only() -> None:
    assert not json_depth_exceeds(b'{"a": "[[[[[[[[[[[[[["}', 3)
    assert not json_depth_exceeds(b'{"a": "\\"[[[[[[["}', 3)
    assert json_depth_exceeds(b'{"a": [[[1]]]}', 3)


@pytest.mark.parametrize(
    "body",
    ['{"notes": "a\\u0000b"}', '{"notes\\u0000": 1}', '{"list": ["ok", "\\u0000"]}'],
)
def test_it_refuses_a_nul_character_in_json(owner_client: Client, body: str) -> None:
    response = owner_client.post("/api/v1/diary/episodes", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_it_keeps_an_escaped_backslash_u0000_that_is_not_a_nul(owner_client: Client) -> None:
    # The text \u0000 typed literally (an escaped backslash) is not a NUL character.
    response = owner_client.post(
        "/api/v1/diary/episodes", '{"notes": "\\\\u0000"}', content_type="application/json"
    )
    assert response.status_code != 400 or "NUL" not in response.json()["detail"]


def test_it_refuses_a_nul_character_in_a_form_field(owner_client: Client, user: User) -> None:
    response = owner_client.post("/account/", {"display_name": "Ol\x00ive"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert "\x00" not in user.display_name


@pytest.mark.parametrize("query", ["?start=%00", "?q=calf%00"])
def test_it_refuses_a_nul_character_in_the_query(client: Client, query: str) -> None:
    assert client.get("/api/v1/knowledge/exercises" + query).status_code == 400
    assert client.get("/search/" + query).status_code == 400


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_it_answers_a_body_over_the_limit_with_a_json_413(owner_client: Client) -> None:
    body = '{"notes": "' + "x" * 2000 + '"}'
    response = owner_client.post("/api/v1/diary/episodes", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than 1000 bytes" in response.json()["detail"]


def test_it_lets_no_cache_keep_a_refusal(client: Client) -> None:
    response = client.post(EVALUATE, "[" * 100, content_type="application/json")
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
