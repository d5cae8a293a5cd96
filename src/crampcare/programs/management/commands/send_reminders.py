from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
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
        "twice on a channel. With --enqueue, the run is put on the task queue for a worker "
        "instead (the worker `crampcare serve` starts queues one every few minutes by itself)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for a worker (crampcare worker) instead of sending here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not email_configured():
            # Still "sent" (to the console), but say that nobody will receive them.
            self.stderr.write(
                "Email is not set up (EMAIL_HOST is unset, or the console or dummy backend is "
                "in use): reminders are not delivered to anyone by email (notifications to "
                "phones still are)."
            )
        if options["enqueue"]:
            from crampcare.programs.tasks import send_reminders

            result = send_reminders.enqueue()
            self.stdout.write(f"Queued the reminder run ({result.id}).")
            return
        now = timezone.now()
        # First, so tonight's reminder lists the routine of the week it is.
        advance_programs(now)
        sent = send_due_reminders(now)
        noun = "reminder" if sent == 1 else "reminders"
        self.stdout.write(f"Sent {sent} {noun}.")
