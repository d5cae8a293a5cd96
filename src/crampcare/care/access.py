"""The install's reader access: who may read whose records, and the audit of each read.

``register()`` (called from ``CareConfig.ready``) installs ``CARE_ACCESS`` with
``accounts.ownership.register_reader_access``. From then on ``Model.objects.for_reader(actor,
subject)`` lets ``actor`` read ``subject``'s clinical records (the diary, assessments, the
program and insights) only while a care relationship between them grants access
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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from crampcare.accounts.models import User
from crampcare.accounts.ownership import (
    ChangeRecord,
    OwnedModel,
    ReaderAccess,
    ReadRecord,
    WriterAccess,
    register_reader_access,
    register_writer_access,
)
from crampcare.care.models import AuditAction, AuditRecord, CareRelationship

# The apps whose records a clinician may read: a person's health data. Never their access
# tokens, their idempotency keys or their own access log.
CLINICAL_APPS = frozenset({"assessment", "diary", "insights", "programs"})
# The apps whose records a clinician may change: only the program (tailoring it, lifting its
# hold). Never the person's diary, answers or insights: those are the person's own words.
CHANGEABLE_APPS = frozenset({"programs"})

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


def may_read_many(actor: Any, subjects: Sequence[Any], model: type[OwnedModel]) -> set[int]:
    """``may_read`` for many subjects in one query: the ids of those ``actor`` may read."""
    if model._meta.app_label not in CLINICAL_APPS or not subjects:
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


CARE_ACCESS = ReaderAccess(
    policy=may_read, audit=record_read, batch_policy=may_read_many, batch_audit=record_reads
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


def register() -> None:
    register_reader_access(CARE_ACCESS)
    register_writer_access(CARE_CHANGES)
