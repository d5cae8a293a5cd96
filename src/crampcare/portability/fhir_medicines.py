"""Medicines from a patient portal: FHIR MedicationStatement and MedicationRequest resources
(R4 or R4B JSON, alone or in a Bundle) matched to the knowledge base's medicine classes, then
added to the person's assessment through the assessment's own service.

Reading and matching store nothing (``read_medicines``), so the page can show what was found
before anything is saved; saving (``save_medicines``) goes through
``assessment.services.add_medications``, the same validation as the medicines page. A file that
cannot be read is refused whole with ``FhirInputError`` naming the problem: too large, nested
too deep, not JSON, not FHIR, the wrong resource type, a resource that is not valid, or a
medicine with a code we do not know and no name to match.

Matching, in order: an RxNorm ingredient code we know (``fhir_codes.RXNORM_INGREDIENTS``);
the names the resource gives (its text, then each coding's display) through the assessment's
matcher (generic and brand names, any case, doses and forms ignored); a name one typing slip
from a known one. A medicine that matches nothing is kept and shown as not recognised, as the
assessment keeps a typed name it does not know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.medication import Medication
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.medicationstatement import MedicationStatement
from pydantic import ValidationError

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.medicines import classes_for, nearest_known
from crampcare.assessment.models import Assessment
from crampcare.portability import fhir_codes as codes
from crampcare.request_guards import MAX_JSON_DEPTH, json_containers_exceed, json_depth_exceeds

# A portal's medicine list is a few kilobytes; a whole record with everything in it, a few
# hundred. Anything larger is not what this import is for.
MAX_BYTES = 1024 * 1024
MAX_CONTAINERS = 20_000
MAX_MEDICINES = 50
MEDICINE_TYPES = ("MedicationStatement", "MedicationRequest")
# Not a medicine the person takes now: left out, and said so.
NOT_TAKEN = frozenset(
    {"stopped", "cancelled", "entered-in-error", "not-taken", "completed", "revoked"}
)
_MODELS: dict[str, Any] = {
    "MedicationStatement": MedicationStatement,
    "MedicationRequest": MedicationRequest,
}

Via = Literal["rxnorm", "name", "near"]


class FhirInputError(ValueError):
    """The file cannot be imported; ``field`` says where, the message what (for people)."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.status = status
        self.field = field
        self.message = message


@dataclass(frozen=True)
class FoundMedicine:
    """One medicine of the file: the name it is saved under, and what it matched."""

    name: str
    rxnorm: str | None
    class_id: str | None
    via: Via | None
    # The name as the file gave it, when it was matched to a known name spelt differently.
    given: str | None = None

    @property
    def class_name(self) -> str | None:
        if self.class_id is None:
            return None
        return load_clinical().medicine_class(self.class_id).name.get()

    @property
    def matched(self) -> bool:
        return self.class_id is not None


@dataclass(frozen=True)
class MedicineList:
    found: tuple[FoundMedicine, ...]
    # Medicines the file lists as stopped, cancelled or entered in error.
    left_out: tuple[str, ...]

    @property
    def matched(self) -> list[FoundMedicine]:
        return [item for item in self.found if item.matched]

    @property
    def unmatched(self) -> list[FoundMedicine]:
        return [item for item in self.found if not item.matched]

    @property
    def names(self) -> list[str]:
        return [item.name for item in self.found]


def read_medicines(raw: bytes) -> MedicineList:
    """The medicines in a FHIR JSON file, matched; stores nothing. Raises ``FhirInputError``."""
    document = _parse(raw)
    resource_type = document.get("resourceType")
    if resource_type == "Bundle":
        resources, shared = _bundle_resources(document)
    elif resource_type in MEDICINE_TYPES:
        resources, shared = [("resource", document)], {}
    else:
        raise FhirInputError(
            422,
            "resourceType",
            _("is %(type)s; send a MedicationStatement, a MedicationRequest or a Bundle of them")
            % {"type": _shown(resource_type)},
        )
    found: dict[str, FoundMedicine] = {}
    left_out: list[str] = []
    for where, data in resources:
        resource = _validated(where, data)
        concept = _medicine_concept(where, resource, shared)
        medicine = _match(where, concept)
        if resource.status in NOT_TAKEN:
            left_out.append(medicine.name)
            continue
        found.setdefault(medicine.name.casefold(), medicine)
    if not found and not left_out:
        raise FhirInputError(422, "entry", _("holds no MedicationStatement or MedicationRequest"))
    if len(found) > MAX_MEDICINES:
        raise FhirInputError(
            422,
            "entry",
            _("lists %(count)d medicines; at most %(most)d can be imported")
            % {"count": len(found), "most": MAX_MEDICINES},
        )
    return MedicineList(found=tuple(found.values()), left_out=tuple(left_out))


def save_medicines(user: User, names: Iterable[str]) -> Assessment:
    """Add the names to the person's assessment (``assessment.services.add_medications``);
    raises ``InvalidAnswers`` naming the problem, and then stores nothing."""
    return assessments.add_medications(user, names)


