"""The personal iCalendar feed: parses, recurs at the local bedtime across clock changes, updates
with the plan, and stops working when its secret is replaced or revoked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.test import Client

from crampcare.accounts.models import User
from crampcare.programs import calendar, services
from crampcare.programs.models import Program
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Before the March 2025 change (30 March) in the UK, so the feed spans both changes of the year.
WINTER = datetime(2025, 3, 20, 19, 0, tzinfo=UTC)


# icalendar's types are a wide union per property; the tests read them as they are.
def _feed(client: Client, secret: str) -> Any:
    response = client.get(f"/program/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(feed: Any, start: date, end: date) -> list[Any]:
    return list(recurring_ical_events.of(feed).between(start, end))


@pytest.fixture
def program(user: User) -> Program:
    return make_program(user, now=WINTER, bedtime=time(22, 30))


def test_it_serves_a_valid_calendar_with_one_nightly_event_and_an_alarm(
    client: Client, user: User, program: Program
) -> None:
    secret = calendar.new_calendar_token(user)

    feed = _feed(client, secret)

    assert feed["VERSION"] == "2.0"
    assert feed["PRODID"]
    [event] = feed.walk("VEVENT")
    assert str(event["UID"]) == f"program-{program.pk}@crampcare"
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt == datetime(2025, 3, 20, 22, 30, tzinfo=LONDON)
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(minutes=-15)
    [zone] = feed.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert "/program/session/" in str(event["DESCRIPTION"])


def test_it_keeps_bedtime_at_2230_local_across_both_clock_changes(
    client: Client, user: User, program: Program
) -> None:
    feed = _feed(client, calendar.new_calendar_token(user))

    spring = _events(feed, date(2025, 3, 28), date(2025, 4, 2))
    autumn = _events(feed, date(2025, 10, 24), date(2025, 10, 29))

    for event in spring + autumn:
        start = event["DTSTART"].dt
        assert start.astimezone(LONDON).time() == time(22, 30)
    assert [e["DTSTART"].dt.date() for e in spring] == [
        date(2025, 3, d) for d in (28, 29, 30, 31)
    ] + [date(2025, 4, 1)]
    # 22:30 is 22:30 UTC in winter and 21:30 UTC in summer time.
    utc_hours = {e["DTSTART"].dt.date(): e["DTSTART"].dt.astimezone(UTC).hour for e in spring}
    assert utc_hours[date(2025, 3, 29)] == 22
    assert utc_hours[date(2025, 3, 30)] == 21
    autumn_hours = {e["DTSTART"].dt.date(): e["DTSTART"].dt.astimezone(UTC).hour for e in autumn}
    assert autumn_hours[date(2025, 10, 25)] == 21
    assert autumn_hours[date(2025, 10, 26)] == 22


def test_it_updates_the_event_when_the_plan_changes(
    client: Client, user: User, program: Program
) -> None:
    secret = calendar.new_calendar_token(user)
    [before] = _feed(client, secret).walk("VEVENT")

    services.change_bedtime(user, time(23, 0))
    services.change_reminder(user, minutes_before=45)
    [after] = _feed(client, secret).walk("VEVENT")

    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt
    assert after["DTSTART"].dt.time() == time(23, 0)
    assert after.walk("VALARM")[0]["TRIGGER"].dt == timedelta(minutes=-45)


def test_it_has_no_events_while_paused(client: Client, user: User, program: Program) -> None:
    secret = calendar.new_calendar_token(user)
    services.pause(user)

    feed = _feed(client, secret)

    assert feed.walk("VEVENT") == []
    assert _events(feed, date(2025, 4, 1), date(2025, 5, 1)) == []

    services.resume(user)
    assert len(_feed(client, secret).walk("VEVENT")) == 1


def test_it_uses_the_persons_own_zone(client: Client, user: User, program: Program) -> None:
    user.time_zone = "America/New_York"
    user.save()

    [event] = _feed(client, calendar.new_calendar_token(user)).walk("VEVENT")

    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].dt.time() == time(22, 30)


def test_it_stops_the_old_link_when_a_new_one_is_made_or_it_is_revoked(
    client: Client, user: User, program: Program
) -> None:
    old = calendar.new_calendar_token(user)
    new = calendar.new_calendar_token(user)

    assert client.get(f"/program/calendar/{old}.ics").status_code == 404
    assert client.get(f"/program/calendar/{new}.ics").status_code == 200

    calendar.revoke_calendar_token(user)

    assert client.get(f"/program/calendar/{new}.ics").status_code == 404


def test_it_stores_only_a_digest_of_the_secret(user: User, program: Program) -> None:
    secret = calendar.new_calendar_token(user)

    stored = Program.objects.for_user(user).get()

    assert secret not in (stored.calendar_token_digest or "")
    assert secret.startswith(stored.calendar_token_prefix)
    assert len(stored.calendar_token_prefix) < len(secret) // 3


def test_it_lets_the_owner_make_and_revoke_the_link_from_the_plan_page(
    owner_client: Client, client: Client, user: User, program: Program
) -> None:
    response = owner_client.post("/program/plan/calendar/")
    page = response.content.decode()
    secret = page.split("/program/calendar/")[1].split(".ics")[0]

    assert response.status_code == 200
    assert "webcal://" in page
    assert client.get(f"/program/calendar/{secret}.ics").status_code == 200
    # The secret is shown once: the plan page afterwards shows only its start.
    assert secret not in owner_client.get("/program/plan/").content.decode()

    owner_client.post("/program/plan/calendar/revoke/")

    assert client.get(f"/program/calendar/{secret}.ics").status_code == 404
