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


def test_it_stores_neither_the_secret_nor_enough_to_rebuild_it_without_the_key(
    user: User, program: Program, settings: Any
) -> None:
    secret = calendar.new_calendar_token(user)

    stored = Program.objects.for_user(user).get()

    for value in (stored.calendar_token_digest, stored.calendar_token_nonce):
        assert value
        assert secret not in value
    assert secret.startswith(stored.calendar_token_prefix)
    assert len(stored.calendar_token_prefix) < len(secret) // 3
    # The stored nonce rebuilds the link only with this server's SECRET_KEY.
    assert calendar.current_calendar_token(stored) == secret
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert calendar.current_calendar_token(stored) is None


def _plan_page(client: Client, **extra: Any) -> str:
    response = client.get("/program/plan/", **extra)
    assert response.status_code == 200
    return str(response.content.decode())


def _shown_secret(page: str) -> str:
    return page.split("/program/calendar/")[1].split(".ics")[0]


def test_it_lets_the_owner_make_see_again_and_revoke_the_link_from_the_plan_page(
    owner_client: Client, client: Client, user: User, program: Program
) -> None:
    response = owner_client.post("/program/plan/calendar/")
    assert response.status_code == 302
    page = _plan_page(owner_client, QUERY_STRING="calendar=new")
    secret = _shown_secret(page)

    assert "Your new calendar link is ready." in page
    assert "webcal://testserver/program/calendar/" in page
    assert client.get(f"/program/calendar/{secret}.ics").status_code == 200
    # Shown again on a later visit, to its owner.
    assert _shown_secret(_plan_page(owner_client)) == secret

    owner_client.post("/program/plan/calendar/revoke/")

    assert client.get(f"/program/calendar/{secret}.ics").status_code == 404
    assert "/program/calendar/" not in _plan_page(owner_client)


def test_it_builds_the_link_from_the_address_in_use_or_the_configured_site(
    owner_client: Client, user: User, program: Program, settings: Any
) -> None:
    calendar.new_calendar_token(user)
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL_CONFIGURED = False

    page = _plan_page(owner_client, HTTP_HOST="192.168.1.20:8000")

    assert "http://192.168.1.20:8000/program/calendar/cal_" in page
    assert "cannot reach this address" not in page

    settings.SITE_URL_CONFIGURED = True
    settings.SITE_URL = "https://cramps.example.org"
    page = _plan_page(owner_client, HTTP_HOST="192.168.1.20:8000")

    assert "https://cramps.example.org/program/calendar/cal_" in page
    assert "webcal://cramps.example.org/program/calendar/cal_" in page


@pytest.mark.parametrize(
    "host", ["localhost:8000", "127.0.0.1:8000", "127.3.4.5", "[::1]:8000", "app.localhost"]
)
def test_it_warns_when_a_phone_cannot_reach_the_link(
    owner_client: Client, user: User, program: Program, settings: Any, host: str
) -> None:
    calendar.new_calendar_token(user)
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL_CONFIGURED = False

    page = _plan_page(owner_client, HTTP_HOST=host)

    assert "Your phone cannot reach this address" in page


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8000/x", True),
        ("http://LOCALHOST./x", True),
        ("http://127.0.0.1/x", True),
        ("http://127.255.0.9:80/x", True),
        ("http://0.0.0.0:8000/x", True),
        ("http://[::1]:8000/x", True),
        ("http://my.localhost/x", True),
        ("http://192.168.1.20:8000/x", False),
        ("https://cramps.example.org/x", False),
        ("http://[fd00::1]/x", False),
        ("http://localhost-box.lan/x", False),
    ],
)
def test_it_knows_which_addresses_a_phone_cannot_reach(url: str, local: bool) -> None:
    assert calendar.unreachable_from_phone(url) is local


def test_it_shows_a_qr_code_of_the_link_as_an_image(
    owner_client: Client, user: User, program: Program
) -> None:
    secret = calendar.new_calendar_token(user)

    page = _plan_page(owner_client)

    url = calendar.feed_url(secret, "http://testserver")
    assert f'src="{calendar.qr_data_uri(url)}"' in page
    assert calendar.qr_data_uri(url).startswith("data:image/svg+xml")
    assert 'alt="QR code of your calendar link"' in page
    assert "style=" not in page.split('id="calendar-title"')[1].split("</section>")[0]


def test_it_gives_the_webcal_form_of_either_scheme() -> None:
    assert calendar.webcal_url("https://a.example/c.ics") == "webcal://a.example/c.ics"
    assert calendar.webcal_url("http://a.example/c.ics") == "webcal://a.example/c.ics"


def test_the_feed_reads_in_the_owners_language_whatever_the_calendar_app_asks(
    user: User, program: Program
) -> None:
    from crampcare.accounts import services as accounts

    secret = calendar.new_calendar_token(user)
    accounts.update_language(user, "es")
    feed = icalendar.Calendar.from_ical(
        Client(HTTP_ACCEPT_LANGUAGE="en-GB").get(f"/program/calendar/{secret}.ics").content
    )
    [event] = list(feed.walk("VEVENT"))
    assert str(feed["X-WR-CALNAME"]) == str(event["SUMMARY"]) == "Estiramientos antes de dormir"
