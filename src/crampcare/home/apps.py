from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _private_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The database holds health data: 0600 for it, its WAL and shared-memory files.
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        from crampcare.config import make_private

        make_private(Path(connection.settings_dict["NAME"]))


def _sqlite_variable_limit(sender: Any, connection: Any, **kwargs: Any) -> None:
    # Django 5.2 assumes SQLite's old limit of 999 variables a statement and splits bulk inserts
    # to fit; SQLite 3.32+ allows 32766, and Python 3.11 can ask. Using the real limit (as
    # Django 6.0 does) keeps a bulk insert of a list's audit records one statement.
    if connection.vendor == "sqlite":
        import sqlite3

        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = max(999, limit)


class HomeConfig(AppConfig):
    name = "crampcare.home"
    verbose_name = "Home"

    def ready(self) -> None:
        from crampcare.home import checks  # noqa: F401 - registers the deploy checks

        connection_created.connect(_private_sqlite_files, dispatch_uid="crampcare-private-sqlite")
        connection_created.connect(_sqlite_variable_limit, dispatch_uid="crampcare-sqlite-limit")
