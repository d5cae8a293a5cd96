"""Email reminders, sent to a real SMTP server on localhost (aiosmtpd) as in deployment."""

from __future__ import annotations

import email
import email.policy
import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client

from crampcare.accounts.models import User
from crampcare.programs import reminders, services, sessions
from crampcare.programs.models import Program, ReminderSent
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

# Bedtime 22:30 in London (BST in June, UTC+1), reminder 15 minutes before: 22:15 to 22:30 local,
# which is 21:15 to 21:30 UTC.
IN_WINDOW = datetime(2025, 6, 10, 21, 20, tzinfo=UTC)
BLOCKED = "blocked@example.org"


@dataclass
class Inbox:
    """What the SMTP server received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address == BLOCKED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://cramps.example.org"
    try:
        yield inbox
    finally:
        controller.stop()


def _subscribed(user: User, **preferences: Any) -> Program:
    make_program(user, **preferences)
    return services.change_reminder(user, email=True)


def _unsubscribe_path(message: EmailMessage) -> str:
    header = " ".join(str(message["List-Unsubscribe"]).split()).strip("<>")
    return header.removeprefix("https://cramps.example.org")


def test_it_sends_each_due_reminder_once_however_often_it_runs(
    smtp: Inbox, user: User, other_user: User
) -> None:
    _subscribed(user)
    _subscribed(other_user, bedtime=time(23, 30))  # not due until 23:15 local

    first = reminders.send_due_reminders(IN_WINDOW)
    second = reminders.send_due_reminders(IN_WINDOW + timedelta(minutes=5))

    assert (first, second) == (1, 0)
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["To"] == user.email
    assert ReminderSent.objects.for_user(user).get().night.isoformat() == "2025-06-10"
    # The other person's window opens an hour later; their reminder comes once too.
    later = IN_WINDOW + timedelta(hours=1)
    assert reminders.send_due_reminders(later) == 1
    assert reminders.send_due_reminders(later) == 0
    assert len(smtp.to(other_user.email)) == 1


def test_it_runs_as_the_send_reminders_command(
    smtp: Inbox, user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    _subscribed(user)

    with time_machine.travel(IN_WINDOW, tick=False):
        call_command("send_reminders")
        call_command("send_reminders")

    assert capsys.readouterr().out.splitlines() == ["Sent 1 reminder.", "Sent 0 reminders."]
    assert len(smtp.messages) == 1


def test_it_writes_a_plain_readable_email_with_a_one_click_unsubscribe(
    smtp: Inbox, user: User
) -> None:
    _subscribed(user)

    reminders.send_due_reminders(IN_WINDOW)

    [message] = smtp.messages
    assert message["Subject"] == "Your bedtime stretches at 22:30"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        str(message["List-Unsubscribe"]).strip().startswith("<https://cramps.example.org/program/")
    )
    plain_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert plain_part is not None
    assert html_part is not None
    text, html = plain_part.get_content(), html_part.get_content()
    assert "Hello Olive," in text
    assert "Wall calf stretch" in text
    assert "https://cramps.example.org/program/session/" in text
    assert _unsubscribe_path(message) in text
    assert _unsubscribe_path(message) in html
    assert "Wall calf stretch" in html


def test_it_unsubscribes_with_the_link_and_sends_no_more(
    smtp: Inbox, user: User, client: Client
) -> None:
    _subscribed(user)
    reminders.send_due_reminders(IN_WINDOW)
    path = _unsubscribe_path(smtp.messages[0])

    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Stop reminder emails?" in confirm.content.decode()
    # Looking at the page (or a mail scanner fetching the link) does not unsubscribe.
    assert Program.objects.for_user(user).get().email_reminders

    done = client.post(path)

    assert done.status_code == 200
    assert "No more reminder emails" in done.content.decode()
    assert not Program.objects.for_user(user).get().email_reminders
    assert reminders.send_due_reminders(IN_WINDOW + timedelta(days=1)) == 0
    assert len(smtp.messages) == 1


def test_it_accepts_the_mail_apps_one_click_post_without_a_csrf_token(
    smtp: Inbox, user: User
) -> None:
    _subscribed(user)
    reminders.send_due_reminders(IN_WINDOW)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        _unsubscribe_path(smtp.messages[0]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not Program.objects.for_user(user).get().email_reminders


def test_it_keeps_a_refused_reminder_for_the_next_run_and_sends_the_others(
    smtp: Inbox, user: User, other_user: User
) -> None:
    _subscribed(user)
    _subscribed(other_user)
    other_user.email = BLOCKED
    other_user.save()

    assert reminders.send_due_reminders(IN_WINDOW) == 1

    assert len(smtp.to(user.email)) == 1
    assert not ReminderSent.objects.for_user(other_user).exists()


def test_it_skips_paused_programs_and_nights_already_stretched(
    smtp: Inbox, user: User, other_user: User
) -> None:
    _subscribed(user)
    _subscribed(other_user)
    services.pause(user)
    sessions.finish_session(other_user, difficulty=2, pain=0, now=IN_WINDOW - timedelta(hours=1))

    assert reminders.send_due_reminders(IN_WINDOW) == 0
    assert smtp.messages == []


def test_it_sends_nothing_to_people_who_did_not_ask_for_email(smtp: Inbox, user: User) -> None:
    make_program(user)

    assert reminders.send_due_reminders(IN_WINDOW) == 0


@pytest.mark.parametrize(
    ("bedtime", "minutes", "now", "night"),
    [
        # [bedtime - offset, bedtime): opens at 22:15 local, closed at 22:30.
        (time(22, 30), 15, datetime(2025, 6, 10, 21, 15, tzinfo=UTC), "2025-06-10"),
        (time(22, 30), 15, datetime(2025, 6, 10, 21, 14, 59, tzinfo=UTC), None),
        (time(22, 30), 15, datetime(2025, 6, 10, 21, 30, tzinfo=UTC), None),
        # A bedtime after midnight belongs to the evening before, even when reminded before 0:00.
        (time(0, 30), 60, datetime(2025, 6, 10, 22, 45, tzinfo=UTC), "2025-06-10"),
        (time(0, 30), 60, datetime(2025, 6, 10, 23, 15, tzinfo=UTC), "2025-06-10"),
        # "At bedtime": a short window from bedtime, so a command run every few minutes sends it.
        (time(22, 30), 0, datetime(2025, 6, 10, 21, 33, tzinfo=UTC), "2025-06-10"),
        (time(22, 30), 0, datetime(2025, 6, 10, 21, 29, tzinfo=UTC), None),
        # The day the clocks go forward, 22:30 local is 21:30 UTC; the day before, 22:30 UTC.
        (time(22, 30), 15, datetime(2025, 3, 30, 21, 20, tzinfo=UTC), "2025-03-30"),
        (time(22, 30), 15, datetime(2025, 3, 29, 22, 20, tzinfo=UTC), "2025-03-29"),
        (time(22, 30), 15, datetime(2025, 3, 29, 21, 20, tzinfo=UTC), None),
    ],
)
def test_it_opens_the_window_at_the_persons_local_bedtime(
    user: User, bedtime: time, minutes: int, now: datetime, night: str | None
) -> None:
    program = make_program(user, bedtime=bedtime, reminder_minutes_before=minutes)

    due = reminders.due_night(program, user, now)

    assert (due.isoformat() if due else None) == night


def test_it_answers_404_to_a_forged_or_mangled_unsubscribe_link(client: Client, user: User) -> None:
    program = make_program(user)
    token = reminders.unsubscribe_token(program)

    forged = token.rsplit(":", 1)[0] + ":" + "x" * 20
    assert client.get(f"/program/unsubscribe/{forged}/").status_code == 404
    assert client.post(f"/program/unsubscribe/{token[:-2]}/").status_code == 404


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ],
)
def test_it_says_on_the_settings_form_when_email_is_not_set_up(
    owner_client: Client, user: User, settings: Any, backend: str
) -> None:
    make_program(user)
    settings.EMAIL_BACKEND = backend

    page = owner_client.get("/program/plan/").content.decode()

    assert not reminders.email_configured()
    assert "Email is not set up on this server, so no reminder emails can be sent." in page


def test_it_does_not_warn_when_email_is_set_up(
    owner_client: Client, user: User, settings: Any
) -> None:
    make_program(user)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    page = owner_client.get("/program/plan/").content.decode()

    assert reminders.email_configured()
    assert "Email is not set up" not in page
    assert "Every email has a one-click link to stop them." in page


def test_it_warns_from_the_command_when_email_is_not_set_up(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    errors = io.StringIO()

    call_command("send_reminders", stdout=io.StringIO(), stderr=errors)

    assert "reminders are not delivered to anyone" in errors.getvalue()
