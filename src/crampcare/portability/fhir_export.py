"""A person's data as one FHIR R4B Bundle (type ``collection``), written as it is built.

What goes in (docs/interop.md): a minimal Patient; an Observation per cramp, per morning
check-in and per answered factor of a day; the assessment's Questionnaire and a
QuestionnaireResponse per assessment; the program as a CarePlan with its Goal. Only the person's
own rows, read through the one door (``for_user`` via the apps' read services with the person
as both actor and subject), like the other exports.

Each resource is built with the fhir.resources models (validated as it is made) and written with
``fhir_json.as_data``; the rows are read in chunks (``iterator``), so memory stays flat and the
download can start before the last row is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

from django.db import models
from django.utils import timezone, translation
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.quantity import Quantity
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from crampcare.accounts.models import User
from crampcare.diary import services as diary
from crampcare.diary.models import (
    CrampEpisode,
    DailyFactors,
    Footwear,
    Intensity,
    Muscle,
    NightCheckin,
)
from crampcare.portability import fhir_codes as codes
from crampcare.portability.fhir_assessment import assessment_resources
from crampcare.portability.fhir_json import as_data, shared
from crampcare.portability.fhir_program import program_resources
from crampcare.portability.fhir_resources import (
    category,
    concept,
    day_time,
    full_url,
    loinc,
    own,
    reference,
    resource_id,
    snomed,
)

CONTENT_TYPE = "application/fhir+json"
_CHUNK = 2000


def fhir_filename(user: User) -> str:
    return f"crampcare-fhir-{timezone.localdate(timezone=user.zone).isoformat()}.json"


def bundle_chunks(user: User, now: datetime | None = None) -> Iterator[str]:
    """The Bundle as JSON text, in pieces: the header, then one entry at a time."""
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    header = Bundle(
        id=resource_id(user, "bundle", now.isoformat()),
        type="collection",
        timestamp=now,
    )
    opening = json.dumps(as_data(header), ensure_ascii=False)
    yield opening[:-1] + ',"entry":['
    for index, (resource_uuid, resource) in enumerate(resources(user)):
        entry = {"fullUrl": full_url(resource_uuid), "resource": as_data(resource)}
        yield ("," if index else "") + json.dumps(entry, ensure_ascii=False)
    yield "]}"


def bundle_json(user: User, now: datetime | None = None) -> str:
    return "".join(bundle_chunks(user, now))


def resources(user: User) -> Iterator[tuple[str, FHIRAbstractModel]]:
    """Every resource of the bundle with its UUID, the Patient first."""
    patient_uuid = resource_id(user, "patient", "")
    yield patient_uuid, _patient(user, patient_uuid)
    yield from _cramps(user, patient_uuid)
    yield from _checkins(user, patient_uuid)
    yield from _factors(user, patient_uuid)
    yield from assessment_resources(user, patient_uuid)
    yield from program_resources(user, patient_uuid)


def _patient(user: User, patient_uuid: str) -> Patient:
    # No more than the app knows and needs: no email, no birth date, no sex.
    names = [HumanName(text=user.display_name)] if user.display_name else None
    return Patient(id=patient_uuid, name=names)


def _instant(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Parts that repeat with few values (a severity of 0 to 10, a side, a number of minutes) are built
# once per value and shared (``fhir_json.shared``): five years of diary then build little more
# than one model per resource. Each is keyed by the crampcare code system too, which follows
# the site's address.


@cache
def _quantity(value: str, unit: str, code: str | None) -> Quantity:
    system = codes.UCUM if code else None
    return shared(Quantity(value=Decimal(value), unit=unit, system=system, code=code))


def _minutes(value: int) -> Quantity:
    return _quantity(str(value), "min", "min")


@cache
def _severity(value: int) -> ObservationComponent:
    return shared(ObservationComponent(code=loinc(codes.PAIN_SEVERITY), valueInteger=value))


@cache
def _own_component(system: str, code: str, value: int | bool) -> ObservationComponent:
    if isinstance(value, bool):
        return shared(ObservationComponent(code=own(code), valueBoolean=value))
    if code == "cramp-duration":
        return shared(ObservationComponent(code=own(code), valueQuantity=_minutes(value)))
    return shared(ObservationComponent(code=own(code), valueInteger=value))


@cache
def _side(side: str) -> ObservationComponent:
    return shared(
        ObservationComponent(
            code=snomed(codes.LATERALITY), valueCodeableConcept=snomed(codes.SIDES[side])
        )
    )


# -- cramps --------------------------------------------------------------------------------------


def _body_site(muscle: str) -> CodeableConcept:
    """Where: SNOMED CT's body structure, with the diary's own words as the text (the side is
    the laterality component)."""
    label = str(Muscle(muscle).label) if muscle in Muscle.values else muscle
    site = codes.BODY_SITES.get(muscle)
    if site is None:
        return _text_only(label)
    return snomed(site, label)


@cache
def _text_only(text: str) -> CodeableConcept:
    return shared(CodeableConcept(text=text))


def _cramps(user: User, patient_uuid: str) -> Iterator[tuple[str, Observation]]:
    subject = reference(patient_uuid)
    code = snomed(codes.CRAMP, "Leg cramp")
    survey = category("survey", "Survey")
    system = codes.own_system()
    rows = diary.episodes(user, user).order_by("started_at", "id").iterator(chunk_size=_CHUNK)
    episode: CrampEpisode
    for episode in rows:
        uuid = resource_id(user, "cramp", episode.pk)
        components = []
        if episode.severity is not None:
            components.append(_severity(episode.severity))
        if episode.duration_minutes is not None:
            components.append(_own_component(system, "cramp-duration", episode.duration_minutes))
        if episode.side:
            components.append(_side(episode.side))
        if episode.woke_me is not None:
            components.append(_own_component(system, "woke-me", episode.woke_me))
        yield (
            uuid,
            Observation(
                id=uuid,
                status="final",
                category=[survey],
                code=code,
                subject=subject,
                effectiveDateTime=_instant(episode.started_at),
                bodySite=_body_site(episode.muscle) if episode.muscle else None,
                note=[Annotation(text=episode.notes)] if episode.notes else None,
                component=components or None,
            ),
        )


# -- morning check-ins ---------------------------------------------------------------------------


def _checkins(user: User, patient_uuid: str) -> Iterator[tuple[str, Observation]]:
    subject = reference(patient_uuid)
    code = own("night-checkin")
    survey = category("survey", "Survey")
    system = codes.own_system()
    rows = diary.checkins(user, user).order_by("night").iterator(chunk_size=_CHUNK)
    checkin: NightCheckin
    for checkin in rows:
        uuid = resource_id(user, "checkin", checkin.night.isoformat())
        components = []
        if checkin.severity is not None:
            components.append(_severity(checkin.severity))
        if checkin.sleep_disruption is not None:
            components.append(_own_component(system, "sleep-disruption", checkin.sleep_disruption))
        yield (
            uuid,
            Observation(
                id=uuid,
                status="final",
                category=[survey],
                code=code,
                subject=subject,
                # The night is named by its evening (docs/diary.md).
                effectiveDateTime=day_time(checkin.night),
                valueInteger=checkin.cramp_count,
                note=[Annotation(text=checkin.notes)] if checkin.notes else None,
                component=components or None,
            ),
        )


# -- the day's factors ---------------------------------------------------------------------------


def _factors(user: User, patient_uuid: str) -> Iterator[tuple[str, Observation]]:
    """One Observation per day, a component per factor answered: the day's entry is one answer
    given at one time, like a panel, and one resource a day keeps five years quick to write
    (docs/interop.md). Exercise time and alcohol carry their LOINC codes."""
    subject = reference(patient_uuid)
    code = own("daily-factors")
    history = category("social-history", "Social History")
    system = codes.own_system()
    rows = diary.factors(user, user).order_by("date").iterator(chunk_size=_CHUNK)
    day: DailyFactors
    for day in rows:
        components = _day_components(system, day)
        if not components:
            continue  # only a medicine note: not a measurement
        uuid = resource_id(user, "factors", day.date.isoformat())
        yield (
            uuid,
            Observation(
                id=uuid,
                status="final",
                category=[history],
                code=code,
                subject=subject,
                effectiveDateTime=day_time(day.date),
                component=components,
            ),
        )


def _day_components(system: str, day: DailyFactors) -> list[ObservationComponent]:
    components = []
    if day.fluid_cups is not None:
        components.append(_amount(system, "fluid-cups", str(day.fluid_cups), "cups", None))
    if day.exercise_minutes is not None:
        components.append(_exercise(day.exercise_minutes))
    if day.exercise_intensity:
        components.append(_coded(system, "exercise-intensity", day.exercise_intensity))
    if day.exercise_in_heat is not None:
        components.append(_own_component(system, "exercise-in-heat", day.exercise_in_heat))
    if day.alcohol_drinks is not None:
        components.append(_alcohol(str(day.alcohol_drinks)))
    if day.sitting_hours is not None:
        components.append(_amount(system, "sitting-hours", str(day.sitting_hours), "h", "h"))
    if day.footwear:
        components.append(_coded(system, "footwear", day.footwear))
    return components


@cache
def _amount(
    system: str, code: str, value: str, unit: str, ucum: str | None
) -> ObservationComponent:
    return shared(ObservationComponent(code=own(code), valueQuantity=_quantity(value, unit, ucum)))


@cache
def _exercise(minutes: int) -> ObservationComponent:
    return shared(
        ObservationComponent(code=loinc(codes.EXERCISE_DURATION), valueQuantity=_minutes(minutes))
    )


@cache
def _alcohol(drinks: str) -> ObservationComponent:
    return shared(
        ObservationComponent(
            code=loinc(codes.ALCOHOLIC_DRINKS), valueQuantity=_quantity(drinks, "drinks/day", "/d")
        )
    )


_CHOICES: dict[str, type[models.TextChoices]] = {
    "exercise-intensity": Intensity,
    "footwear": Footwear,
}


@cache
def _coded(system: str, code: str, value: str) -> ObservationComponent:
    # A coding's display is the code system's own words (English), whoever exports.
    with translation.override("en"):
        labels = {key: str(label) for key, label in _CHOICES[code].choices}
    return shared(
        ObservationComponent(
            code=own(code),
            valueCodeableConcept=concept(
                codes.site_system(code), value, str(labels.get(value, value))
            ),
        )
    )
