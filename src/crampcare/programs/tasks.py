"""The program's background tasks: the reminder run, queued by the worker's schedule (every
``CRAMPCARE_REMINDER_EVERY_SECONDS``) or by ``crampcare send-reminders --enqueue``."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from crampcare.programs.reminders import send_due_reminders
from crampcare.programs.services import advance_programs


@task()
def send_reminders() -> int:
    """Close ended program weeks, then send the reminders due now; safe to run twice at once
    (each night's reminder is claimed once per channel). Returns how many were sent."""
    now = timezone.now()
    # First, so tonight's reminder lists the routine of the week it is.
    advance_programs(now)
    return send_due_reminders(now)
