"""Bedtime reminders by email and by Web Push, sent by a command safe to run every few minutes.

``crampcare send-reminders`` sends a reminder to each person whose reminder window is open now:
``[bedtime - offset, bedtime)`` in their own time zone. Each reminder is first *claimed* by
inserting a ``ReminderSent`` row; the unique constraint on (person, night, channel) means a second
run, or two runs at once, can never send the same night's reminder twice on a channel. If sending
fails the claim is removed, so the next run tries again.

Every email carries a one-click unsubscribe link (a signed token, no sign-in needed) in its body
and in the ``List-Unsubscribe`` header with RFC 8058's one-click POST.

A push reminder goes to every browser the person turned "reminders on this phone" on for
(``accounts.push``), except during their quiet hours. Its words are the same for everyone and
name no health detail: a lock screen is public. Like the email, nothing is sent while the program
is held after a red flag, so no reminder ever offers exercise then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.accounts import push
from crampcare.accounts.models import PushSubscription, User
from crampcare.accounts.ownership import system_access
from crampcare.accounts.request import speaking
from crampcare.config import NON_DELIVERING_EMAIL_BACKENDS
from crampcare.core.nights import night_of
from crampcare.programs.hold import hold_for
from crampcare.programs.models import Channel, Program, ReminderSent, Session
from crampcare.programs.sessions import items_for_night

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "crampcare.programs.unsubscribe"
# An unsubscribe link stops working after this long (every email brings a fresh one), so an old
# forwarded or leaked email cannot switch the reminders off for ever after.
UNSUBSCRIBE_MAX_AGE = timedelta(days=60)
# With a reminder "at bedtime" (0 minutes before), the window opens at bedtime for this long, so a
# command run every few minutes still catches it.
AT_BEDTIME_WINDOW = timedelta(minutes=10)


def email_configured() -> bool:
    """Whether this server can deliver email at all (so reminder emails would arrive)."""
    return settings.EMAIL_BACKEND not in NON_DELIVERING_EMAIL_BACKENDS


# -- unsubscribe tokens ---------------------------------------------------------------------------


def unsubscribe_token(program: Program) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(program.pk))


def program_for_unsubscribe_token(token: str) -> Program | None:
    """The program an unsubscribe link names, or None for a forged, mangled or expired link."""
    try:
        signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
        program_id = int(signer.unsign(token, max_age=UNSUBSCRIBE_MAX_AGE))
    except (signing.BadSignature, ValueError):
        return None
    with system_access("an unsubscribe link names its program by a signed id"):
        return Program.objects.filter(pk=program_id).first()


def unsubscribe_url(program: Program) -> str:
    return settings.SITE_URL + reverse("programs:unsubscribe", args=[unsubscribe_token(program)])


# -- when a reminder is due -----------------------------------------------------------------------


def due_night(program: Program, owner: User, now: datetime) -> date | None:
    """The night whose reminder window contains ``now``, or None.

    Bedtime may be after midnight (01:00), so both today's and tomorrow's bedtime are checked;
    the night is the evening's date, as for sessions. ``datetime.combine`` with the zone keeps
    the wall-clock bedtime across daylight-saving changes.
    """
    zone = owner.zone
    local_today = now.astimezone(zone).date()
    for days in (0, 1):
        bedtime = datetime.combine(local_today + timedelta(days=days), program.bedtime, zone)
        bedtime = bedtime.astimezone(UTC)
        if program.reminder_minutes_before:
            opens, closes = bedtime - timedelta(minutes=program.reminder_minutes_before), bedtime
        else:
            opens, closes = bedtime, bedtime + AT_BEDTIME_WINDOW
        if opens <= now < closes:
            return night_of(bedtime, owner.time_zone)
    return None


def in_quiet_hours(program: Program, local: time) -> bool:
    """Whether ``local`` (the person's wall-clock time) falls in their quiet hours: from the
    start up to, not including, the end; hours that pass midnight (22:00 to 07:00) wrap."""
    start, end = program.push_quiet_start, program.push_quiet_end
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


@dataclass(frozen=True)
class Due:
    program: Program
    owner: User
    night: date


def due_reminders(now: datetime, channel: Channel = Channel.EMAIL) -> list[Due]:
    """Reminders on ``channel`` whose window is open now and that were not sent yet."""
    with system_access("reminders go to everyone whose window is open"):
        active = Program.objects.select_related("owner").filter(paused=False, owner__is_active=True)
        if channel == Channel.PUSH:
            active = active.filter(owner_id__in=PushSubscription.objects.values("owner_id"))
        else:
            active = active.filter(email_reminders=True)
        programs = list(active)
    due = []
    for program in programs:
        owner: User = program.owner  # type: ignore[assignment]
        night = due_night(program, owner, now)
        if night is None:
            continue
        if channel == Channel.EMAIL and not owner.email:
            continue
        if channel == Channel.PUSH and in_quiet_hours(program, now.astimezone(owner.zone).time()):
            continue
        # Nothing while the program is held after a red flag (programs/hold.py).
        if hold_for(owner, owner) is None:
            due.append(Due(program, owner, night))
    if not due:
        return []
    # Leave out nights already reminded, or already stretched.
    owners = [item.owner.pk for item in due]
    nights = {item.night for item in due}
    with system_access("reminders skip the nights already reminded or stretched, for everyone"):
        sent = set(
            ReminderSent.objects.filter(
                owner_id__in=owners, night__in=nights, channel=channel
            ).values_list("owner_id", "night")
        )
        done = set(
            Session.objects.filter(
                owner_id__in=owners, night__in=nights, completed_at__isnull=False
            ).values_list("owner_id", "night")
        )
    skip = sent | done
    return [item for item in due if (item.owner.pk, item.night) not in skip]


# -- sending --------------------------------------------------------------------------------------


def reminder_message(due: Due) -> EmailMultiAlternatives:
    """The bedtime email, written in the person's language (the worker has no request)."""
    with speaking(due.owner):
        return _reminder_message(due)


def _reminder_message(due: Due) -> EmailMultiAlternatives:
    program = due.program
    items = items_for_night(program, due.night)
    link = unsubscribe_url(program)
    context = {
        "name": due.owner.display_name,
        "bedtime": program.bedtime,
        "items": items,
        "minutes": max(1, ceil(sum(item.seconds for item in items) / 60)),
        "player_url": settings.SITE_URL + reverse("programs:player"),
        "plan_url": settings.SITE_URL + reverse("programs:plan"),
        "unsubscribe_url": link,
    }
    subject = render_to_string("programs/email/reminder_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("programs/email/reminder.txt", context),
        to=[due.owner.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("programs/email/reminder.html", context), "text/html"
    )
    return message


def push_message(due: Due) -> dict[str, str]:
    """What the notification says. The same words for everyone, with no health detail beyond
    "stretches": a lock screen is public. One tap opens tonight's session. In the person's
    language."""
    with speaking(due.owner):
        return _push_message(due)


def _push_message(due: Due) -> dict[str, str]:
    return {
        "title": _("Time for tonight’s stretches"),
        "body": _("A few minutes before you sleep. Tap to start."),
        "url": reverse("programs:player"),
        # One notification per night: a repeat replaces it instead of piling up.
        "tag": f"crampcare-bedtime-{due.night.isoformat()}",
    }


def _claim(due: Due, now: datetime, channel: Channel = Channel.EMAIL) -> ReminderSent | None:
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(
                owner=due.owner, night=due.night, channel=channel, sent_at=now
            )
    except IntegrityError:
        return None  # another run got there first


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due now, by email and to phones; returns how many were sent
    (a push reminder counts once, however many of the person's browsers it reached)."""
    now = now or timezone.now()
    return send_due_emails(now) + send_due_pushes(now)


def send_due_emails(now: datetime) -> int:
    due = due_reminders(now, Channel.EMAIL)
    if not due:
        return 0
    sent = 0
    with get_connection() as connection:
        for item in due:
            claim = _claim(item, now)
            if claim is None:
                continue
            message = reminder_message(item)
            message.connection = connection
            try:
                message.send()
            except Exception:
                # Give the night back so the next run retries; one bad address must not stop
                # everyone else's reminders.
                logger.exception("could not send the reminder for program %s", item.program.pk)
                claim.delete()
                continue
            sent += 1
    return sent


def send_due_pushes(now: datetime) -> int:
    sent = 0
    for item in due_reminders(now, Channel.PUSH):
        claim = _claim(item, now, Channel.PUSH)
        if claim is None:
            continue
        message = push_message(item)
        # Read after the claim: a browser removed a moment ago gets nothing.
        outcomes = [
            push.deliver(subscription, message) for subscription in push.subscriptions(item.owner)
        ]
        if push.Outcome.DELIVERED in outcomes:
            sent += 1
        else:
            # Nothing arrived (a push service failed, or every browser has gone): give the
            # night back, so the next run tries again while the window is open.
            claim.delete()
    return sent
