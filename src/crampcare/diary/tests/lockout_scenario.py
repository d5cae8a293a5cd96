"""One person imports 200,000 cramps while another keeps logging theirs: run in a child process
(``python -m crampcare.diary.tests.lockout_scenario``) on a fresh file SQLite database in
CRAMPCARE_DATA_DIR, through the whole WSGI stack, one thread each. Prints what each answer was.

A child process because the test process's database is pytest-django's in-memory one, which
shares neither SQLite's file locking nor its WAL with the real server.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

ROWS = 200_000


def _zip_of_cramps(count: int) -> bytes:
    start = datetime(2021, 1, 1, tzinfo=UTC)
    lines = ["started_at,muscle"]
    lines += [
        f"{(start + timedelta(minutes=10 * n)).isoformat(timespec='seconds')},calf"
        for n in range(count)
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("episodes.csv", "\n".join(lines) + "\n")
    return buffer.getvalue()


def main() -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from crampcare.accounts.services import create_token
    from crampcare.testing.builders import make_user

    call_command("migrate", verbosity=0)
    importer, bystander = make_user("importer@example.org"), make_user("bystander@example.org")
    _, import_secret = create_token(importer, "import")
    _, write_secret = create_token(bystander, "writes")
    archive = _zip_of_cramps(ROWS)
    result: dict[str, Any] = {"zip_bytes": len(archive), "writes": []}

    def run_import() -> None:
        client = Client(
            headers={"Authorization": f"Bearer {import_secret}"}, SERVER_NAME="localhost"
        )
        upload = io.BytesIO(archive)
        upload.name = "export.zip"
        began = time.monotonic()
        response = client.post("/api/v1/diary/import", {"archive": upload})
        result["import_seconds"] = time.monotonic() - began
        result["import_status"] = response.status_code
        result["import_body"] = response.json()

    client = Client(headers={"Authorization": f"Bearer {write_secret}"}, SERVER_NAME="localhost")
    worker = threading.Thread(target=run_import)
    worker.start()
    minute = datetime(2020, 1, 1, tzinfo=UTC)
    while worker.is_alive():
        minute += timedelta(minutes=1)
        began = time.monotonic()
        response = client.post(
            "/api/v1/diary/episodes",
            {"started_at": minute.isoformat(), "muscle": "calf"},
            content_type="application/json",
        )
        result["writes"].append([response.status_code, time.monotonic() - began])
        time.sleep(0.05)
    worker.join()
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
