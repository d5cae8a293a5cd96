"""Bedtime reminders in the person's language (issue 14): the worker sends them outside anyone's
request, so they are written in the language saved on the person's account."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.programs import reminders, services
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

# Bedtime 22:30 in London (BST), reminder 15 minutes before.
IN_WINDOW = datetime(2025, 6, 10, 21, 20, tzinfo=UTC)


@pytest.fixture
def languages_used(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The language active each time the reminders render a template or translate a text."""
    seen: list[str] = []
    real_render, real_gettext = reminders.render_to_string, reminders._

    def render(*args: Any, **kwargs: Any) -> str:
        seen.append(translation.get_language())
        return real_render(*args, **kwargs)

    def gettext(message: str) -> str:
        seen.append(translation.get_language())
        return real_gettext(message)

    monkeypatch.setattr(reminders, "render_to_string", render)
    monkeypatch.setattr(reminders, "_", gettext)
    return seen


def _due(user: User) -> reminders.Due:
    make_program(user)
    services.change_reminder(user, email=True)
    [due] = reminders.due_reminders(IN_WINDOW)
    return due


def test_the_email_is_written_in_the_persons_language(
    user: User, languages_used: list[str]
) -> None:
    _due(user)
    accounts.update_language(user, "es")
    reminders.send_due_emails(IN_WINDOW)
    assert len(mail.outbox) == 1
    assert set(languages_used) == {"es"}


def test_the_notification_is_written_in_the_persons_language(
    user: User, languages_used: list[str]
) -> None:
    due = _due(user)
    accounts.update_language(user, "es")
    due.owner.refresh_from_db()
    reminders.push_message(due)
    assert set(languages_used) == {"es"}


def test_without_a_saved_language_the_email_is_in_english(
    user: User, languages_used: list[str]
) -> None:
    _due(user)
    with translation.override("es"):  # whatever the worker's thread happened to have
        reminders.send_due_emails(IN_WINDOW)
    assert set(languages_used) == {"en"}
    assert mail.outbox[0].subject == "Your bedtime stretches at 22:30"


def test_the_email_reads_in_spanish(user: User) -> None:
    _due(user)
    accounts.update_language(user, "es")
    reminders.send_due_emails(IN_WINDOW)
    subject = mail.outbox[0].subject
    assert "22:30" in subject
    assert "bedtime" not in subject
