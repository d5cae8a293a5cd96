"""The personal iCalendar feed (RFC 5545): a nightly event at bedtime with an alarm before it.

The feed lives at a secret URL a phone's calendar subscribes to. The secret is an HMAC, keyed by
the server's SECRET_KEY, of the program and a random nonce; the database keeps the nonce (so the
owner can be shown the link again) and the secret's SHA-256 digest (to find the program), never
the secret itself, so a database leak alone does not reveal working feed URLs. Regenerating or
revoking replaces or clears the nonce and the digest, and the old URL answers 404.

The event is one daily recurrence in the person's own time zone (TZID plus a VTIMEZONE), so
bedtime stays at the same wall-clock time across daylight-saving changes. Its UID is stable;
SEQUENCE and LAST-MODIFIED change with every change to the program, so calendar apps replace the
old event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from datetime import date, datetime, timedelta
from math import ceil
from urllib.parse import urlsplit

import icalendar
import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.accounts.ownership import system_access
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


_TOKEN_FIELDS = ["calendar_token_digest", "calendar_token_prefix", "calendar_token_nonce"]
# Links a phone cannot open: the server's own loopback or an unspecified address.
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# QR code: medium error correction, 4 pixels a module, the standard 4-module quiet zone.
QR_ERROR = "m"
QR_SCALE = 4


def _secret(program: Program, nonce: str) -> str:
    mac = salted_hmac("crampcare.programs.calendar", f"{program.pk}:{nonce}", algorithm="sha256")
    return CALENDAR_PREFIX + base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def new_calendar_token(user: User) -> str:
    """Make (or replace) the feed's secret and return it. Any earlier link stops working."""
    with transaction.atomic():
        program = locked_program(user)
        nonce = secrets.token_urlsafe(32)
        secret = _secret(program, nonce)
        program.calendar_token_nonce = nonce
        program.calendar_token_digest = _digest(secret)
        program.calendar_token_prefix = secret[: len(CALENDAR_PREFIX) + 6]
        program.save(update_fields=_TOKEN_FIELDS)
    return secret


def current_calendar_token(program: Program) -> str | None:
    """The working secret of the program's feed, to show its owner again; None when the link is
    off, or was made before the server's SECRET_KEY changed (then a new link is needed)."""
    if not program.calendar_token_nonce or not program.calendar_token_digest:
        return None
    secret = _secret(program, program.calendar_token_nonce)
    if not hmac.compare_digest(_digest(secret), program.calendar_token_digest):
        return None
    return secret


def revoke_calendar_token(user: User) -> None:
    with transaction.atomic():
        program = locked_program(user)
        program.calendar_token_digest = None
        program.calendar_token_prefix = ""
        program.calendar_token_nonce = ""
        program.save(update_fields=_TOKEN_FIELDS)


def program_for_calendar_token(secret: str) -> Program | None:
    """The program a feed secret opens, or None (unknown, revoked or replaced)."""
    if not secret.startswith(CALENDAR_PREFIX):
        return None
    with system_access("a calendar feed's secret names its program, for a reader not signed in"):
        return (
            Program.objects.select_related("owner")
            .filter(calendar_token_digest=_digest(secret), owner__is_active=True)
            .first()
        )


def feed_url(secret: str, base_url: str | None = None) -> str:
    """The feed's address on ``base_url`` (the address the person is using; default SITE_URL)."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("programs:calendar", args=[secret])


def webcal_url(url: str) -> str:
    """The same address with the webcal scheme, which opens a phone's calendar app."""
    parts = urlsplit(url)
    return "webcal" + url[len(parts.scheme) :] if parts.scheme in ("http", "https") else url


def unreachable_from_phone(url: str) -> bool:
    """Whether ``url`` names this machine itself (localhost, 127.x, ::1, 0.0.0.0): a phone that
    opens it reaches the phone, not the server."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host or host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data: URI, for an <img> (no inline markup or style)."""
    return str(segno.make(url, error=QR_ERROR).svg_data_uri(scale=QR_SCALE, border=4))


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
    if program.paused or hold_for(owner, owner) is not None:
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
    lines += [f"• {item.shown_name}" for item in plan.block(Block.BEDTIME)]
    lines += ["", _("Open the guided session:"), settings.SITE_URL + reverse("programs:player")]
    return "\n".join(lines)


def feed(program: Program, owner: User) -> bytes:
    return build_calendar(program, owner).to_ical()
