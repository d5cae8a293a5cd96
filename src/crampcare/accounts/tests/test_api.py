from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_publishes_the_openapi_schema_and_docs(client: Client, user: User) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_it_updates_the_profile(owner_client: Client, user: User) -> None:
    response = owner_client.patch(
        "/api/v1/me", {"time_zone": "America/New_York"}, content_type="application/json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.time_zone == "America/New_York"


def test_it_keeps_the_chosen_language_and_answers_in_it(owner_client: Client, user: User) -> None:
    assert owner_client.get("/api/v1/me").json()["language"] == ""
    response = owner_client.patch("/api/v1/me", {"language": "es"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["language"] == "es"
    user.refresh_from_db()
    assert user.language == "es"
    # The next answer's messages are in Spanish.
    wrong = owner_client.patch(
        "/api/v1/me", {"time_zone": "Mars/Olympus"}, content_type="application/json"
    )
    assert wrong.status_code == 422
    assert "Mars/Olympus" in wrong.json()["errors"][0]["message"]
    assert wrong.json()["errors"][0]["message"] != "Mars/Olympus is not a time zone we know."
    back = owner_client.patch("/api/v1/me", {"language": ""}, content_type="application/json")
    assert back.json()["language"] == ""


def test_it_names_a_language_it_does_not_have(owner_client: Client, user: User) -> None:
    response = owner_client.patch("/api/v1/me", {"language": "xx"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "language", "message": "Choose a language from the list."}
    ]
    user.refresh_from_db()
    assert user.language == ""


def test_it_names_an_invalid_time_zone(owner_client: Client, user: User) -> None:
    response = owner_client.patch(
        "/api/v1/me", {"time_zone": "Mars/Olympus"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "time_zone", "message": "Mars/Olympus is not a time zone we know."}
    ]
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_it_names_each_bad_field(owner_client: Client, user: User) -> None:
    response = owner_client.patch(
        "/api/v1/me",
        {"display_name": "x" * 81, "favourite_colour": "blue"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert fields["favourite_colour"] == "is not a field we know"
    assert "80" in fields["display_name"]


def test_it_answers_malformed_json_with_a_4xx(owner_client: Client, user: User) -> None:
    response = owner_client.generic(
        "PATCH", "/api/v1/me", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_it_answers_unknown_api_paths_with_json(client: Client, user: User) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_documents_the_error_answers(client: Client, user: User) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    revoke = schema["paths"]["/api/v1/tokens/{token_id}"]["delete"]["responses"]
    assert {"401", "404", "422"} <= set(revoke)
    assert revoke["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "detail" in schema["components"]["schemas"]["Error"]["properties"]


def test_it_gives_every_schema_in_the_openapi_document_its_own_name() -> None:
    # django-ninja names components after the class: two `WeekOut`s would silently publish one
    # shape for both endpoints.
    from ninja import Schema

    from crampcare.api import api

    api.get_openapi_schema()  # imports every router's schemas
    names: dict[str, str] = {}
    duplicates = []
    for cls in _all_subclasses(Schema):
        if cls.__module__.startswith("crampcare."):
            where = f"{cls.__module__}.{cls.__qualname__}"
            if cls.__name__ in names and names[cls.__name__] != where:
                duplicates.append((names[cls.__name__], where))
            names[cls.__name__] = where
    assert not duplicates


def _all_subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_it_documents_the_apple_health_import_as_a_background_task(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/diary/import/apple-health"]["post"]
    assert "202" in post["responses"]
    assert "200" not in post["responses"]
    status_ref = {"$ref": "#/components/schemas/HealthImportStatusOut"}
    assert post["responses"]["202"]["content"]["application/json"]["schema"] == status_ref
    # A file upload takes no Idempotency-Key (the middleware answers 422 if one is sent).
    assert all(p["name"] != "Idempotency-Key" for p in post.get("parameters", []))
    status = schema["paths"]["/api/v1/diary/import/apple-health/{progress_id}"]["get"]
    assert status["responses"]["200"]["content"]["application/json"]["schema"] == status_ref
    assert {"401", "404"} <= set(status["responses"])
    fields = schema["components"]["schemas"]["HealthImportStatusOut"]["properties"]
    assert {"id", "status_url", "state", "bytes_read", "bytes_total", "result", "problem"} <= set(
        fields
    )
