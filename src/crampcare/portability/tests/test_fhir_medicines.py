"""Medicines from a FHIR file: matched by RxNorm code or name, shown before saving, added through
the assessment's own service, and hostile files refused whole with nothing saved."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from crampcare.assessment import services as assessment
from crampcare.assessment.clinical import MEDICINE_CLASS_IDS
from crampcare.assessment.medicines import classes_for
from crampcare.assessment.models import Assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.portability import fhir_codes as codes
from crampcare.portability.fhir_medicines import (
    MAX_BYTES,
    FhirInputError,
    read_medicines,
)
from crampcare.testing.cast import signed_in

if TYPE_CHECKING:
    from django.test import Client

    from crampcare.accounts.models import User

URL = "/api/v1/import/fhir-medicines"


def statement(
    text: str | None = None,
    *,
    rxnorm: str | None = None,
    display: str | None = None,
    status: str = "active",
    kind: str = "MedicationStatement",
) -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if rxnorm is not None:
        coding: dict[str, Any] = {"system": codes.RXNORM, "code": rxnorm}
        if display:
            coding["display"] = display
        concept["coding"] = [coding]
    if text is not None:
        concept["text"] = text
    resource: dict[str, Any] = {
        "resourceType": kind,
        "status": status,
        "medicationCodeableConcept": concept,
        "subject": {"display": "me"},
    }
    if kind == "MedicationRequest":
        resource["intent"] = "order"
    return resource


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": resource} for resource in resources],
    }


def _read(document: Any) -> Any:
    return read_medicines(json.dumps(document).encode())


def _post(client: Client, body: bytes | str, **query: str) -> Any:
    url = URL + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return client.post(url, data=body, content_type="application/fhir+json")


# -- matching (no database) ----------------------------------------------------------------------


def test_every_rxnorm_code_maps_to_a_class_whose_name_the_assessment_knows() -> None:
    for code, (generic, class_id) in codes.RXNORM_INGREDIENTS.items():
        assert class_id in MEDICINE_CLASS_IDS, code
        assert class_id in classes_for(generic), (code, generic)


def test_it_matches_an_rxnorm_ingredient_code_without_a_name() -> None:
    (found,) = _read(statement(rxnorm="83367")).found
    assert (found.name, found.class_id, found.via) == ("atorvastatin", "statin", "rxnorm")


def test_it_keeps_the_portals_name_when_it_names_the_same_medicine() -> None:
    (found,) = _read(statement("Lipitor 20 mg tablet", rxnorm="83367")).found
    assert (found.name, found.class_id, found.via) == ("Lipitor 20 mg tablet", "statin", "rxnorm")


@pytest.mark.parametrize(
    ("name", "class_id"),
    [
        ("LIPITOR", "statin"),
        ("Zocor 40mg", "statin"),
        ("furosemide 40 mg oral tablet", "loop_diuretic"),
        ("Ventolin Evohaler", "salbutamol"),
        ("albuterol", "salbutamol"),
        ("Lyrica", "gabapentinoid"),
    ],
)
def test_it_matches_brand_and_generic_names_in_any_case(name: str, class_id: str) -> None:
    (found,) = _read(statement(name)).found
    assert (found.class_id, found.via) == (class_id, "name")


def test_it_matches_a_coding_display_when_the_code_is_not_in_the_table() -> None:
    found = _read(statement(rxnorm="617312", display="atorvastatin 10 MG Oral Tablet")).found[0]
    assert (found.class_id, found.via, found.rxnorm) == ("statin", "name", "617312")


def test_it_matches_a_name_one_typing_slip_away() -> None:
    (found,) = _read(statement("Atorvastatine")).found
    assert (found.name, found.class_id, found.via, found.given) == (
        "atorvastatin",
        "statin",
        "near",
        "Atorvastatine",
    )


def test_it_does_not_guess_between_similar_names() -> None:
    # Duloxetine is two slips from fluoxetine: not the same medicine, so not matched.
    (found,) = _read(statement("duloxetine")).found
    assert found.class_id is None


def test_an_unknown_name_is_kept_as_not_recognised() -> None:
    found = _read(bundle(statement("Lipitor"), statement("Metformin 500 mg")))
    assert [item.name for item in found.matched] == ["Lipitor"]
    assert [item.name for item in found.unmatched] == ["Metformin 500 mg"]


def test_stopped_and_cancelled_medicines_are_left_out() -> None:
    found = _read(
        bundle(
            statement("Lipitor", status="stopped"),
            statement("Zocor", kind="MedicationRequest", status="cancelled"),
            statement("Lasix"),
        )
    )
    assert found.names == ["Lasix"]
    assert found.left_out == ("Lipitor", "Zocor")


def test_it_reads_a_medication_request_and_a_referenced_medication() -> None:
    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:6d1f7b1c-1a3a-4b8e-9c55-3f0d0c6a8b11",
                "resource": {
                    "resourceType": "Medication",
                    "code": {"coding": [{"system": codes.RXNORM, "code": "5487"}]},
                },
            },
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "medicationReference": {
                        "reference": "urn:uuid:6d1f7b1c-1a3a-4b8e-9c55-3f0d0c6a8b11"
                    },
                    "subject": {"display": "me"},
                }
            },
            {"resource": {"resourceType": "Patient", "id": "p1"}},
        ],
    }
    (found,) = _read(document).found
    assert (found.name, found.class_id) == ("hydrochlorothiazide", "thiazide_diuretic")


@pytest.mark.parametrize(
    ("raw", "status", "field", "words"),
    [
        (b"not json at all", 400, "file", "not JSON"),
        (b"[1, 2, 3]", 400, "file", "not a FHIR resource"),
        (b'{"name": "Lipitor"}', 400, "file", "no resourceType"),
        (b'{"resourceType": "Patient", "id": "x"}', 422, "resourceType", "Patient"),
        (b"[" * 40 + b"]" * 40, 400, "file", "nests deeper"),
        (
            json.dumps(bundle({"resourceType": "Observation", "status": "final"})).encode(),
            422,
            "entry",
            "no MedicationStatement",
        ),
        (
            json.dumps({**statement("Lipitor"), "status": ["active"]}).encode(),
            422,
            "resource.status",
            "not valid FHIR",
        ),
        (
            json.dumps(statement(rxnorm="99999999")).encode(),
            422,
            "resource.medication",
            "codes we do not know",
        ),
        (
            # An R5 MedicationStatement (medication is a CodeableReference there).
            json.dumps(
                {
                    "resourceType": "MedicationStatement",
                    "status": "recorded",
                    "medication": {"concept": {"text": "Lipitor"}},
                    "subject": {"display": "me"},
                }
            ).encode(),
            422,
            "resource",
            "not valid FHIR",
        ),
    ],
)
def test_it_names_what_is_wrong_with_a_file(
    raw: bytes, status: int, field: str, words: str
) -> None:
    with pytest.raises(FhirInputError) as caught:
        read_medicines(raw)
    assert caught.value.status == status
    assert caught.value.field.startswith(field)
    assert words in caught.value.message


def test_it_refuses_a_file_over_the_limit_before_parsing() -> None:
    with pytest.raises(FhirInputError) as caught:
        read_medicines(b" " * (MAX_BYTES + 1))
    assert caught.value.status == 413


def test_it_refuses_more_medicines_than_an_assessment_holds() -> None:
    many = bundle(*(statement(f"Medicine number {n}") for n in range(51)))
    with pytest.raises(FhirInputError, match="at most 50"):
        _read(many)


# -- the API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_adds_them_to_the_newest_assessment_and_says_what_it_matched(
    owner: User, owner_client: Client
) -> None:
    saved = assessment.save_assessment(owner, {**typical_payload(), "medications": []})
    body = bundle(statement("Lipitor 20 mg"), statement(rxnorm="4603"), statement("Metformin"))
    response = _post(owner_client, json.dumps(body))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["saved"] is True
    assert answer["assessment_id"] == saved.pk
    assert [(m["name"], m["class_id"], m["matched_by"]) for m in answer["matched"]] == [
        ("Lipitor 20 mg", "statin", "name"),
        ("furosemide", "loop_diuretic", "rxnorm"),
    ]
    assert [m["name"] for m in answer["unmatched"]] == ["Metformin"]
    saved.refresh_from_db()
    assert saved.answers["medications"] == ["Lipitor 20 mg", "furosemide", "Metformin"]
    assert saved.completed
    # As the assessment shows it: the statin and the water tablet may play a part.
    contributors = {item["id"] for item in saved.result["contributors"]}
    assert {"medicine.statin", "medicine.loop_diuretic"} <= contributors
    assert {note["id"] for note in answer["notes"]} >= {"medicine.statin", "medicine.loop_diuretic"}
    for note in answer["notes"]:
        assert "stop" not in note["action"].lower() or "do not stop" in note["action"].lower()


@pytest.mark.django_db
def test_quinine_brings_the_assessments_own_warning_and_no_advice_to_stop(
    owner: User, owner_client: Client
) -> None:
    assessment.save_assessment(owner, typical_payload())
    answer = _post(owner_client, json.dumps(statement(rxnorm="9071"))).json()
    (note,) = [n for n in answer["notes"] if n["id"] == "taking_quinine"]
    assert "Do not stop it on your own" in note["action"]


@pytest.mark.django_db
def test_a_medicine_already_listed_is_not_added_twice(owner: User, owner_client: Client) -> None:
    saved = assessment.save_assessment(owner, {**typical_payload(), "medications": ["lipitor"]})
    _post(owner_client, json.dumps(statement("LIPITOR")))
    saved.refresh_from_db()
    assert saved.answers["medications"] == ["lipitor"]


@pytest.mark.django_db
def test_without_an_assessment_it_starts_a_draft(owner: User, owner_client: Client) -> None:
    answer = _post(owner_client, json.dumps(statement("Lasix"))).json()
    draft = Assessment.objects.for_user(owner).get(pk=answer["assessment_id"])
    assert not draft.completed
    assert draft.answers == {"medications": ["Lasix"]}


@pytest.mark.django_db
def test_a_preview_saves_nothing(owner: User, owner_client: Client) -> None:
    answer = _post(owner_client, json.dumps(statement("Lipitor")), preview="true").json()
    assert answer["saved"] is False
    assert [m["class_id"] for m in answer["matched"]] == ["statin"]
    assert not Assessment.objects.for_user(owner).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ("this is not json", 400, "not JSON"),
        ('{"resourceType": "Patient"}', 422, "resourceType"),
        (json.dumps(statement(rxnorm="424242")), 422, "codes we do not know"),
        ("[" * 200 + "]" * 200, 400, "deeper"),
    ],
)
def test_the_api_refuses_a_bad_file_with_a_clear_answer_and_saves_nothing(
    owner: User, owner_client: Client, body: str, status: int, words: str
) -> None:
    response = _post(owner_client, body)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert not Assessment.objects.for_user(owner).exists()


@pytest.mark.django_db
def test_a_name_too_long_for_the_assessment_is_refused_whole(
    owner: User, owner_client: Client
) -> None:
    saved = assessment.save_assessment(owner, {**typical_payload(), "medications": ["x"]})
    many = [f"m{n}" for n in range(49)]
    assessment.add_medications(owner, many)  # 50 now: the assessment's limit
    response = _post(owner_client, json.dumps(statement("Lipitor")))
    assert response.status_code == 422
    saved.refresh_from_db()
    assert "Lipitor" not in saved.answers["medications"]


@pytest.mark.django_db
def test_it_needs_someone_signed_in(client: Client) -> None:
    assert _post(client, json.dumps(statement("Lipitor"))).status_code == 401


@pytest.mark.django_db
def test_it_only_ever_changes_the_signed_in_persons_assessment(owner: User, stranger: User) -> None:
    theirs = assessment.save_assessment(owner, {**typical_payload(), "medications": []})
    _post(signed_in(stranger), json.dumps(statement("Lipitor")))
    theirs.refresh_from_db()
    assert theirs.answers["medications"] == []


# -- the page ------------------------------------------------------------------------------------


def _upload(document: Any, name: str = "medicines.json") -> io.BytesIO:
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = name
    return upload


@pytest.mark.django_db
def test_the_page_shows_what_it_found_before_saving_then_saves_on_confirm(
    owner: User, owner_client: Client
) -> None:
    saved = assessment.save_assessment(owner, {**typical_payload(), "medications": []})
    page = owner_client.post(
        reverse("portability:fhir_medicines"),
        {"medicines_file": _upload(bundle(statement("Lipitor"), statement("Metformin")))},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Recognised" in html
    assert "Not recognised" in html
    assert "Metformin" in html
    saved.refresh_from_db()
    assert saved.answers["medications"] == []  # nothing yet

    done = owner_client.post(
        reverse("portability:save_fhir_medicines"), {"names": ["Lipitor", "Metformin"]}
    )
    assert done.status_code == 200
    saved.refresh_from_db()
    assert saved.answers["medications"] == ["Lipitor", "Metformin"]
    text = done.content.decode()
    assert "Do not stop it or change the dose on your own" in text
    assert "quinine" not in text.lower()


@pytest.mark.django_db
def test_the_page_names_the_problem_with_a_bad_file(owner_client: Client) -> None:
    page = owner_client.post(
        reverse("portability:fhir_medicines"),
        {"medicines_file": _upload({"resourceType": "Observation", "status": "final"})},
    )
    assert page.status_code == 400
    assert "Observation" in page.content.decode()


@pytest.mark.django_db
def test_the_data_page_offers_the_medicines_form(owner_client: Client) -> None:
    page = owner_client.get(reverse("portability:data"))
    assert b'name="medicines_file"' in page.content
