"""Audit records are append-only: nothing in the app changes or deletes one."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from crampcare.care.models import AppendOnly, AuditRecord
from crampcare.care.tests.conftest import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(team: Team) -> AuditRecord:
    found = AuditRecord.objects.for_user(team.person).first()
    assert found is not None
    return found


def test_it_refuses_to_save_a_stored_record(record: AuditRecord) -> None:
    record.actor_name = "Somebody else"
    with pytest.raises(AppendOnly):
        record.save()
    assert AuditRecord.objects.same_owner_as(record).get(pk=record.pk).actor_name == "Eli"


def test_it_refuses_to_delete_a_record(record: AuditRecord) -> None:
    with pytest.raises(AppendOnly):
        record.delete()
    assert AuditRecord.objects.same_owner_as(record).filter(pk=record.pk).exists()


def test_its_queries_refuse_to_update_or_delete(team: Team, record: AuditRecord) -> None:
    rows = AuditRecord.objects.for_user(team.person)
    with pytest.raises(AppendOnly):
        rows.update(what="nothing")
    with pytest.raises(AppendOnly):
        rows.filter(pk=record.pk).delete()
    assert rows.get(pk=record.pk).what == "diary.CrampEpisode"


def test_a_new_record_cannot_take_an_old_ones_place(team: Team, record: AuditRecord) -> None:
    forged = AuditRecord(
        pk=record.pk, owner=team.person, actor_name="Nobody", action="read", what="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AuditRecord.objects.for_user(team.person).get(pk=record.pk).actor_name == "Eli"


def test_no_admin_may_add_change_or_delete_one() -> None:
    assert AuditRecord._meta.default_permissions == ("view",)


def test_the_log_goes_with_the_persons_account(team: Team) -> None:
    from crampcare.accounts.services import delete_account
    from crampcare.testing.builders import every_row

    delete_account(team.person)
    assert not every_row(AuditRecord).filter(owner_id=team.cast.owner.pk).exists()
