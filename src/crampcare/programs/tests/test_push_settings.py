"""The plan page's "Reminders on this phone": quiet hours in the settings form, the person's
devices with a "Remove" form that works without JavaScript, and the server's key for the script."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crampcare.accounts import push
from crampcare.accounts.models import PushSubscription, User
from crampcare.programs.models import Program
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

SETTINGS = {"bedtime": "22:30", "reminder_minutes_before": "15"}


@pytest.fixture
def program(user: User) -> Program:
    return make_program(user)


def _device(user: User, name: str = "phone", label: str = "Chrome on Android") -> PushSubscription:
    return PushSubscription.objects.create(
        owner=user,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{name}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        label=label,
    )


def _section(page: str) -> str:
    return page.split('id="push-title"')[1].split("</section>")[0]


def test_it_lists_the_persons_devices_with_a_remove_form_each(
    owner_client: Client, user: User, program: Program
) -> None:
    phone = _device(user)
    _device(user, "laptop", "Firefox on Linux")

    page = owner_client.get("/program/plan/").content.decode()

    section = _section(page)
    assert "Reminders on this phone" in section
    assert "Chrome on Android" in section
    assert "Firefox on Linux" in section
    assert f'action="/program/plan/devices/{phone.pk}/remove/"' in section
    assert "no reminder yet" in section
    assert "None yet." in section  # there, but hidden
    assert "data-push-none hidden" in section
    assert f'data-key="{push.public_key()}"' in page
    assert "crampcare/push.js" in page


def test_it_says_none_yet_without_devices(owner_client: Client, program: Program) -> None:
    section = _section(owner_client.get("/program/plan/").content.decode())
    assert '<p class="muted" data-push-none>' in section
    assert "<li" not in section


def test_the_page_reads_the_devices_in_one_query(
    owner_client: Client, user: User, program: Program
) -> None:
    owner_client.get("/program/plan/")
    for n in range(3):
        _device(user, f"device-{n}")
    with CaptureQueriesContext(connection) as few:
        owner_client.get("/program/plan/")
    for n in range(3, 8):
        _device(user, f"device-{n}")
    with CaptureQueriesContext(connection) as many:
        owner_client.get("/program/plan/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_removing_a_device_from_the_page_says_so(
    owner_client: Client, user: User, program: Program
) -> None:
    phone = _device(user)

    response = owner_client.post(f"/program/plan/devices/{phone.pk}/remove/", follow=True)

    assert response.redirect_chain[-1][0] == "/program/plan/#push-title"
    assert "That device gets no more reminders." in response.content.decode()
    assert not PushSubscription.objects.for_user(user).exists()


def test_it_saves_quiet_hours_with_the_settings(
    owner_client: Client, user: User, program: Program
) -> None:
    response = owner_client.post(
        "/program/plan/settings/",
        {**SETTINGS, "push_quiet_start": "21:00", "push_quiet_end": "07:30"},
    )

    assert response.status_code == 302
    program = Program.objects.for_user(user).get()
    assert (program.push_quiet_start, program.push_quiet_end) == (time(21), time(7, 30))
    page = owner_client.get("/program/plan/").content.decode()
    assert 'value="21:00"' in page
    assert "not even at your bedtime" in page

    owner_client.post(
        "/program/plan/settings/", {**SETTINGS, "push_quiet_start": "", "push_quiet_end": ""}
    )
    program = Program.objects.for_user(user).get()
    assert (program.push_quiet_start, program.push_quiet_end) == (None, None)


@pytest.mark.parametrize(
    ("quiet", "field", "message"),
    [
        ({"push_quiet_start": "22:00"}, "push_quiet_end", "Give both times"),
        ({"push_quiet_end": "07:00"}, "push_quiet_start", "Give both times"),
        ({"push_quiet_start": "22:00", "push_quiet_end": "22:00"}, "push_quiet_end", "other than"),
        (
            {"push_quiet_start": "25:00", "push_quiet_end": "07:00"},
            "push_quiet_start",
            "valid time",
        ),
    ],
)
def test_it_explains_bad_quiet_hours_and_changes_nothing(
    owner_client: Client,
    user: User,
    program: Program,
    quiet: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = owner_client.post(
        "/program/plan/settings/", {**SETTINGS, "bedtime": "23:00", **quiet}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page.split(f'id="id_{field}_error"')[1][:300]
    stored = Program.objects.for_user(user).get()
    assert (stored.push_quiet_start, stored.push_quiet_end) == (None, None)
    assert stored.bedtime == program.bedtime


def _patch(client: Client, body: dict[str, Any]) -> Any:
    return client.patch("/api/v1/program", body, content_type="application/json")


def test_the_api_sets_and_clears_quiet_hours(
    owner_client: Client, user: User, program: Program
) -> None:
    assert owner_client.get("/api/v1/program").json()["quiet_hours"] is None

    answer = _patch(owner_client, {"quiet_hours": {"start": "22:00", "end": "07:00"}})

    assert answer.status_code == 200
    assert answer.json()["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    # Left out: kept as they are.
    assert _patch(owner_client, {"bedtime": "23:00"}).json()["quiet_hours"] == {
        "start": "22:00",
        "end": "07:00",
    }
    cleared = _patch(owner_client, {"quiet_hours": None})
    assert cleared.json()["quiet_hours"] is None
    stored = Program.objects.for_user(user).get()
    assert (stored.push_quiet_start, stored.push_quiet_end) == (None, None)


@pytest.mark.parametrize(
    ("quiet", "field"),
    [
        ({"start": "22:00", "end": "22:00"}, "quiet_hours"),
        ({"start": "22:00"}, "quiet_hours.end"),
        ({"start": "25:00", "end": "07:00"}, "quiet_hours.start"),
        ({"start": "22:00", "end": "07:00", "days": 5}, "quiet_hours.days"),
    ],
)
def test_the_api_names_bad_quiet_hours_and_changes_nothing(
    owner_client: Client, user: User, program: Program, quiet: dict[str, Any], field: str
) -> None:
    answer = _patch(owner_client, {"bedtime": "23:30", "quiet_hours": quiet})

    assert answer.status_code == 422
    assert field in {error["field"] for error in answer.json()["errors"]}
    stored = Program.objects.for_user(user).get()
    assert (stored.push_quiet_start, stored.bedtime) == (None, program.bedtime)
