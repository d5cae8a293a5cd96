"""The personal iCalendar feed (RFC 5545): a nightly event at bedtime with an alarm before it.

The feed lives at a secret URL a phone's calendar subscribes to. Only a SHA-256 digest of the
secret is stored (as for API tokens), so a database leak does not reveal working feed URLs, and
regenerating or revoking the secret makes the old URL answer 404. The event is one daily
recurrence in the person's own time zone (TZID plus a VTIMEZONE), so bedtime stays at the same
wall-clock time across daylight-saving changes. Its UID is stable; SEQUENCE and LAST-MODIFIED
change with every change to the program, so calendar apps replace the old event.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from math import ceil

import icalendar
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.programs.hold import hold_for
from crampcare.programs.models import Program
from crampcare.programs.rules import Block
from crampcare.programs.services import locked_program

CALENDAR_PREFIX = "cal_"
PRODID = "-//crampcare//nightly program//EN"
# The VTIMEZONE covers these years around the program's start: enough for any calendar app.
ZONE_YEARS_BEFORE = 1
ZONE_YEARS_AFTER = 10


def _digest(secret: str) -> str:
    # 256 random bits: a fast hash is enough, there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def new_calendar_token(user: User) -> str:
    """Make (or replace) the feed's secret and return it; it is shown once and never stored."""
    secret = CALENDAR_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        program = locked_program(user)
        program.calendar_token_digest = _digest(secret)
        program.calendar_token_prefix = secret[: len(CALENDAR_PREFIX) + 6]
        program.save(update_fields=["calendar_token_digest", "calendar_token_prefix"])
    return secret


def revoke_calendar_token(user: User) -> None:
    with transaction.atomic():
        program = locked_program(user)
        program.calendar_token_digest = None
        program.calendar_token_prefix = ""
        program.save(update_fields=["calendar_token_digest", "calendar_token_prefix"])


def program_for_calendar_token(secret: str) -> Program | None:
    """The program a feed secret opens, or None (unknown, revoked or replaced)."""
    if not secret.startswith(CALENDAR_PREFIX):
        return None
    return (
        Program.objects.select_related("owner")
        .filter(calendar_token_digest=_digest(secret), owner__is_active=True)
        .first()
    )


def feed_url(secret: str) -> str:
    return settings.SITE_URL + reverse("programs:calendar", args=[secret])


def session_minutes(program: Program) -> int:
    plan = program.get_plan()
    return max(1, ceil(plan.bedtime_seconds / 60))


def build_calendar(program: Program, owner: User) -> icalendar.Calendar:
    """The feed for ``program``: one recurring event, none while the program is paused or held
    after a red flag (programs/hold.py)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Bedtime stretches"))
    calendar.add("x-wr-timezone", owner.time_zone)
    # Ask subscribed calendars to check for changes a few times a day.
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    if program.paused or hold_for(owner) is not None:
        return calendar
    zone = owner.zone
    start = datetime.combine(program.started_on, program.bedtime, tzinfo=zone)
    event = icalendar.Event()
    event.add("uid", f"program-{program.pk}@crampcare")
    event.add("dtstamp", program.updated_at)
    event.add("last-modified", program.updated_at)
    event.add("sequence", program.sequence)
    event.add("summary", _("Bedtime stretches"))
    event.add("description", _description(program))
    event.add("url", settings.SITE_URL + reverse("programs:player"))
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=session_minutes(program)))
    event.add("rrule", {"freq": "daily"})
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Time for your bedtime stretches"))
    alarm.add("trigger", timedelta(minutes=-program.reminder_minutes_before))
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=date(program.started_on.year - ZONE_YEARS_BEFORE, 1, 1),
        last_date=date(program.started_on.year + ZONE_YEARS_AFTER, 1, 1),
    )
    return calendar


def _description(program: Program) -> str:
    plan = program.get_plan()
    lines = [_("A few minutes of stretching just before sleep:")]
    lines += [f"• {item.name.get()}" for item in plan.block(Block.BEDTIME)]
    lines += ["", _("Open the guided session:"), settings.SITE_URL + reverse("programs:player")]
    return "\n".join(lines)


def feed(program: Program, owner: User) -> bytes:
    return build_calendar(program, owner).to_ical()
