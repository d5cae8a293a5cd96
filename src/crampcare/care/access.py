"""The install's reader access: who may read whose records, and the audit of each read.

``register()`` (called from ``CareConfig.ready``) installs ``CARE_ACCESS`` with
``accounts.ownership.register_reader_access``. From then on ``Model.objects.for_reader(actor,
subject)`` lets ``actor`` read ``subject``'s clinical records (the diary, assessments, the
program and insights) and the messages between the two of them (``narrow``: never the person's
threads with another clinician) only while a care relationship between them grants access
(``CareRelationship.objects.with_access()``); the moment it ends, the next read is refused. Each
granted read writes one ``AuditRecord`` into the subject's access log before any row is returned.

Where a read came from is the caller's ``origin`` when it gives one, or else the route a care
view named with ``reading_from`` (the read services of the other apps take no origin).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.accounts.ownership import (
    OwnedModel,
    OwnedQuerySet,
    ReaderAccess,
    ReadRecord,
    register_reader_access,
)
from crampcare.care.models import AuditAction, AuditRecord, CareRelationship

# The apps whose records a clinician may read: a person's health data. Never their access
# tokens, their idempotency keys or their own access log.
CLINICAL_APPS = frozenset({"assessment", "diary", "insights", "programs"})
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
    """The relationships that let ``actor`` read ``subject``'s data now (at most one)."""
    return CareRelationship.objects.with_access().filter(clinician=actor, person=subject)


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


def record_reads(actor: User, subject_ids: Iterable[int], model: str, origin: str = "") -> None:
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


CARE_ACCESS = ReaderAccess(policy=may_read, audit=record_read, rows=narrow)


def register() -> None:
    register_reader_access(CARE_ACCESS)
