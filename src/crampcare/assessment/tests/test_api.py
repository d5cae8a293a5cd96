from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.models import Assessment
from crampcare.assessment.schema import SYMPTOM_IDS
from crampcare.assessment.tests.builders import typical_payload
from crampcare.assessment.tests.docs import json_blocks, section
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

EVALUATE = "/api/v1/assessments/evaluate"
COLLECTION = "/api/v1/assessments"


def _post(client: Client, url: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **extra)


def test_it_evaluates_without_an_account_and_stores_nothing(client: Client, user: User) -> None:
    response = _post(client, EVALUATE, typical_payload(symptoms={"dark_urine": True}))
    assert response.status_code == 200
    body = response.json()
    assert body["triage"] == "emergency"
    assert body["reasons"][0]["rule"] == "possible_muscle_breakdown"
    assert every_row(Assessment).count() == 0


def test_it_stores_nothing_when_a_signed_in_person_only_evaluates(owner_client: Client) -> None:
    assert _post(owner_client, EVALUATE, typical_payload()).status_code == 200
    assert every_row(Assessment).count() == 0


def test_it_stores_an_assessment_for_the_signed_in_person(owner_client: Client, user: User) -> None:
    payload = typical_payload(medications=["Ventolin"])
    response = _post(owner_client, COLLECTION, payload)
    assert response.status_code == 201
    body = response.json()
    stored = Assessment.objects.for_user(user).get()
    assert body["id"] == stored.pk
    assert body["completed"] is True
    assert body["answers"] == payload
    assert body["result"] == services.evaluate(payload)


def test_it_stores_through_a_personal_access_token(client: Client, user: User) -> None:
    _, secret = accounts.create_token(user, "script")
    response = _post(client, COLLECTION, typical_payload(), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201
    assert Assessment.objects.for_user(user).count() == 1


def test_it_asks_anonymous_callers_to_sign_in_before_storing(client: Client, user: User) -> None:
    assert _post(client, COLLECTION, typical_payload()).status_code == 401
    assert client.get(COLLECTION).status_code == 401
    assert every_row(Assessment).count() == 0


def test_it_lists_only_the_callers_own_assessments(
    owner_client: Client, stranger_client: Client, user: User
) -> None:
    first = services.save_assessment(user, typical_payload(age=60))
    second = services.save_assessment(user, typical_payload(age=70))
    listed = owner_client.get(COLLECTION).json()
    assert [item["id"] for item in listed] == [second.pk, first.pk]
    assert stranger_client.get(COLLECTION).json() == []


def test_it_returns_one_assessment_to_its_owner(owner_client: Client, user: User) -> None:
    stored = services.save_assessment(user, typical_payload())
    body = owner_client.get(f"{COLLECTION}/{stored.pk}").json()
    assert body["result"] == stored.shown_result()
    assert owner_client.get(f"{COLLECTION}/999999").status_code == 404


@pytest.mark.parametrize("url", [EVALUATE, COLLECTION])
def test_it_names_every_invalid_field(owner_client: Client, url: str) -> None:
    payload = typical_payload(
        age=12,
        sex="robot",
        cramp_times=["night", "noon"],
        cramps_per_week="3",
        favourite_colour="blue",
        symptoms={"sore_toe": True, "dark_urine": "yes"},
    )
    response = _post(owner_client, url, payload)
    assert response.status_code == 422
    errors = {item["field"]: item["message"] for item in response.json()["errors"]}
    assert errors == {
        "age": "must be between 18 and 120",
        "sex": "must be 'female', 'male' or 'other'",
        "cramp_times.1": "must be 'night', 'day', 'during_exercise' or 'after_exercise'",
        "cramps_per_week": "must be a number",
        "favourite_colour": "is not a field we know",
        "symptoms.sore_toe": (
            "is not a red-flag question we know (the ids are listed in docs/assessment.md)"
        ),
        "symptoms.dark_urine": "must be true, false or null",
    }
    assert response.json()["detail"].startswith("Please correct: age: must be between 18 and 120")
    assert every_row(Assessment).count() == 0


@pytest.mark.parametrize("url", [EVALUATE, COLLECTION])
def test_it_answers_malformed_json_with_400(owner_client: Client, url: str) -> None:
    response = _post(owner_client, url, '{"age": 70,')
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "body"
    assert error["message"].startswith("is not valid JSON")
    assert every_row(Assessment).count() == 0


@pytest.mark.parametrize("body", ["[1, 2]", '"age"', "null"])
def test_it_wants_a_json_object(client: Client, user: User, body: str) -> None:
    response = _post(client, EVALUATE, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "must be a JSON object"}]


def test_it_rejects_values_json_allows_but_the_schema_does_not(client: Client, user: User) -> None:
    response = _post(client, EVALUATE, '{"typical_severity": NaN, "age": 70.5}')
    errors = {item["field"]: item["message"] for item in response.json()["errors"]}
    assert errors == {
        "typical_severity": "must be a finite number",
        "age": "must be a whole number",
    }


def test_it_documents_the_request_and_response_in_openapi(client: Client, user: User) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    evaluate = schema["paths"][EVALUATE]["post"]
    body = evaluate["requestBody"]["content"]["application/json"]["schema"]
    assert body["additionalProperties"] is False
    assert set(body["properties"]["symptoms"]["propertyNames"]["enum"]) == set(SYMPTOM_IDS)
    assert evaluate["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AssessmentResult"
    }
    assert set(evaluate["responses"]) >= {"200", "400", "422"}
    assert "requestBody" in schema["paths"][COLLECTION]["post"]
    assert "AssessmentOut" in schema["components"]["schemas"]


def test_it_answers_as_the_documentation_says(client: Client, user: User) -> None:
    request, answer = json_blocks(section("JSON API"))
    response = _post(client, EVALUATE, request)
    assert response.status_code == 422
    assert response.json() == answer


def test_it_adds_an_incomplete_status_and_keeps_the_old_fields(client: Client, user: User) -> None:
    body = _post(client, EVALUATE, typical_payload(symptoms={"dark_urine": False})).json()

    assert body["status"] == "incomplete"
    # The fields older clients read keep their meaning: the level reached, the open questions.
    assert body["triage"] == "self_care"
    assert body["incomplete"][0] == "calf_swelling_one_side"
    assert "dark_urine" not in body["incomplete"]
    assert body["unrecognised_medications"] == []


def test_it_gives_the_level_as_status_once_every_question_is_answered(
    client: Client, user: User
) -> None:
    assert _post(client, EVALUATE, typical_payload()).json()["status"] == "self_care"
    urgent = typical_payload(
        symptoms={**dict.fromkeys(SYMPTOM_IDS, False), "injury_at_onset": True}
    )
    body = _post(client, EVALUATE, urgent).json()
    assert body["status"] == body["triage"] == "urgent"


def test_it_lists_stored_checks_with_their_status(owner_client: Client, user: User) -> None:
    services.save_assessment(user, typical_payload(symptoms={}))
    listed = owner_client.get(COLLECTION).json()
    assert listed[0]["result"]["status"] == "incomplete"
    assert listed[0]["result"]["triage"] == "self_care"
