"""The one door to personal data.

Every personal record subclasses ``OwnedModel``, whose manager is scoped by its owner
(django-scopes): a query that names nobody, ``Model.objects.filter(...)``, ``.count()``,
iterating ``.all()``, ``.update()``, ``.delete()``, raises ``ScopeError`` instead of reading
everyone's rows. There are four ways through:

- ``Model.objects.for_user(user)`` (and ``get_owned_or_404``): a person's own rows; nothing at
  all for an anonymous visitor.
- ``Model.objects.same_owner_as(record)``: the rows of whoever owns a record already in hand
  (a program's sessions).
- ``Model.objects.for_reader(actor, subject)`` (and ``get_read_or_404``): the rows of
  ``subject`` read by ``actor``. When they are the same person it is ``for_user``; otherwise
  the registered ``ReaderAccess`` must grant it, and each granted read is handed to its audit
  hook. The care app registers the install's (``care/access.py``); with none registered, every
  such read is refused. ``Model.objects.for_readers(actor, subjects)`` is the same door for many
  people at once (a clinician's list): one policy check and one bulk audit for them all.
- ``Model.objects.for_writer(actor, subject, change=...)``: the rows of ``subject`` that
  ``actor`` is about to change. The person themselves writes as with ``for_user``; anyone else
  needs a grant from the registered ``WriterAccess`` (the care app's: a clinician in an active
  care relationship, clinical records only), and each granted change is handed to its audit hook
  inside the caller's transaction, so a change that fails leaves no record.
- ``system_access(reason)``: the named escape for jobs that act for everyone or for nobody in
  particular (reminders, weekly steps, erasure, secret-link lookups, commands). The reason says
  why, in a sentence.

A row is still created with ``Model.objects.create(owner=...)`` anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django_scopes import ScopedManager, ScopeError, scopes_disabled
from django_scopes.manager import DisabledQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

__all__ = [
    "BatchAccessPolicy",
    "BatchReadAudit",
    "ChangeRecord",
    "OwnedModel",
    "ReadRecord",
    "ReadRefused",
    "ReaderAccess",
    "ScopeError",
    "WriteRefused",
    "WriterAccess",
    "get_owned_or_404",
    "get_read_or_404",
    "register_reader_access",
    "register_writer_access",
    "system_access",
]

logger = logging.getLogger(__name__)

# The scope's one dimension: whose rows a query may see.
OWNER = "owner"


def _person_id(user: AnyUser | None) -> int | None:
    """The id of a signed-in person; None for an anonymous visitor or an unsaved user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return cast(int | None, user.pk)


@dataclass(frozen=True)
class ReadRecord:
    """One granted read of someone else's records: what the audit hook is given."""

    actor_id: int
    subject_id: int
    model: str  # the model's label, e.g. "diary.CrampEpisode"
    at: datetime
    origin: str = ""  # where the read came from (a path, a command), when the caller knows


class AccessPolicy(Protocol):
    def __call__(
        self, actor: AbstractBaseUser, subject: AbstractBaseUser, model: type[OwnedModel]
    ) -> bool: ...


class ReadAudit(Protocol):
    def __call__(self, record: ReadRecord) -> None: ...


class BatchAccessPolicy(Protocol):
    """The policy for many subjects at once: the ids of those ``actor`` may read."""

    def __call__(
        self, actor: AbstractBaseUser, subjects: Sequence[AbstractBaseUser], model: type[OwnedModel]
    ) -> set[int]: ...


class BatchReadAudit(Protocol):
    def __call__(self, records: Sequence[ReadRecord]) -> None: ...


class ReadRows(Protocol):
    def __call__(
        self,
        actor: AbstractBaseUser,
        subject: AbstractBaseUser | None,
        model: type[OwnedModel],
        rows: OwnedQuerySet,
    ) -> OwnedQuerySet: ...


