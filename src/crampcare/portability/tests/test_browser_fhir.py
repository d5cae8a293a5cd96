"""The FHIR download and the medicines from a portal, on a phone, with axe on every page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.portability import fhir_codes as codes
from crampcare.testing.browser import look_both_schemes
from crampcare.testing.browser import sign_in_with_cookie as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _statement(text: str, status: str = "active", rxnorm: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if rxnorm:
        concept["coding"] = [{"system": codes.RXNORM, "code": rxnorm}]
    return {
        "resource": {
            "resourceType": "MedicationStatement",
            "status": status,
            "medicationCodeableConcept": concept,
            "subject": {"display": "me"},
        }
    }


def test_it_reads_a_portals_medicines_shows_them_then_adds_them(
    page: Any, live_server: Any, user: User, tmp_path: Path
) -> None:
    saved = assessment.save_assessment(user, {**typical_payload(), "medications": []})
    portal = tmp_path / "medicines.json"
    portal.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [
                    _statement("Lipitor 20 mg tablet", rxnorm="83367"),
                    _statement("Metformin 500 mg"),
                    _statement("Atorvastatine"),
                    _statement("Zocor", status="stopped"),
                ],
            }
        )
    )
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/diary/data/", timeout=60_000)
    assert page.get_by_role("link", name="Download as FHIR (.json)").is_visible()
    look_both_schemes(page, "data-page-fhir")

    page.get_by_label("Your medicines from a patient portal (FHIR .json)").set_input_files(
        str(portal)
    )
    page.get_by_role("button", name="Read the file").click()
    page.get_by_role("heading", name="Check your medicines").wait_for()
    assert page.get_by_role("heading", name="Recognised", exact=True).is_visible()
    assert page.get_by_role("heading", name="Not recognised").is_visible()
    assert page.get_by_role("heading", name="Left out").is_visible()
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    look_both_schemes(page, "fhir-medicines-confirm")
    saved.refresh_from_db()
    assert saved.answers["medications"] == []

    page.get_by_role("button", name="Add to my assessment").click()
    page.get_by_role("heading", name="Medicines added").wait_for()
    assert page.get_by_text("Do not stop it or change the dose on your own").first.is_visible()
    look_both_schemes(page, "fhir-medicines-added")
    saved.refresh_from_db()
    assert saved.answers["medications"] == [
        "Lipitor 20 mg tablet",
        "Metformin 500 mg",
        "atorvastatin",
    ]