def medicine_notes(assessment: Assessment) -> list[dict[str, Any]]:
    """What the assessment says about the person's medicines now, in its own words: each
    medicine class that may play a part in cramps, and the triage reasons a medicine fired
    (quinine's warning), as the result page shows them."""
    result = assessment.shown_result()
    notes = [
        {"id": item["id"], "message": item["message"], "action": item.get("action", "")}
        for item in result.get("contributors", [])
        if str(item.get("id", "")).startswith("medicine.")
    ]
    notes += [
        {"id": reason["rule"], "message": reason["message"], "action": reason["action"]}
        for reason in result.get("reasons", [])
        if "medications" in (reason.get("fired_by") or {})
    ]
    return notes


# -- reading -------------------------------------------------------------------------------------


def _parse(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BYTES:
        raise FhirInputError(
            413, "file", _("is larger than %(size)d KB") % {"size": MAX_BYTES // 1024}
        )
    if json_depth_exceeds(raw, MAX_JSON_DEPTH):
        raise FhirInputError(
            400, "file", _("nests deeper than %(depth)d levels") % {"depth": MAX_JSON_DEPTH}
        )
    if json_containers_exceed(raw, MAX_CONTAINERS):
        raise FhirInputError(
            400,
            "file",
            _("has more than %(count)d lists and objects") % {"count": MAX_CONTAINERS},
        )
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise FhirInputError(
            400, "file", _("is not JSON (a FHIR file in JSON is needed)")
        ) from None
    if not isinstance(document, dict) or "resourceType" not in document:
        raise FhirInputError(400, "file", _("is not a FHIR resource (it has no resourceType)"))
    return document


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _bundle_resources(
    bundle: Mapping[str, Any],
) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]:
    """The medicine resources of a bundle, each with where it is, and its Medication resources
    by every name a reference may use (fullUrl, or Medication/id)."""
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise FhirInputError(422, "entry", _("must be a list"))
    medicines = []
    shared: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue  # a search's outcome, a deleted entry: nothing to read
        kind = resource.get("resourceType")
        if kind in MEDICINE_TYPES:
            medicines.append((f"entry[{index}]", resource))
        elif kind == "Medication":
            shared.update(_medication_names(f"entry[{index}]", entry, resource))
    return medicines, shared


def _medication_names(where: str, entry: Mapping[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    medication = _validated_as(where, Medication, data)
    names = {}
    if isinstance(entry.get("fullUrl"), str):
        names[entry["fullUrl"]] = medication
    if medication.id:
        names[f"Medication/{medication.id}"] = medication
    return names


def _validated(where: str, data: dict[str, Any]) -> Any:
    return _validated_as(where, _MODELS[data["resourceType"]], data)


def _validated_as(where: str, model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        place = ".".join(str(part) for part in problem.get("loc", ()) if part != "__root__")
        message = str(problem.get("msg", "is not valid")).removeprefix("Value error, ")
        raise FhirInputError(
            422,
            f"{where}.{place}" if place else where,
            _("is not valid FHIR R4/R4B %(type)s: %(problem)s")
            % {"type": data.get("resourceType"), "problem": message},
        ) from None


def _medicine_concept(where: str, resource: Any, shared: Mapping[str, Any]) -> CodeableConcept:
    if resource.medicationCodeableConcept is not None:
        return resource.medicationCodeableConcept  # type: ignore[no-any-return]
    target = resource.medicationReference.reference if resource.medicationReference else None
    medication = None
    if isinstance(target, str) and target.startswith("#"):
        medication = next(
            (
                item
                for item in resource.contained or []
                if item.get_resource_type() == "Medication" and item.id == target[1:]
            ),
            None,
        )
    elif isinstance(target, str):
        medication = shared.get(target)
    if medication is None or medication.code is None:
        raise FhirInputError(
            422,
            f"{where}.medicationReference",
            _("points at %(target)s, which is not a Medication with a code in the file")
            % {"target": _shown(target)},
        )
    return medication.code  # type: ignore[no-any-return]


def _match(where: str, concept: CodeableConcept) -> FoundMedicine:
    rxnorm_codes = [
        str(coding.code)
        for coding in concept.coding or []
        if coding.system == codes.RXNORM and coding.code
    ]
    names = [name for name in _names(concept) if name]
    for code in rxnorm_codes:
        if code in codes.RXNORM_INGREDIENTS:
            generic, class_id = codes.RXNORM_INGREDIENTS[code]
            shown = names[0] if names and class_id in classes_for(names[0]) else generic
            return FoundMedicine(shown, code, class_id, "rxnorm")
    rxnorm = rxnorm_codes[0] if rxnorm_codes else None
    for name in names:
        found = sorted(classes_for(name))
        if found:
            return FoundMedicine(name, rxnorm, found[0], "name")
    for name in names:
        near = nearest_known(name)
        if near is not None:
            return FoundMedicine(near, rxnorm, sorted(classes_for(near))[0], "near", given=name)
    if not names:
        known = ", ".join(f"{c.system or '?'}|{c.code or '?'}" for c in concept.coding or [])
        raise FhirInputError(
            422,
            f"{where}.medication",
            _("has only codes we do not know (%(codes)s) and no name to match")
            % {"codes": _shown(known)},
        )
    return FoundMedicine(names[0], rxnorm, None, None)


def _names(concept: CodeableConcept) -> Iterator[str]:
    if concept.text:
        yield " ".join(str(concept.text).split())[:100]
    for coding in concept.coding or []:
        if coding.display:
            yield " ".join(str(coding.display).split())[:100]
