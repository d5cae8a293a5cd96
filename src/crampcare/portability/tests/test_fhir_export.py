"""The FHIR export: every resource valid R4B, the bundle parses back to the same JSON, only the
person's own data, and only for them."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.diary import services as diary
from crampcare.portability import fhir_codes as codes
from crampcare.portability.fhir_export import bundle_json, resources
from crampcare.portability.fhir_json import as_data
from crampcare.portability.tests.everything import NOW, fill_everything
from crampcare.testing.builders import make_user
from crampcare.testing.cast import signed_in
from crampcare.testing.readers import granting

if TYPE_CHECKING:
    from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/api/v1/export/fhir"


@pytest.fixture
def everything(owner: User) -> User:
    fill_everything(owner)
    return owner


def _bundle(user: User) -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        return json.loads(bundle_json(user))


def _by_type(bundle: dict[str, Any]) -> Counter[str]:
    return Counter(entry["resource"]["resourceType"] for entry in bundle["entry"])


def test_it_builds_every_kind_of_resource_for_a_full_account(everything: User) -> None:
    kinds = _by_type(_bundle(everything))
    assert kinds["Patient"] == 1
    assert kinds["Observation"] > 20
    assert kinds["Questionnaire"] == 1
    assert kinds["QuestionnaireResponse"] >= 1
    assert kinds["CarePlan"] == 1
    assert kinds["Goal"] == 1


def test_every_resource_validates_and_is_written_as_the_library_writes_it(
    everything: User,
) -> None:
    for _, resource in resources(everything):
        data = as_data(resource)
        # Parsed again by its own model: valid R4B, and the library writes the same JSON.
        model = get_fhir_model_class(data["resourceType"])
        again = model.model_validate(data)
        assert again.model_dump(mode="json") == data
        assert json.loads(resource.model_dump_json()) == data


def test_the_bundle_round_trips_through_the_library(everything: User) -> None:
    bundle = _bundle(everything)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert json.loads(parsed.model_dump_json()) == bundle
    # Every reference points at an entry of the bundle.
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    text = json.dumps(bundle)
    for found in {part.split('"')[0] for part in text.split('"reference": "')[1:]}:
        assert found in urls


def test_a_cramp_is_coded_with_snomed_loinc_and_its_side(owner: User) -> None:
    from datetime import UTC, datetime

    diary.create_episode(
        owner,
        started_at=datetime(2025, 3, 2, 2, 15, tzinfo=UTC),
        muscle="calf",
        side="left",
        severity=7,
        duration_minutes=3,
        woke_me=True,
    )
    cramp = next(
        entry["resource"]
        for entry in _bundle(owner)["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    )
    assert cramp["code"]["coding"][0] == {
        "system": codes.SNOMED,
        "code": "449917004",
        "display": "Cramp in lower limb",
    }
    assert cramp["effectiveDateTime"] == "2025-03-02T02:15:00Z"
    assert cramp["bodySite"]["coding"][0]["code"] == "53840002"
    components = {c["code"]["coding"][0]["code"]: c for c in cramp["component"]}
    assert components["72514-3"]["valueInteger"] == 7
    assert components["cramp-duration"]["valueQuantity"] == {
        "value": 3,
        "unit": "min",
        "system": codes.UCUM,
        "code": "min",
    }
    assert components["272741003"]["valueCodeableConcept"]["coding"][0]["code"] == "7771000"
    assert components["woke-me"]["valueBoolean"] is True


def test_the_days_factors_are_one_observation_with_loinc_where_it_has_a_code(owner: User) -> None:
    from datetime import date
    from decimal import Decimal

    diary.record_factors(
        owner,
        date(2025, 3, 2),
        fluid_cups=Decimal("5.5"),
        exercise_minutes=40,
        exercise_intensity="moderate",
        alcohol_drinks=Decimal(2),
        sitting_hours=Decimal("7.5"),
    )
    (day,) = [
        entry["resource"]
        for entry in _bundle(owner)["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    ]
    assert day["code"]["coding"][0] == {
        "system": codes.own_system(),
        "code": "daily-factors",
        "display": codes.OWN_CODES["daily-factors"],
    }
    assert day["effectiveDateTime"] == "2025-03-02"
    by_code = {c["code"]["coding"][0]["code"]: c for c in day["component"]}
    assert by_code["55411-3"]["valueQuantity"]["value"] == 40
    assert by_code["74013-4"]["valueQuantity"]["value"] == 2
    assert by_code["fluid-cups"]["valueQuantity"]["value"] == 5.5
    assert by_code["sitting-hours"]["valueQuantity"]["value"] == 7.5
    assert by_code["exercise-intensity"]["valueCodeableConcept"]["coding"][0]["code"] == "moderate"


def test_a_red_flag_answered_not_sure_stays_not_sure(owner: User) -> None:
    payload = typical_payload()
    payload["symptoms"] = {**payload.get("symptoms", {}), "calf_swelling_one_side": None}
    assessment.save_assessment(owner, payload)
    response = next(
        entry["resource"]
        for entry in _bundle(owner)["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    answers = {
        item["linkId"]: item["answer"][0] for group in response["item"] for item in group["item"]
    }
    assert answers["calf_swelling_one_side"]["valueCoding"]["code"] == "unsure"


def test_the_patient_holds_no_more_than_a_name(owner: User) -> None:
    patient = _bundle(owner)["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    assert set(patient) <= {"resourceType", "id", "name"}
    assert owner.email not in json.dumps(patient)


def test_the_demo_accounts_bundle_validates() -> None:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", "--time-zone", "Europe/London", stdout=io.StringIO())
    demo = User.objects.get(email="demo@example.org")
    assessment.save_assessment(demo, {**typical_payload(), "medications": ["Lipitor 20 mg"]})
    bundle = _bundle(demo)
    Bundle.model_validate(bundle)
    kinds = _by_type(bundle)
    assert kinds["Observation"] > 200
    assert kinds["CarePlan"] == 1


# -- the route -----------------------------------------------------------------------------------


def test_it_downloads_the_bundle_as_fhir_json(everything: User) -> None:
    client = signed_in(everything)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert 'filename="crampcare-fhir-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    Bundle.model_validate_json(body)


def test_the_data_page_links_to_it(owner_client: Client) -> None:
    page = owner_client.get(reverse("portability:data"))
    assert (
        URL.encode() in page.content or reverse("portability:export_fhir").encode() in page.content
    )


def test_it_needs_someone_signed_in(client: Client) -> None:
    assert client.get(URL).status_code == 401


def test_it_holds_only_the_persons_own_data(everything: User) -> None:
    stranger = make_user("stranger-fhir@example.org")
    body = b"".join(signed_in(stranger).get(URL).streaming_content)  # type: ignore[attr-defined]
    bundle = json.loads(body)
    assert _by_type(bundle) == Counter({"Patient": 1})


def test_a_care_team_reader_gets_only_their_own_bundle(everything: User) -> None:
    # As with the other exports: the bundle is always the signed-in person's own, even for a
    # clinician who may read this person's diary.
    clinician = make_user("clinician-fhir@example.org")
    with granting(clinician, everything):
        body = b"".join(signed_in(clinician).get(URL).streaming_content)  # type: ignore[attr-defined]
    assert _by_type(json.loads(body)) == Counter({"Patient": 1})
