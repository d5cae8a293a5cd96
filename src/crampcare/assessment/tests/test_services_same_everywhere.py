"""The page, the API and the CLI share one ``evaluate``: the same answers give the same result
through every door (hazard T20)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.models import Assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.assessment.tests.vignettes import VIGNETTES

pytestmark = pytest.mark.django_db


def _cli(tmp_path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(payload), encoding="utf-8")
    out = io.StringIO()
    call_command("assess", "--json", str(source), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", VIGNETTES)
def test_it_gives_the_same_result_through_every_interface(
    name: str, owner_client: Client, user: User, tmp_path: Path
) -> None:
    payload, level = VIGNETTES[name]
    service = services.evaluate(payload)
    body = json.dumps(payload)
    evaluated = owner_client.post(
        "/api/v1/assessments/evaluate", body, content_type="application/json"
    ).json()
    stored = owner_client.post("/api/v1/assessments", body, content_type="application/json")
    assert stored.status_code == 201
    cli = _cli(tmp_path, payload)

    assert service["triage"] == level
    assert evaluated == service
    assert stored.json()["result"] == service
    assert cli == service
    assert Assessment.objects.for_user(user).get().shown_result() == service


def test_it_covers_incomplete_emergency_and_self_care() -> None:
    results = [services.evaluate(payload) for payload, _ in VIGNETTES.values()]
    assert {result["triage"] for result in results} >= {"emergency", "urgent", "self_care"}
    assert any(result["incomplete"] for result in results)
    assert any(result["unrecognised_medications"] for result in results)
    contributors = {item["id"] for result in results for item in result["contributors"]}
    assert "sleeping_on_front" in contributors


def test_it_refuses_an_unknown_sleeping_position_the_same_way_everywhere(
    client: Client, user: User, tmp_path: Path
) -> None:
    payload = typical_payload(sleeping_position="stomach")
    message = "must be 'back', 'side', 'front' or 'varies'"
    response = client.post(
        "/api/v1/assessments/evaluate", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "sleeping_position", "message": message}]

    source = tmp_path / "answers.json"
    source.write_text(json.dumps(payload), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("assess", "--json", str(source), stdout=io.StringIO(), stderr=err)
    assert exited.value.code == 2
    assert err.getvalue().splitlines() == [f"sleeping_position: {message}"]
