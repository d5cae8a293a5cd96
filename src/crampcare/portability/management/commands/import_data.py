"""``crampcare import apple-health FILE --user EMAIL``: a health app's export into an account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crampcare.accounts.models import User
from crampcare.portability.apple_health import import_apple_health

SOURCES = ("apple-health",)
_MB = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a health app's export into a person's diary. apple-health: the export.zip from "
        "the Health app (Export All Health Data) or the export.xml inside it; steps, water, "
        "standing, sleep and workouts are added up per day and night in the person's time zone "
        "(docs/apple-health.md). Importing the same export again changes nothing; nothing is "
        "saved if the file has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=SOURCES, help="where the export comes from")
        parser.add_argument("file", type=Path, metavar="FILE", help="the export.zip or export.xml")
        parser.add_argument(
            "--user", required=True, metavar="EMAIL", help="the email of the person it belongs to"
        )
        parser.add_argument(
            "--quiet", action="store_true", help="no progress line, only the result"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            person = User.objects.get(email__iexact=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No account has the email {options['user']!r}.") from None
        progress = None if options["quiet"] else _Progress(self.stderr)
        try:
            with path.open("rb") as upload:
                report = import_apple_health(person, upload, progress=progress)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        if progress is not None:
            progress.done()
        if not report.saved:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
        for note in report.notes:
            self.stdout.write(note)


class _Progress:
    """One line, rewritten in place: how much of export.xml has been read."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.shown = -1
        self.wrote = False

    def __call__(self, done: int, total: int | None) -> None:
        step = done // (8 * _MB)
        if step == self.shown and done != total:
            return
        self.shown = step
        text = f"Reading export.xml: {done / _MB:,.0f} MB"
        if total:
            text += f" of {total / _MB:,.0f} MB ({min(done / total, 1):.0%})"
        self.out.write("\r" + text, ending="")
        self.out.flush()
        self.wrote = True

    def done(self) -> None:
        if self.wrote:
            self.out.write("")