@dataclass(frozen=True)
class ReaderAccess:
    """Who may read whose records, and where each granted read is recorded. The two come
    together, so a grant can never skip its audit record.

    ``batch_policy`` and ``batch_audit`` answer for many subjects at once (``for_readers``): a
    constant number of queries however many people a list shows. Without them the batch door
    asks ``policy`` and ``audit`` once per subject, with the same answers.

    ``rows``, when given, narrows a granted read to some of the subject's rows (the care
    access lets a clinician read only the messages of their own care relationship, not the
    person's threads with someone else); without it a grant opens all of the subject's rows of
    that model. The batch door calls it with ``subject=None``: narrow for every subject at once."""

    policy: AccessPolicy
    audit: ReadAudit
    batch_policy: BatchAccessPolicy | None = None
    batch_audit: BatchReadAudit | None = None
    rows: ReadRows | None = None

    def granted(
        self, actor: AbstractBaseUser, subjects: Sequence[AbstractBaseUser], model: type[OwnedModel]
    ) -> set[int]:
        """The ids of the ``subjects`` whose ``model`` rows ``actor`` may read."""
        if self.batch_policy is not None:
            return set(self.batch_policy(actor, subjects, model))
        return {cast(int, s.pk) for s in subjects if self.policy(actor, s, model)}

    def record(self, records: Sequence[ReadRecord]) -> None:
        """Hand every granted read to the audit, all at once when it can take them so."""
        if self.batch_audit is not None:
            self.batch_audit(records)
            return
        for record in records:
            self.audit(record)


_reader_access: ReaderAccess | None = None


def register_reader_access(access: ReaderAccess | None) -> ReaderAccess | None:
    """Install the reader access (the care app does, at start); returns the one it replaces."""
    global _reader_access
    previous, _reader_access = _reader_access, access
    return previous


class ReadRefused(PermissionDenied):
    """Someone asked to read another person's records and was not allowed to."""


@dataclass(frozen=True)
class ChangeRecord:
    """One granted change to someone else's records: what the change audit hook is given."""

    actor_id: int
    subject_id: int
    model: str  # the model's label, e.g. "programs.Program"
    change: str  # what is changing, in the caller's words (e.g. a change kind: "swap")
    at: datetime
    origin: str = ""


class ChangeAudit(Protocol):
    def __call__(self, record: ChangeRecord) -> None: ...


@dataclass(frozen=True)
class WriterAccess:
    """Who may change whose records, and where each granted change is recorded: as for reads,
    the two come together."""

    policy: AccessPolicy
    audit: ChangeAudit


_writer_access: WriterAccess | None = None


def register_writer_access(access: WriterAccess | None) -> WriterAccess | None:
    """Install the writer access (the care app does, at start); returns the one it replaces."""
    global _writer_access
    previous, _writer_access = _writer_access, access
    return previous


class WriteRefused(PermissionDenied):
    """Someone asked to change another person's records and was not allowed to."""


@contextmanager
def system_access(reason: str) -> Iterator[None]:
    """Let unscoped queries through inside the block, for a job that acts for everyone or for
    nobody in particular. ``reason`` says why, in a sentence; it is logged."""
    if not reason.strip():
        raise ValueError("system_access needs a reason.")
    logger.debug("system access: %s", reason)
    with scopes_disabled():
        yield


class OwnedQuerySet(models.QuerySet[Any]):
    def for_user(self, user: AnyUser) -> Self:
        """Only the rows this user owns; nothing at all for an anonymous visitor."""
        person = _person_id(user)
        if person is None:
            return self.none()
        return self.filter(owner_id=person)


class _OwnedQueries(models.Manager[Any]):
    _queryset_class = OwnedQuerySet


# django-scopes builds its manager class around ours: it adds ``with_scope`` and
# ``with_scopes_disabled``, and answers a query with no scope with a queryset that raises
# ScopeError. Named here so that Django (and its type checker) see a class of this module.
if TYPE_CHECKING:
    _Scoped = _OwnedQueries
else:
    _Scoped = type(ScopedManager(_OwnedQueries, **{OWNER: "owner"}))


class _RefusedQuerySet(DisabledQuerySet):
    """django-scopes' refusing queryset, refusing also what it lets through: ``exists()`` (it
    would tell whether anyone at all has such a row), ``exclude()``, ``in_bulk()``,
    ``contains()``, ``explain()`` and ``bulk_update()``. Only ``create()``, ``bulk_create()``
    and ``none()`` still work."""

    exists = DisabledQuerySet.error
    exclude = DisabledQuerySet.error
    in_bulk = DisabledQuerySet.error
    contains = DisabledQuerySet.error
    explain = DisabledQuerySet.error
    bulk_update = DisabledQuerySet.error
    distinct = DisabledQuerySet.error
    select_related = DisabledQuerySet.error
    prefetch_related = DisabledQuerySet.error
    alias = DisabledQuerySet.error
    defer = DisabledQuerySet.error
    extra = DisabledQuerySet.error


