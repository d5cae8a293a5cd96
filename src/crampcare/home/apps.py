from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _private_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The database holds health data: 0600 for it, its WAL and shared-memory files.
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        from crampcare.config import make_private

        make_private(Path(connection.settings_dict["NAME"]))


class HomeConfig(AppConfig):
    name = "crampcare.home"
    verbose_name = "Home"

    def ready(self) -> None:
        from crampcare.home import checks  # noqa: F401 - registers the deploy checks

        connection_created.connect(_private_sqlite_files, dispatch_uid="crampcare-private-sqlite")
