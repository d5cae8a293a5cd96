from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Make a consistent copy of the SQLite database while the app keeps running "
        "(SQLite's online backup API). For PostgreSQL, prints the pg_dump command to use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Where to write the copy, e.g. ~/crampcare-backup.sqlite3")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                "This database is PostgreSQL. Back it up with its own tool, for example:\n"
                '  pg_dump --format=custom --file crampcare.dump "$DATABASE_URL"\n'
                'and restore with pg_restore --clean --dbname "$DATABASE_URL" crampcare.dump'
            )
        target = Path(options["path"]).expanduser()
        if target.exists() and not options["force"]:
            raise CommandError(f"{target} already exists. Choose another path or add --force.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        source = sqlite3.connect(str(database["NAME"]), timeout=30)
        partial = target.with_name(target.name + ".partial")
        # A backup holds the same health data as the database: readable by its owner only.
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(partial)
        try:
            # The backup API copies page by page and restarts if a writer changes the source,
            # so the result is always one consistent snapshot.
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        partial.replace(target)
        self.stdout.write(self.style.SUCCESS(f"Backed up {database['NAME']} to {target}"))
