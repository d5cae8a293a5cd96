"""The install's reader access: who may read whose records, and the audit of each read.

``register()`` (called from ``CareConfig.ready``) installs ``CARE_ACCESS`` with
``accounts.ownership.register_reader_access``. From then on ``Model.objects.for_reader(actor,
subject)`` lets ``actor`` read ``subject``'s clinical records (the diary, assessments, the
program and insights) only while a care relationship between them grants access
(``CareRelationship.objects.with_access()``); the moment it ends, the next read is refused. Each
granted read writes one ``AuditRecord`` into the subject's access log before any row is returned.

Where a read came from is the caller's ``origin`` when it gives one, or else the route a care
view named with ``reading_from`` (the read services of the other apps take no origin).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from crampcare.accounts.models import User
from crampcare.accounts.ownership import (
    OwnedModel,
    ReaderAccess,
    ReadRecord,
    register_reader_access,
)
from crampcare.accounts.population import (
    PopulationAccess,
    PopulationRecord,
    register_population_access,
)
from crampcare.care.models import (
    AuditAction,
    AuditRecord,
    CareRelationship,
    Membership,
    Organisation,
    OrganisationAuditRecord,
    Role,
)

# The apps whose records a clinician may read: a person's health data. Never their access
# tokens, their idempotency keys or their own access log.
CLINICAL_APPS = frozenset({"assessment", "diary", "insights", "programs"})

_origin: ContextVar[str] = ContextVar("care_read_origin", default="")


@contextmanager
def reading_from(origin: str) -> Iterator[None]:
    """Name where the reads inside the block come from (a route's name) for their audit."""
    token = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(token)


def may_read(actor: Any, subject: Any, model: type[OwnedModel]) -> bool:
    """Only the clinician of an active relationship with ``subject``, and only clinical data."""
    if model._meta.app_label not in CLINICAL_APPS:
        return False
    return CareRelationship.objects.with_access().filter(clinician=actor, person=subject).exists()


def record_read(record: ReadRecord) -> None:
    """One audit record in the subject's access log for one granted read."""
    actor = User.objects.filter(pk=record.actor_id).first()
    AuditRecord.objects.create(
        owner_id=record.subject_id,
        actor_id=record.actor_id,
        actor_name=str(actor) if actor is not None else "",
        action=AuditAction.READ,
        what=record.model,
        at=record.at,
        origin=record.origin or _origin.get(),
    )


CARE_ACCESS = ReaderAccess(policy=may_read, audit=record_read)


# -- numbers about an organisation's members (the aggregate door) ---------------------------------


def population_members(actor: Any, organisation: Any) -> Any:
    """The ids of an organisation's members (role member), when ``actor`` is an admin of that
    organisation; None for anyone else, whatever else they are (a clinician, a member, the
    admin of another organisation)."""
    if not isinstance(organisation, Organisation) or organisation.pk is None:
        return None
    is_admin = Membership.objects.filter(
        organisation=organisation, user=actor, role=Role.ADMIN
    ).exists()
    if not is_admin:
        return None
    return Membership.objects.filter(organisation=organisation, role=Role.MEMBER).values("user_id")


def record_population_read(record: PopulationRecord) -> None:
    """One record in the organisation's own audit trail for one aggregate read."""
    actor = User.objects.filter(pk=record.actor_id).first()
    organisation: Organisation = record.population
    OrganisationAuditRecord.objects.create(
        organisation=organisation,
        organisation_name=organisation.name,
        actor_id=record.actor_id,
        actor_name=str(actor) if actor is not None else "",
        what=record.what,
        at=record.at,
        origin=record.origin or _origin.get(),
    )


POPULATION_ACCESS = PopulationAccess(members=population_members, audit=record_population_read)


def register() -> None:
    register_reader_access(CARE_ACCESS)
    register_population_access(POPULATION_ACCESS)
