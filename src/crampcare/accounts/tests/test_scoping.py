"""Every model with an owner refuses a query that names nobody, and opens only through its doors:
``for_user``, ``for_reader`` (with an audit record for anyone but the person) and the named
``system_access`` escape.

The models are found, not listed: every concrete subclass of ``OwnedModel``, so a model added
later is covered (and must be filled by ``fill_everything``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count

from crampcare.accounts.models import User
from crampcare.accounts.ownership import (
    OwnedModel,
    ReadRefused,
    ScopeError,
    system_access,
)
from crampcare.portability.tests.everything import fill_everything
from crampcare.testing.readers import Granting, granting

pytestmark = pytest.mark.django_db

OWNED = sorted(
    (model for model in apps.get_models() if issubclass(model, OwnedModel)),
    key=lambda model: model._meta.label,
)

UNSCOPED: dict[str, Callable[[type[OwnedModel]], Any]] = {
    "filter": lambda model: list(model.objects.filter(pk__gt=0)),
    "count": lambda model: model.objects.count(),
    "all": lambda model: list(model.objects.all()),
    "exists": lambda model: model.objects.exists(),
    "get": lambda model: model.objects.get(pk=1),
    "update": lambda model: model.objects.update(owner_id=1),
    "delete": lambda model: model.objects.all().delete(),
    "values": lambda model: list(model.objects.values_list("pk", flat=True)),
    "exclude": lambda model: list(model.objects.exclude(pk=0)),
    "in_bulk": lambda model: model.objects.in_bulk([1]),
    "select_related": lambda model: list(model.objects.select_related("owner")),
    "select_for_update": lambda model: list(model.objects.select_for_update()),
    "aggregate": lambda model: model.objects.aggregate(n=Count("pk")),
}


# The cast (crampcare/testing/cast.py), each with a record in every owned model.


@pytest.fixture
def owner(owner: User) -> User:
    fill_everything(owner)
    return owner


@pytest.fixture
def stranger(stranger: User) -> User:
    fill_everything(stranger)
    return stranger


def test_it_finds_every_model_with_an_owner() -> None:
    labels = {model._meta.label for model in OWNED}
    assert {"diary.CrampEpisode", "programs.Session", "accounts.AccessToken"} <= labels
    assert len(labels) >= 11


@pytest.mark.parametrize("model", OWNED, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("query", sorted(UNSCOPED))
def test_every_owned_model_refuses_an_unscoped_query(
    owner: User, model: type[OwnedModel], query: str
) -> None:
    with pytest.raises(ScopeError):
        UNSCOPED[query](model)


@pytest.mark.parametrize("model", OWNED, ids=lambda model: model._meta.label)
def test_for_user_returns_only_the_owners_rows(
    owner: User, stranger: User, model: type[OwnedModel]
) -> None:
    mine = list(model.objects.for_user(owner))
    assert mine, f"fill_everything left {model._meta.label} empty"
    assert {row.owner_id for row in mine} == {owner.pk}
    assert not model.objects.for_user(AnonymousUser()).exists()


@pytest.mark.parametrize("model", OWNED, ids=lambda model: model._meta.label)
def test_system_access_lets_a_system_job_through(
    owner: User, stranger: User, model: type[OwnedModel]
) -> None:
    with system_access("the test reads everyone's rows as a system job would"):
        owners = set(model.objects.values_list("owner_id", flat=True))
    assert owners == {owner.pk, stranger.pk}
    with pytest.raises(ScopeError):
        model.objects.count()  # the escape ends with its block


def test_system_access_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"), system_access("  "):
        pass


@pytest.mark.parametrize("model", OWNED, ids=lambda model: model._meta.label)
def test_for_reader_is_for_user_when_people_read_their_own(
    owner: User, stranger: User, model: type[OwnedModel]
) -> None:
    rows = model.objects.for_reader(owner, owner)
    assert {row.pk for row in rows} == {row.pk for row in model.objects.for_user(owner)}


@pytest.mark.parametrize("model", OWNED, ids=lambda model: model._meta.label)
def test_for_reader_refuses_a_stranger_without_a_grant(
    owner: User, stranger: User, model: type[OwnedModel]
) -> None:
    with pytest.raises(ReadRefused):
        model.objects.for_reader(stranger, owner)
    with pytest.raises(PermissionDenied):
        model.objects.for_reader(AnonymousUser(), owner)


@pytest.fixture
def reader(owner: User, teammate: User) -> Iterator[tuple[User, Granting]]:
    """The teammate, granted to read the owner's records (and nobody else's) by a test policy."""
    with granting(teammate, owner) as grant:
        yield teammate, grant


@pytest.mark.parametrize("model", OWNED, ids=lambda model: model._meta.label)
def test_for_reader_with_a_grant_returns_the_subjects_rows_and_is_audited_once(
    owner: User,
    stranger: User,
    reader: tuple[User, Granting],
    model: type[OwnedModel],
) -> None:
    clinician, granting = reader
    rows = list(model.objects.for_reader(clinician, owner, origin="/care/"))
    assert {row.pk for row in rows} == {row.pk for row in model.objects.for_user(owner)}
    assert len(granting.records) == 1
    record = granting.records[0]
    assert (record.actor_id, record.subject_id, record.model, record.origin) == (
        clinician.pk,
        owner.pk,
        model._meta.label,
        "/care/",
    )
    # The same policy grants nothing else, and a refusal leaves no record.
    with pytest.raises(ReadRefused):
        model.objects.for_reader(clinician, stranger)
    with pytest.raises(ReadRefused):
        model.objects.for_reader(stranger, owner)
    assert len(granting.records) == 1


def test_people_read_their_own_without_an_audit_record(
    owner: User, reader: tuple[User, Granting]
) -> None:
    _, granting = reader
    for model in OWNED:
        list(model.objects.for_reader(owner, owner))
    assert granting.records == []
