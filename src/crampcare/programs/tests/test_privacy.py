"""Owner / stranger / anonymous checks for the program's routes.

The two routes with a path parameter take a secret instead of a sign-in: the calendar feed (a
random token stored as a digest) and the unsubscribe link (a signed token). For them, "owner"
means the holder of the right secret, "stranger" someone holding their own or a guessed one.
Every other route is scoped to the signed-in person by the chokepoint; their checks follow.
"""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client

from crampcare.accounts.models import PushSubscription, User
from crampcare.programs import calendar, reminders, services
from crampcare.programs.models import Program, ProgramChange, Session
from crampcare.programs.tests.builders import make_program

OWNER_SCOPED_ROUTES = {
    "programs:calendar",
    "programs:unsubscribe",
    "programs:remove_device",
}
PUBLIC_ROUTES: set[str] = set()

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners_program(user: User) -> Program:
    make_program(user)
    return services.change_reminder(user, minutes_before=20, email=True)


@pytest.fixture
def strangers_program(other_user: User) -> Program:
    return make_program(other_user)


def test_it_opens_the_calendar_only_with_its_own_secret(
    client: Client,
    stranger_client: Client,
    user: User,
    other_user: User,
    owners_program: Program,
    strangers_program: Program,
) -> None:
    owner_secret = calendar.new_calendar_token(user)
    stranger_secret = calendar.new_calendar_token(other_user)

    # The holder of the secret gets the feed, signed in or not (calendar apps never sign in).
    feed = client.get(f"/program/calendar/{owner_secret}.ics").content.decode()
    assert f"program-{owners_program.pk}@" in feed
    # A stranger's own secret opens only the stranger's calendar.
    theirs = stranger_client.get(f"/program/calendar/{stranger_secret}.ics").content.decode()
    assert f"program-{owners_program.pk}@" not in theirs
    assert f"program-{strangers_program.pk}@" in theirs
    # A guessed secret, or the owner's id in place of a secret, is not found.
    for guess in ("cal_" + "A" * 43, str(owners_program.pk), owner_secret[:-1]):
        assert stranger_client.get(f"/program/calendar/{guess}.ics").status_code == 404
        assert client.get(f"/program/calendar/{guess}.ics").status_code == 404


def test_it_unsubscribes_only_the_program_the_link_was_signed_for(
    client: Client,
    stranger_client: Client,
    user: User,
    other_user: User,
    owners_program: Program,
    strangers_program: Program,
) -> None:
    services.change_reminder(other_user, email=True)
    strangers_token = reminders.unsubscribe_token(strangers_program)
    # Someone who swaps the program id in their own link gets a broken signature.
    forged = f"{owners_program.pk}:{strangers_token.split(':', 1)[1]}"

    assert stranger_client.post(f"/program/unsubscribe/{forged}/").status_code == 404
    assert client.get(f"/program/unsubscribe/{forged}/").status_code == 404
    assert Program.objects.for_user(user).get().email_reminders
    # The stranger's own link changes only the stranger's program.
    assert stranger_client.post(f"/program/unsubscribe/{strangers_token}/").status_code == 200
    assert Program.objects.for_user(user).get().email_reminders
    assert not Program.objects.for_user(other_user).get().email_reminders
    # The owner's link works without signing in: that is what an email link is for.
    owners_token = reminders.unsubscribe_token(owners_program)
    assert client.post(f"/program/unsubscribe/{owners_token}/").status_code == 200
    assert not Program.objects.for_user(user).get().email_reminders


def test_it_shows_each_person_only_their_own_program(
    owner_client: Client,
    stranger_client: Client,
    user: User,
    owners_program: Program,
    strangers_program: Program,
) -> None:
    services.swap_exercise(user, "calf", "calf-stretch-seated")
    services.change_bedtime(user, time(21, 5))
    mine = owner_client.get("/program/plan/").content.decode()
    assert 'href="/exercises/calf-stretch-seated/"' in mine
    assert "21:05" in mine

    for path in ("/program/", "/program/plan/", "/program/history/", "/program/session/"):
        page = stranger_client.get(path).content.decode()
        assert "21:05" not in page, path
        assert 'href="/exercises/calf-stretch-seated/"' not in page, path
    api = stranger_client.get("/api/v1/program").json()
    assert api["bedtime"] == "22:30"
    assert "calf-stretch-seated" not in {item["exercise_id"] for item in api["items"]}
    history = stranger_client.get("/api/v1/program/history").json()
    assert [change["kind"] for change in history] == ["created"]


def test_it_lets_a_stranger_change_only_their_own_program(
    stranger_client: Client, user: User, owners_program: Program, strangers_program: Program
) -> None:
    before = Program.objects.for_user(user).get().plan
    changes = ProgramChange.objects.for_user(user).count()

    stranger_client.post(
        "/program/plan/swap/", {"slot": "calf", "exercise_id": "calf-stretch-step"}
    )
    stranger_client.post("/program/plan/pause/")
    stranger_client.patch("/api/v1/program", {"bedtime": "20:00"}, content_type="application/json")
    stranger_client.post(
        "/api/v1/program/session/finish",
        {"difficulty": 1, "pain": 0},
        content_type="application/json",
    )

    mine = Program.objects.for_user(user).get()
    assert mine.plan == before
    assert not mine.paused
    assert ProgramChange.objects.for_user(user).count() == changes
    assert not Session.objects.for_user(user).exists()


def test_it_asks_anonymous_visitors_to_sign_in(client: Client, owners_program: Program) -> None:
    for path in ("/program/", "/program/plan/", "/program/history/", "/program/session/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    for method, path in (
        ("post", "/program/plan/swap/"),
        ("post", "/program/plan/pause/"),
        ("post", "/program/session/finish/"),
        ("post", "/program/plan/calendar/"),
    ):
        assert getattr(client, method)(path).status_code == 302
    for path in ("/api/v1/program", "/api/v1/program/adherence", "/api/v1/program/session"):
        assert client.get(path).status_code == 401
    assert not owners_program.paused


def test_nobody_else_removes_a_persons_reminder_device(
    teammate_client: Client, stranger_client: Client, owner_client: Client, user: User
) -> None:
    make_program(user)
    device = PushSubscription.objects.create(
        owner=user,
        endpoint="https://fcm.googleapis.com/fcm/send/privacy",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        label="Chrome on Android",
    )
    path = f"/program/plan/devices/{device.pk}/remove/"
    for other in (teammate_client, stranger_client):
        assert other.post(path).status_code == 404
    assert Client().post(path).status_code == 302  # to sign in
    assert PushSubscription.objects.for_user(user).exists()
    assert "Chrome on Android" not in stranger_client.get("/program/plan/").content.decode()

    assert owner_client.post(path).status_code == 302
    assert not PushSubscription.objects.for_user(user).exists()