class OwnedManager(_Scoped):
    """The manager of every owned model: the doors through the scope."""

    def get_queryset(self) -> OwnedQuerySet:
        found = super().get_queryset()
        if isinstance(found, DisabledQuerySet):
            return _RefusedQuerySet(  # type: ignore[no-any-return]
                self.model, using=self._db, missing_scopes=found.missing_scopes
            )
        return cast(OwnedQuerySet, found)

    def _scoped_to(self, person: int | list[int]) -> OwnedQuerySet:
        # A list scopes to every person in it (django-scopes filters ``owner__in``).
        return cast(OwnedQuerySet, self.with_scope(**{OWNER: person}).get_queryset())  # type: ignore[attr-defined]

    def _nobody(self) -> OwnedQuerySet:
        return cast(OwnedQuerySet, self.with_scopes_disabled().none())  # type: ignore[attr-defined]

    def for_user(self, user: AnyUser) -> OwnedQuerySet:
        """Only the rows this user owns; nothing at all for an anonymous visitor."""
        person = _person_id(user)
        if person is None:
            return self._nobody()
        return self._scoped_to(person)

    def same_owner_as(self, record: OwnedModel) -> OwnedQuerySet:
        """The rows of whoever owns ``record``: for code that already holds one of their records
        (a program's sessions, say) and reads on for the same person."""
        return self._scoped_to(record.owner_id)

    def for_reader(self, actor: AnyUser, subject: AnyUser, *, origin: str = "") -> OwnedQuerySet:
        """The rows of ``subject``, read by ``actor``. The person themselves reads as with
        ``for_user``; anyone else needs a grant from the registered ``ReaderAccess``, and each
        granted read leaves one audit record. Raises ``ReadRefused`` otherwise."""
        actor_id, subject_id = _person_id(actor), _person_id(subject)
        if subject_id is None:
            raise ReadRefused("Nobody's records to read.")
        if actor_id == subject_id:
            return self._scoped_to(subject_id)
        access = _reader_access
        model = cast(type[OwnedModel], self.model)
        if (
            actor_id is None
            or access is None
            or not access.policy(
                cast("AbstractBaseUser", actor), cast("AbstractBaseUser", subject), model
            )
        ):
            raise ReadRefused(f"No access to these {model._meta.verbose_name_plural}.")
        access.audit(
            ReadRecord(
                actor_id=actor_id,
                subject_id=subject_id,
                model=model._meta.label,
                at=timezone.now(),
                origin=origin,
            )
        )
        granted = self._scoped_to(subject_id)
        if access.rows is not None:
            granted = access.rows(
                cast("AbstractBaseUser", actor), cast("AbstractBaseUser", subject), model, granted
            )
        return granted

    def for_readers(
        self,
        actor: AnyUser,
        subjects: Iterable[AnyUser],
        *,
        origin: str = "",
        drop_refused: bool = False,
    ) -> OwnedQuerySet:
        """The rows of every one of ``subjects``, read by ``actor``: ``for_reader`` for many
        people at once. The registered ``ReaderAccess`` is asked about them all together (its
        ``batch_policy``, one query in the care app's), and each granted subject leaves one
        audit record, written together (its ``batch_audit``, one bulk insert). The actor's own
        rows, when they are among the subjects, need no grant and leave no record.

        A subject the actor may not read raises ``ReadRefused`` and nothing is audited, as with
        ``for_reader``; with ``drop_refused`` they are left out instead (no rows, no record),
        for a list whose people may lose their access between two queries."""
        actor_id = _person_id(actor)
        people: dict[int, AnyUser] = {}
        for subject in subjects:
            subject_id = _person_id(subject)
            if subject_id is None:
                if drop_refused:
                    continue
                raise ReadRefused("Nobody's records to read.")
            people.setdefault(subject_id, subject)
        others = [user for pk, user in people.items() if pk != actor_id]
        model = cast(type[OwnedModel], self.model)
        access = _reader_access
        granted: set[int] = set()
        if others and actor_id is not None and access is not None:
            granted = access.granted(
                cast("AbstractBaseUser", actor), cast("Sequence[AbstractBaseUser]", others), model
            )
            granted &= {cast(int, user.pk) for user in others}
        if len(granted) < len(others) and not drop_refused:
            raise ReadRefused(f"No access to these {model._meta.verbose_name_plural}.")
        if granted and access is not None and actor_id is not None:
            at = timezone.now()  # one read of them all: one instant
            access.record(
                [
                    ReadRecord(
                        actor_id=actor_id,
                        subject_id=subject_id,
                        model=model._meta.label,
                        at=at,
                        origin=origin,
                    )
                    for subject_id in sorted(granted)
                ]
            )
        if actor_id is not None and actor_id in people:
            granted.add(actor_id)
        readable = sorted(granted)
        if not readable:
            return self._nobody()
        rows = self._scoped_to(readable)
        if access is not None and access.rows is not None and actor_id is not None:
            # Narrowed for every subject at once (subject None); the actor's own rows, when they
            # are among the subjects, are theirs whole.
            narrowed = access.rows(cast("AbstractBaseUser", actor), None, model, rows)
            if actor_id in granted:
                narrowed = narrowed | self._scoped_to(actor_id)
            rows = narrowed
        return rows

    def for_writer(
        self, actor: AnyUser, subject: AnyUser, *, change: str, origin: str = ""
    ) -> OwnedQuerySet:
        """The rows of ``subject`` that ``actor`` is about to change (``change`` says what, for
        the audit). The person themselves writes as with ``for_user``; anyone else needs a grant
        from the registered ``WriterAccess``, and each granted change leaves one audit record,
        written inside the caller's transaction (required), so a change that is refused or fails
        later leaves none. Raises ``WriteRefused`` otherwise."""
        actor_id, subject_id = _person_id(actor), _person_id(subject)
        if subject_id is None:
            raise WriteRefused("Nobody's records to change.")
        if actor_id == subject_id:
            return self._scoped_to(subject_id)
        if not transaction.get_connection(self.db).in_atomic_block:
            raise RuntimeError("for_writer needs a transaction: open one around the change.")
        access = _writer_access
        model = cast(type[OwnedModel], self.model)
        if (
            actor_id is None
            or access is None
            or not access.policy(
                cast("AbstractBaseUser", actor), cast("AbstractBaseUser", subject), model
            )
        ):
            raise WriteRefused(f"No right to change these {model._meta.verbose_name_plural}.")
        access.audit(
            ChangeRecord(
                actor_id=actor_id,
                subject_id=subject_id,
                model=model._meta.label,
                change=change,
                at=timezone.now(),
                origin=origin,
            )
        )
        return self._scoped_to(subject_id)


