"""Deleting an account erases every personal record of that person and nobody else's.

The models are found, not listed: every subclass of ``OwnedModel`` any app defines, so a model
added later is covered (and must be filled by ``fill_everything``, or the first test says so).
"""

from __future__ import annotations

import pytest
from django.apps import apps

from crampcare.accounts.models import User
from crampcare.accounts.ownership import OwnedModel
from crampcare.accounts.services import delete_account
from crampcare.portability.tests.everything import fill_everything
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db


def _owned_models() -> list[type[OwnedModel]]:
    return [model for model in apps.get_models() if issubclass(model, OwnedModel)]


def _rows_of(owner_id: int) -> dict[str, int]:
    # Counted without the ownership chokepoint on purpose: nothing of theirs may remain anywhere.
    return {
        model._meta.label: every_row(model).filter(owner_id=owner_id).count()
        for model in _owned_models()
    }


def test_it_finds_the_personal_models_of_every_app() -> None:
    labels = {model._meta.label for model in _owned_models()}
    assert {
        "diary.CrampEpisode",
        "diary.NightCheckin",
        "diary.DailyFactors",
        "diary.HealthDay",
        "assessment.Assessment",
        "programs.Program",
        "programs.ProgramChange",
        "programs.Session",
        "programs.ReminderSent",
        "insights.SelfTest",
        "accounts.AccessToken",
        "accounts.PushSubscription",
    } <= labels


def test_it_erases_every_personal_record_and_nobody_elses(user: User, other_user: User) -> None:
    fill_everything(user)
    fill_everything(other_user)
    theirs, others = _rows_of(user.pk), _rows_of(other_user.pk)
    empty = sorted(label for label, count in theirs.items() if not count)
    assert not empty, f"fill_everything makes no rows of {empty}: add them so erasure is tested"
    assert others == theirs

    delete_account(user)

    assert set(_rows_of(user.pk).values()) == {0}
    assert _rows_of(other_user.pk) == others
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=other_user.pk).exists()
