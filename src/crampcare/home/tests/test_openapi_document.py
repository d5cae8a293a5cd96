"""The OpenAPI document is what Swagger UI and client generators parse: it must be strict JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"duplicate keys in the OpenAPI document: {duplicates}"
    return dict(pairs)


def test_it_publishes_an_openapi_document_without_duplicate_keys(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content, object_pairs_hook=_refuse_duplicate_keys)
    assert schema["paths"]


def test_it_documents_each_answer_once_with_its_own_schema_first(client: Client) -> None:
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    evaluate = schema["paths"]["/api/v1/assessments/evaluate"]["post"]["responses"]
    assert set(evaluate) >= {"200", "400", "422"}
    assert all(isinstance(code, str) for code in evaluate)