class OwnedModel(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = OwnedManager()

    class Meta:
        abstract = True

    # Django checks uniqueness with the default manager, across every stored row, as the
    # database's constraints do; that comparison is the system's, not a read of anyone's data.
    def validate_unique(self, exclude: Any = None) -> None:
        with system_access("a uniqueness check compares this row with the stored ones"):
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        with system_access("a constraint check compares this row with the stored ones"):
            super().validate_constraints(exclude=exclude)


M = TypeVar("M", bound=OwnedModel)


def get_owned_or_404(model: type[M], user: AnyUser, **lookup: Any) -> M:
    """Fetch one of the user's own records, or 404 — the same answer whether it is someone
    else's or does not exist, so ids reveal nothing."""
    try:
        found = cast(M, model.objects.for_user(user).get(**lookup))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No such {model._meta.verbose_name}.") from exc
    return found


def get_read_or_404(model: type[M], actor: AnyUser, subject: AnyUser, **lookup: Any) -> M:
    """One of ``subject``'s records as ``actor`` reads it (``for_reader``), or 404 alike for
    someone else's record and a missing one; ``ReadRefused`` when ``actor`` may not read
    ``subject``'s records at all."""
    try:
        found = cast(M, model.objects.for_reader(actor, subject).get(**lookup))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No such {model._meta.verbose_name}.") from exc
    return found
