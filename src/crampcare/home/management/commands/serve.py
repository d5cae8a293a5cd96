from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Apply pending migrations, then serve crampcare with granian (WSGI) and whitenoise. "
        "SQLite installs run one worker thread per process: SQLite writes queue, they do not race. "
        "A task worker (crampcare worker) runs beside the web workers and stops with them, unless "
        "--no-worker (deployments that run their workers apart; CRAMPCARE_SERVE_WORKER=0)."
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
        parser.add_argument(
            "--no-worker",
            action="store_true",
            default=os.environ.get("CRAMPCARE_SERVE_WORKER", "1").strip().lower()
            in {"0", "false", "no", "off"},
            help="Start no task worker beside the web server (CRAMPCARE_SERVE_WORKER=0).",
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
        if options["no_worker"] or settings.CRAMPCARE_TASKS == "immediate":
            os.execv(argv[0], argv)  # noqa: S606 - replace this process with the server
        worker = [sys.executable, "-m", "crampcare.cli", "worker"]
        raise SystemExit(run_together([argv, worker]))


def run_together(commands: list[list[str]]) -> int:
    """Run the commands as children until one ends or this process is asked to stop (SIGTERM,
    SIGINT); then stop the others (SIGTERM, then SIGKILL after 20 s). Returns the first exit
    code, so a crashed web server or worker ends `crampcare serve` for its supervisor."""
    children = [subprocess.Popen(command) for command in commands]
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 20
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    codes = [child.returncode for child in children]
    if stopping:
        return 0
    return next((code for code in codes if code), 0)
