from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from crampcare.accounts import progress

logger = logging.getLogger(__name__)


KEEP = timedelta(days=7)
DAY = 24 * 3600


def schedule_reminders(every: float, stop: threading.Event) -> None:
    """Queue the reminder run now and then every ``every`` seconds until ``stop`` is set. Two
    schedulers at once only queue more runs: each night's reminder is still sent once. Once a
    day, also clear out what finished more than a week ago (``clean_up``)."""
    from crampcare.programs.tasks import send_reminders

    cleaned = float("-inf")
    while not stop.is_set():
        try:
            send_reminders.enqueue()
            if time.monotonic() - cleaned >= DAY:
                clean_up()
                cleaned = time.monotonic()
        except Exception:
            # The database or Redis away for a moment: try again at the next tick.
            logger.exception("could not queue the reminder run")
        finally:
            close_old_connections()
        stop.wait(every)


def clean_up() -> None:
    """Finished progress records, and the database queue's finished results, older than a week
    (RQ expires its own results)."""
    progress.prune(timezone.now() - KEEP)
    if settings.CRAMPCARE_TASKS == "database":
        call_command("prune_db_task_results", "--min-age-days", str(KEEP.days), verbosity=0)


class Command(BaseCommand):
    help = (
        "Run background tasks (imports, care team emails, reminders) from the task queue: the "
        "database (CRAMPCARE_TASKS=database) or Redis (CRAMPCARE_TASKS=rq, the default when "
        "REDIS_URL is set). It also queues the reminder run every "
        "CRAMPCARE_REMINDER_EVERY_SECONDS unless --no-schedule. `crampcare serve` starts one; "
        "run more beside it for many users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not queue the reminder run (extra workers; one scheduling worker is enough).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the tasks waiting now, then stop.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.CRAMPCARE_TASKS
        if backend == "immediate":
            raise CommandError(
                "CRAMPCARE_TASKS=immediate runs each task where it is queued: no worker needed."
            )
        stop = threading.Event()
        if not options["no_schedule"] and not options["batch"]:
            every = float(settings.CRAMPCARE_REMINDER_EVERY_SECONDS)
            threading.Thread(
                target=schedule_reminders, args=(every, stop), name="reminders", daemon=True
            ).start()
        try:
            if backend == "rq":
                call_command(
                    "rqworker", "default", job_class="django_tasks_rq.Job", burst=options["batch"]
                )
            else:
                extra = ["--batch"] if options["batch"] else []
                call_command("db_worker", "--queue-name", "default", "--no-startup-delay", *extra)
        finally:
            stop.set()
