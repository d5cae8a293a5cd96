from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from crampcare.programs.reminders import email_configured, send_due_reminders
from crampcare.programs.services import advance_programs


class Command(BaseCommand):
    help = (
        "Record the weekly steps of programs whose week has ended, then send the bedtime "
        "reminders that are due now (each person's reminder window, in their own time zone): "
        "by email, and as a notification to each phone or browser the person turned reminders "
        "on for (Web Push, outside their quiet hours). Safe to run every few minutes, e.g. from "
        "cron or a systemd timer: a week is closed once and a night's reminder is never sent "
        "twice on a channel."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not email_configured():
            # Still "sent" (to the console), but say that nobody will receive them.
            self.stderr.write(
                "Email is not set up (EMAIL_HOST is unset, or the console or dummy backend is "
                "in use): reminders are not delivered to anyone by email (notifications to "
                "phones still are)."
            )
        now = timezone.now()
        # First, so tonight's reminder lists the routine of the week it is.
        advance_programs(now)
        sent = send_due_reminders(now)
        noun = "reminder" if sent == 1 else "reminders"
        self.stdout.write(f"Sent {sent} {noun}.")
