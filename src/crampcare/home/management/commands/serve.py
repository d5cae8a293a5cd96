from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Apply pending migrations, then serve crampcare with granian (WSGI) and whitenoise. "
        "SQLite installs run one worker thread per process: SQLite writes queue, they do not race."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help="Address to listen on (default 127.0.0.1; HOST).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="Port to listen on (default 8000; PORT).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", "0")),
            help="Worker processes (default: one per CPU core; WEB_WORKERS).",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not apply pending migrations first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        # The shared cache (login throttling) needs its table even on a database migrated while
        # REDIS_URL was set; a no-op when it exists or Redis is in use.
        call_command("createcachetable", verbosity=0)
        workers = options["workers"] or (os.cpu_count() or 1)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(workers),
            # Measured: granian's default thread pool pushes SQLite write p99 to ~0.5 s.
            "--blocking-threads",
            "1",
            "--no-ws",
            "crampcare.wsgi:application",
        ]
        self.stdout.write(f"crampcare is starting on http://{options['host']}:{options['port']}/")
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - replace this process with the server
