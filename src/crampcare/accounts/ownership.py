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
  such read is refused.
- ``system_access(reason)``: the named escape for jobs that act for everyone or for nobody in
  particular (reminders, weekly steps, erasure, secret-link lookups, commands). The reason says
  why, in a sentence.

A row is still created with ``Model.objects.create(owner=...)`` anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone
from django_scopes import ScopedManager, ScopeError, scopes_disabled
from django_scopes.manager import DisabledQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

__all__ = [
    "OwnedModel",
    "ReadRecord",
    "ReadRefused",
    "ReaderAccess",
    "ScopeError",
    "get_owned_or_404",
    "get_read_or_404",
    "register_reader_access",
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


class ReadRows(Protocol):
    def __call__(
        self,
        actor: AbstractBaseUser,
        subject: AbstractBaseUser,
        model: type[OwnedModel],
        rows: OwnedQuerySet,
    ) -> OwnedQuerySet: ...


@dataclass(frozen=True)
class ReaderAccess:
    """Who may read whose records, and where each granted read is recorded. The two come
    together, so a grant can never skip its audit record.

    ``rows``, when given, narrows a granted read to some of the subject's rows (the care
    access lets a clinician read only the messages of their own care relationship, not the
    person's threads with someone else); without it a grant opens all of the subject's rows of
    that model."""

    policy: AccessPolicy
    audit: ReadAudit
    rows: ReadRows | None = None


_reader_access: ReaderAccess | None = None


def register_reader_access(access: ReaderAccess | None) -> ReaderAccess | None:
    """Install the reader access (the care app does, at start); returns the one it replaces."""
    global _reader_access
    previous, _reader_access = _reader_access, access
    return previous


class ReadRefused(PermissionDenied):
    """Someone asked to read another person's records and was not allowed to."""


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

    def _scoped_to(self, person: int) -> OwnedQuerySet:
        return cast(OwnedQuerySet, self.with_scope(**{OWNER: person}).get_queryset())  # type: ignore[attr-defined]

    def for_user(self, user: AnyUser) -> OwnedQuerySet:
        """Only the rows this user owns; nothing at all for an anonymous visitor."""
        person = _person_id(user)
        if person is None:
            return cast(OwnedQuerySet, self.with_scopes_disabled().none())  # type: ignore[attr-defined]
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
