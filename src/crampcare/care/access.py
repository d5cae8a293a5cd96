"""The install's reader access: who may read whose records, and the audit of each read.

``register()`` (called from ``CareConfig.ready``) installs ``CARE_ACCESS`` with
``accounts.ownership.register_reader_access``. From then on ``Model.objects.for_reader(actor,
subject)`` lets ``actor`` read ``subject``'s clinical records (the diary, assessments, the
program and insights) and the messages between the two of them (``narrow``: never the person's
threads with another clinician) only while a care relationship between them grants access
(``CareRelationship.objects.with_access()``); the moment it ends, the next read is refused. Each
granted read writes one ``AuditRecord`` into the subject's access log before any row is returned.
``Model.objects.for_readers(actor, subjects)`` (a clinician's dashboard) asks ``may_read_many``
once for everyone and writes their records with one bulk insert (``record_reads``).

Changes go through the same kind of door: ``Model.objects.for_writer(actor, subject,
change=...)`` lets the clinician of such a relationship change the person's program (nothing
else), and writes one ``AuditRecord`` with the action ``change`` per change, inside the change's
transaction (``CARE_CHANGES``).

Where a read came from is the caller's ``origin`` when it gives one, or else the route a care
view named with ``reading_from`` (the read services of the other apps take no origin).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.accounts.ownership import (
    ChangeRecord,
    OwnedModel,
    OwnedQuerySet,
    ReaderAccess,
    ReadRecord,
    WriterAccess,
    register_reader_access,
    register_writer_access,
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
# The apps whose records a clinician may change: only the program (tailoring it, lifting its
# hold). Never the person's diary, answers or insights: those are the person's own words.
CHANGEABLE_APPS = frozenset({"programs"})
# The messages between a person and their care team: a clinician reads only the threads of
# their own relationship with the person (``narrow``), never the person's threads with another
# clinician, even one of the same organisation.
MESSAGE_MODELS = frozenset({"care.Thread", "care.Message"})

_origin: ContextVar[str] = ContextVar("care_read_origin", default="")


@contextmanager
def reading_from(origin: str) -> Iterator[None]:
    """Name where the reads inside the block come from (a route's name) for their audit."""
    token = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(token)


def relationships_with_access(actor: Any, subject: Any) -> QuerySet[CareRelationship]:
    """The relationships that let ``actor`` read ``subject``'s data now (at most one); with no
    subject, those with everyone (the batch door narrows for many people at once)."""
    mine = CareRelationship.objects.with_access().filter(clinician=actor)
    return mine if subject is None else mine.filter(person=subject)


def may_read(actor: Any, subject: Any, model: type[OwnedModel]) -> bool:
    """Only the clinician of an active relationship with ``subject``, and only clinical data and
    the messages (``narrow`` keeps those to their own relationship's)."""
    if model._meta.app_label not in CLINICAL_APPS and model._meta.label not in MESSAGE_MODELS:
        return False
    return relationships_with_access(actor, subject).exists()


def narrow(actor: Any, subject: Any, model: type[OwnedModel], rows: OwnedQuerySet) -> OwnedQuerySet:
    """A granted read of messages sees only the threads of the reader's own relationship."""
    mine = relationships_with_access(actor, subject)
    if model._meta.label == "care.Thread":
        return rows.filter(relationship__in=mine)
    if model._meta.label == "care.Message":
        return rows.filter(thread__relationship__in=mine)
    return rows


def may_read_many(actor: Any, subjects: Sequence[Any], model: type[OwnedModel]) -> set[int]:
    """``may_read`` for many subjects in one query: the ids of those ``actor`` may read."""
    readable = model._meta.app_label in CLINICAL_APPS or model._meta.label in MESSAGE_MODELS
    if not readable or not subjects:
        return set()
    return set(
        CareRelationship.objects.with_access()
        .filter(clinician=actor, person_id__in=[subject.pk for subject in subjects])
        .values_list("person_id", flat=True)
    )


def record_reads(records: Sequence[ReadRecord]) -> None:
    """``record_read`` for many reads at once: one lookup of the readers' names, one insert."""
    if not records:
        return
    names = {
        user.pk: str(user) for user in User.objects.filter(pk__in={r.actor_id for r in records})
    }
    origin = _origin.get()
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                owner_id=record.subject_id,
                actor_id=record.actor_id,
                actor_name=names.get(record.actor_id, ""),
                action=AuditAction.READ,
                what=record.model,
                at=record.at,
                origin=record.origin or origin,
            )
            for record in records
        ]
    )


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


def record_list_reads(
    actor: User, subject_ids: Iterable[int], model: str, origin: str = ""
) -> None:
    """One audit record in each subject's access log, for a page that shows several people's
    records at once (a clinician's list of conversations): one insert for them all."""
    now = timezone.now()
    AuditRecord.objects.bulk_create(
        AuditRecord(
            owner_id=subject_id,
            actor_id=actor.pk,
            actor_name=str(actor),
            action=AuditAction.READ,
            what=model,
            at=now,
            origin=origin or _origin.get(),
        )
        for subject_id in sorted(set(subject_ids))
    )


CARE_ACCESS = ReaderAccess(
    policy=may_read,
    audit=record_read,
    batch_policy=may_read_many,
    batch_audit=record_reads,
    rows=narrow,
)


def may_change(actor: Any, subject: Any, model: type[OwnedModel]) -> bool:
    """Only the clinician of an active relationship with ``subject``, and only the program."""
    if model._meta.app_label not in CHANGEABLE_APPS:
        return False
    return CareRelationship.objects.with_access().filter(clinician=actor, person=subject).exists()


WHAT_MAX_LENGTH = AuditRecord._meta.get_field("what").max_length or 100


def record_change(record: ChangeRecord) -> None:
    """One audit record in the subject's access log for one granted change: the model and what
    changed ("programs.Program:swap")."""
    actor = User.objects.filter(pk=record.actor_id).first()
    AuditRecord.objects.create(
        owner_id=record.subject_id,
        actor_id=record.actor_id,
        actor_name=str(actor) if actor is not None else "",
        action=AuditAction.CHANGE,
        what=f"{record.model}:{record.change}"[:WHAT_MAX_LENGTH],
        at=record.at,
        origin=record.origin or _origin.get(),
    )


CARE_CHANGES = WriterAccess(policy=may_change, audit=record_change)


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
    register_writer_access(CARE_CHANGES)
    register_population_access(POPULATION_ACCESS)
