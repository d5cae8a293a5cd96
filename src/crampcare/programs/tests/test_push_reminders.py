"""Bedtime reminders by Web Push, sent to a real push service on 127.0.0.1 (testing/push_service)
that checks the VAPID signature and decrypts each message with the browser's keys."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from crampcare.accounts import push
from crampcare.accounts.models import PushSubscription, User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.programs import hold, reminders, services, sessions
from crampcare.programs.models import Channel, Program, ReminderSent
from crampcare.programs.tests.builders import make_program
from crampcare.testing.builders import every_row
from crampcare.testing.push_service import Browser, PushService, push_service, vapid_claims

pytestmark = pytest.mark.django_db

# Bedtime 22:30 in London (BST, UTC+1), reminder 15 minutes before: 22:15 to 22:30 local.
IN_WINDOW = datetime(2025, 6, 10, 21, 20, tzinfo=UTC)  # 22:20 London


@pytest.fixture
def service(settings: Any) -> Iterator[PushService]:
    settings.CRAMPCARE_PUSH_ALLOW_LOCAL = True
    settings.CRAMPCARE_VAPID_SUBJECT = "mailto:admin@cramps.example.org"
    with push_service() as running:
        yield running


def _phone(user: User, service: PushService, name: str = "phone") -> Browser:
    browser = Browser()
    info = browser.subscription(service.endpoint(f"{name}-{user.pk}"))
    push.subscribe(
        user,
        push.NewSubscription(info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"]),
    )
    return browser


def _with_program(user: User, **preferences: Any) -> Program:
    return make_program(user, **preferences)


def test_the_push_service_receives_and_decrypts_a_reminder(
    service: PushService, user: User
) -> None:
    _with_program(user)
    browser = _phone(user, service)
    before = int(time.time())

    assert reminders.send_due_reminders(IN_WINDOW) == 1

    [request] = service.received
    assert request.path == f"/push/phone-{user.pk}"
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(push.TTL_SECONDS)
    assert headers["urgency"] == "normal"
    # The VAPID header: signed by this server's key, for this push service, not expired.
    claims, key = vapid_claims(headers["authorization"])
    assert key == push.public_key()
    endpoint = urlsplit(service.endpoint("x"))
    assert claims["aud"] == f"{endpoint.scheme}://{endpoint.netloc}"
    assert claims["sub"] == "mailto:admin@cramps.example.org"
    assert before < claims["exp"] <= before + 24 * 3600
    # The body opens only with the browser's private key and secret.
    assert browser.decrypt(request.body) == {
        "title": "Time for tonight’s stretches",
        "body": "A few minutes before you sleep. Tap to start.",
        "url": "/program/session/",
        "tag": "crampcare-bedtime-2025-06-10",
    }
    sent = ReminderSent.objects.for_user(user).get()
    assert (sent.channel, sent.night.isoformat()) == (Channel.PUSH, "2025-06-10")
    assert PushSubscription.objects.for_user(user).get().last_success_at is not None


def test_another_browser_cannot_read_the_reminder(service: PushService, user: User) -> None:
    _with_program(user)
    _phone(user, service)

    reminders.send_due_reminders(IN_WINDOW)

    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure: the tag does not match
        Browser().decrypt(service.received[0].body)


def test_it_says_nothing_about_health_on_the_lock_screen(service: PushService, user: User) -> None:
    _with_program(user, pregnant=True, pregnancy_weeks=32, age=34)
    browser = _phone(user, service)

    reminders.send_due_reminders(IN_WINDOW)

    message = browser.decrypt(service.received[0].body)
    words = f"{message['title']} {message['body']}".lower()
    for private in ("cramp", "pregnan", "pain", "week", user.display_name.lower()):
        assert private not in words


def test_it_reaches_every_browser_of_the_person_once_a_night(
    service: PushService, user: User, other_user: User
) -> None:
    _with_program(user)
    _with_program(other_user, bedtime=clock_time(23, 30))  # not due until 23:15 local
    phone, laptop = _phone(user, service, "phone"), _phone(user, service, "laptop")
    _phone(other_user, service)

    first = reminders.send_due_reminders(IN_WINDOW)
    second = reminders.send_due_reminders(IN_WINDOW + timedelta(minutes=5))

    assert (first, second) == (1, 0)
    bodies = {request.path: request.body for request in service.received}
    assert sorted(bodies) == [f"/push/laptop-{user.pk}", f"/push/phone-{user.pk}"]
    # Each browser gets its own encryption of the message.
    assert phone.decrypt(bodies[f"/push/phone-{user.pk}"])["url"] == "/program/session/"
    assert laptop.decrypt(bodies[f"/push/laptop-{user.pk}"])["url"] == "/program/session/"


def test_it_runs_as_the_send_reminders_command(
    service: PushService, user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_program(user)
    _phone(user, service)

    with time_machine.travel(IN_WINDOW, tick=False):
        call_command("send_reminders")
        call_command("send_reminders")

    assert capsys.readouterr().out.splitlines() == ["Sent 1 reminder.", "Sent 0 reminders."]
    assert len(service.received) == 1


def test_email_and_push_are_claimed_apart(
    service: PushService, user: User, mailoutbox: list[Any]
) -> None:
    _with_program(user)
    services.change_reminder(user, email=True)
    _phone(user, service)

    assert reminders.send_due_reminders(IN_WINDOW) == 2
    assert reminders.send_due_reminders(IN_WINDOW) == 0

    assert len(mailoutbox) == 1
    assert len(service.received) == 1
    channels = ReminderSent.objects.for_user(user).values_list("channel", flat=True)
    assert sorted(channels) == [Channel.EMAIL, Channel.PUSH]


def test_it_sends_no_push_in_quiet_hours_even_at_bedtime(service: PushService, user: User) -> None:
    _with_program(user)
    services.change_quiet_hours(user, clock_time(22, 0), clock_time(7, 0))
    _phone(user, service)

    assert reminders.send_due_reminders(IN_WINDOW) == 0
    assert service.received == []
    assert not ReminderSent.objects.for_user(user).exists()

    # Quiet hours that end before the reminder let it through.
    services.change_quiet_hours(user, clock_time(13, 0), clock_time(22, 20))
    assert reminders.send_due_reminders(IN_WINDOW) == 1


@pytest.mark.parametrize(
    ("start", "end", "at", "quiet"),
    [
        (clock_time(22, 0), clock_time(7, 0), clock_time(22, 0), True),
        (clock_time(22, 0), clock_time(7, 0), clock_time(3, 0), True),
        (clock_time(22, 0), clock_time(7, 0), clock_time(7, 0), False),
        (clock_time(22, 0), clock_time(7, 0), clock_time(21, 59), False),
        (clock_time(13, 0), clock_time(15, 0), clock_time(14, 0), True),
        (clock_time(13, 0), clock_time(15, 0), clock_time(22, 0), False),
        (None, None, clock_time(3, 0), False),
    ],
)
def test_quiet_hours_wrap_past_midnight(
    start: clock_time | None, end: clock_time | None, at: clock_time, quiet: bool
) -> None:
    program = Program(push_quiet_start=start, push_quiet_end=end)
    assert reminders.in_quiet_hours(program, at) is quiet


def test_it_sends_no_push_while_the_program_is_held(service: PushService, user: User) -> None:
    with time_machine.travel(IN_WINDOW - timedelta(hours=2), tick=False) as clock:
        _with_program(user)
        _phone(user, service)
        payload = answers("leg_pain_at_rest").model_dump(mode="json")
        assessment_services.save_assessment(user, payload)
        assert hold.hold_for(user, user) is not None

        assert reminders.send_due_reminders(IN_WINDOW) == 0
        assert service.received == []

        clock.shift(timedelta(minutes=10))
        hold.record_clearance(user, IN_WINDOW.date())
        assert reminders.send_due_reminders(IN_WINDOW) == 1


def test_it_sends_nothing_once_tonights_session_is_done_or_paused(
    service: PushService, user: User
) -> None:
    _with_program(user)
    _phone(user, service)
    sessions.finish_session(user, difficulty=3, pain=0, now=IN_WINDOW - timedelta(minutes=30))
    assert reminders.send_due_reminders(IN_WINDOW) == 0

    services.pause(user, now=IN_WINDOW)
    assert reminders.send_due_reminders(IN_WINDOW + timedelta(days=1)) == 0
    assert service.received == []


def test_a_gone_subscription_is_deleted_at_once(service: PushService, user: User) -> None:
    _with_program(user)
    _phone(user, service)
    service.status = 410

    assert reminders.send_due_reminders(IN_WINDOW) == 0

    assert not every_row(PushSubscription).filter(owner=user).exists()
    # Nothing arrived: the night is not claimed.
    assert not ReminderSent.objects.for_user(user).exists()


def test_a_failure_gives_the_night_back_for_the_next_run(service: PushService, user: User) -> None:
    _with_program(user)
    browser = _phone(user, service)
    service.status = 500

    assert reminders.send_due_reminders(IN_WINDOW) == 0
    assert not ReminderSent.objects.for_user(user).exists()
    assert PushSubscription.objects.for_user(user).get().failures == 1

    service.status = 201
    assert reminders.send_due_reminders(IN_WINDOW + timedelta(minutes=2)) == 1
    assert browser.decrypt(service.received[-1].body)["url"] == "/program/session/"
    assert PushSubscription.objects.for_user(user).get().failures == 0


def test_an_unreachable_push_service_counts_as_a_failure(settings: Any, user: User) -> None:
    settings.CRAMPCARE_PUSH_ALLOW_LOCAL = True
    _with_program(user)
    with push_service() as stopped:
        port = stopped.port
    info = Browser().subscription(f"http://127.0.0.1:{port}/push/nobody")
    push.subscribe(
        user, push.NewSubscription(info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"])
    )

    assert reminders.send_due_reminders(IN_WINDOW) == 0
    assert not ReminderSent.objects.for_user(user).exists()


def test_too_many_failures_drop_the_subscription(service: PushService, user: User) -> None:
    _with_program(user)
    _phone(user, service)
    service.status = 503

    for minute in range(push.MAX_FAILURES):
        reminders.send_due_reminders(IN_WINDOW + timedelta(minutes=minute))

    assert not every_row(PushSubscription).filter(owner=user).exists()


def test_removing_the_device_stops_reminders_at_once(
    service: PushService, user: User, owner_client: Client
) -> None:
    _with_program(user)
    _phone(user, service)
    device = PushSubscription.objects.for_user(user).get()

    response = owner_client.delete(f"/api/v1/push/subscriptions/{device.pk}")

    assert response.status_code == 204
    assert reminders.send_due_reminders(IN_WINDOW) == 0
    assert service.received == []


def test_a_browser_subscribed_by_someone_else_later_reminds_only_them(
    service: PushService, user: User, other_user: User
) -> None:
    _with_program(user)
    _with_program(other_user)
    browser = _phone(user, service)
    info = browser.subscription(service.endpoint(f"phone-{user.pk}"))
    push.subscribe(
        other_user,
        push.NewSubscription(info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"]),
    )

    assert reminders.send_due_reminders(IN_WINDOW) == 1

    assert len(service.received) == 1
    assert not PushSubscription.objects.for_user(user).exists()
    assert ReminderSent.objects.for_user(other_user).get().channel == Channel.PUSH
