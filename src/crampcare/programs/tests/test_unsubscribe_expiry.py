"""Issue 11.5: an unsubscribe link stops working after a while (each email brings a new one)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.programs import reminders
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db


def test_it_refuses_an_unsubscribe_link_once_it_is_too_old(client: Client, user: User) -> None:
    from crampcare.programs import services
    from crampcare.programs.models import Program

    make_program(user)
    program = services.change_reminder(user, minutes_before=20, email=True)
    with time_machine.travel("2026-01-01 20:00:00+00:00", tick=False) as clock:
        token = reminders.unsubscribe_token(program)
        assert client.get(f"/program/unsubscribe/{token}/").status_code == 200
        clock.shift(reminders.UNSUBSCRIBE_MAX_AGE + timedelta(seconds=1))
        response = client.post(f"/program/unsubscribe/{token}/")
    assert response.status_code == 404
    assert Program.objects.for_user(user).get().email_reminders  # still on
