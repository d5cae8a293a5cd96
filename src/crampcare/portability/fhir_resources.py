"""Small pieces every FHIR resource of the export is made of: stable ids, codes, references.

Every resource is built with fhir.resources' R4B models, so each one is validated as it is made
(docs/interop.md says why R4B). Codes and references that repeat thousands of times are built
and validated once and then shared: pydantic does not validate a model instance again when it is
given to another model, which keeps years of diary fast to export.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.reference import Reference

from crampcare.accounts.models import User
from crampcare.portability import fhir_codes as codes
from crampcare.portability.fhir_json import shared

# Ids are UUIDs derived from the install's address, the person and the record, so the same data
# always gives the same bundle, and two exports of one person can be compared entry by entry.
_NAMESPACE = uuid.UUID("5b0c6f0e-2f55-4a53-9a39-0c7a4f1d2e61")


def resource_id(user: User, kind: str, key: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{codes.site_system('')}|{user.pk}|{kind}|{key}"))


def full_url(resource_uuid: str) -> str:
    return f"urn:uuid:{resource_uuid}"


def reference(resource_uuid: str) -> Reference:
    return Reference(reference=full_url(resource_uuid))


@cache
def concept(system: str, code: str, display: str, text: str | None = None) -> CodeableConcept:
    """One coded concept, validated once and shared (treat it as read only)."""
    return shared(
        CodeableConcept(coding=[Coding(system=system, code=code, display=display)], text=text)
    )


def snomed(pair: tuple[str, str], text: str | None = None) -> CodeableConcept:
    return concept(codes.SNOMED, pair[0], pair[1], text)


def loinc(pair: tuple[str, str]) -> CodeableConcept:
    return concept(codes.LOINC, pair[0], pair[1])


def own(code: str) -> CodeableConcept:
    return concept(codes.own_system(), code, codes.OWN_CODES[code])


def category(code: str, display: str) -> CodeableConcept:
    return concept(codes.OBSERVATION_CATEGORY, code, display)


def day_time(value: date) -> Any:
    """A date where FHIR wants a dateTime: FHIR's dateTime may be a date alone (the night or
    the day an entry is about), though the library's type hints name only datetime."""
    return value
