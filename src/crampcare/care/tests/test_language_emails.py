"""The care team's emails are written in the recipient's language (issue 14): the worker sends
them outside anyone's request, so the language is the one saved on the recipient's account."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from crampcare.care import messaging, services
from crampcare.care.tests.conftest import Team, bring_in
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """``with committed():`` runs what is queued for the commit (the emails) as it would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def rendered_in(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(template, language active while it was rendered) for every email template rendered."""
    seen: list[tuple[str, str]] = []

    def spy(module: Any) -> None:
        real = module.render_to_string

        def render(name: str, *args: Any, **kwargs: Any) -> str:
            seen.append((name, translation.get_language()))
            return real(name, *args, **kwargs)

        monkeypatch.setattr(module, "render_to_string", render)

    spy(services)
    spy(messaging)
    return seen


def _languages(seen: list[tuple[str, str]], prefix: str) -> set[str]:
    return {language for name, language in seen if name.startswith(prefix)}


def test_an_invitation_is_in_the_language_of_the_invited_persons_account(
    team: Team, rendered_in: list[tuple[str, str]], committed: Any
) -> None:
    make_user("nuria@example.org", language="es")
    with committed():
        services.invite(team.clinician, "nuria@example.org")
    assert _languages(rendered_in, "care/email/invitation") == {"es"}
    assert mail.outbox[-1].to == ["nuria@example.org"]


def test_an_invitation_to_someone_without_an_account_is_in_the_clinicians_language(
    team: Team, rendered_in: list[tuple[str, str]], committed: Any
) -> None:
    team.clinician.language = "es"
    team.clinician.save()
    with committed():
        services.invite(team.clinician, "new@example.org")
    assert _languages(rendered_in, "care/email/invitation") == {"es"}


def test_without_a_saved_language_an_invitation_is_in_english(
    team: Team, rendered_in: list[tuple[str, str]], committed: Any
) -> None:
    with translation.override("es"), committed():  # whatever the sender's page was in
        services.invite(team.clinician, "new@example.org")
    assert _languages(rendered_in, "care/email/invitation") == {"en"}
    assert "invited you" in mail.outbox[-1].body


def test_a_new_message_email_is_in_the_recipients_language(
    team: Team, rendered_in: list[tuple[str, str]], committed: Any
) -> None:
    team.person.language = "es"
    team.person.save()
    with committed():
        thread = messaging.start_thread(
            team.person, team.relationship.pk, "About my calf", "Still cramping at night."
        )
    # Tess (English) hears of Olive's message in English; Olive of Tess's reply in Spanish.
    assert _languages(rendered_in, "care/email/new_message") == {"en"}
    rendered_in.clear()
    with committed():
        messaging.reply(team.clinician, thread.pk, "Let us look at it on Monday.")
    assert _languages(rendered_in, "care/email/new_message") == {"es"}


def test_the_invitation_reads_in_spanish(team: Team, committed: Any) -> None:
    make_user("nuria@example.org", language="es")
    with committed():
        services.invite(team.clinician, "nuria@example.org")
    body = mail.outbox[-1].body
    assert "invited you" not in body
    assert "crampcare" in body


def test_bring_in_still_works_in_english(team: Team) -> None:
    other = make_user("pat@example.org")
    relationship = bring_in(team.clinician, other)
    assert relationship.person == other
