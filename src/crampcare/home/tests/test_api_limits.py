"""Found by schemathesis: paging far past any data must be a clear 422, not a database error."""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.pagination import MAX_LIMIT, MAX_OFFSET

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/diary/checkins", "/api/v1/diary/factors"])
def test_it_names_an_offset_beyond_any_data(owner_client: Client, path: str) -> None:
    response = owner_client.get(path, {"offset": 43262655514222490812416})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["offset"]


def test_it_names_a_limit_that_is_too_large(owner_client: Client) -> None:
    response = owner_client.get("/api/v1/diary/factors", {"limit": MAX_LIMIT + 1})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]


def test_it_pages_within_the_bounds(owner_client: Client) -> None:
    response = owner_client.get(
        "/api/v1/diary/checkins", {"limit": MAX_LIMIT, "offset": MAX_OFFSET}
    )
    assert response.status_code == 200
    assert response.json()["items"] == []
