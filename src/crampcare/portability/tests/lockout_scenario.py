"""One person imports 200,000 cramps while another keeps logging theirs: run in a child process
(``python -m crampcare.portability.tests.lockout_scenario``) on a fresh file SQLite database in
CRAMPCARE_DATA_DIR, through the whole WSGI stack. Prints what each answer was.

The import runs in a process of its own, as in a server with several workers (docs/deployment.md:
one request at a time per worker), so what is measured is the database's locking, not two
threads sharing one interpreter. Child processes because the test process's database is
pytest-django's in-memory one, which shares neither SQLite's file locking nor its WAL.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
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


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
    django.setup()


def _memory_kb(name: str) -> int:
    """A figure of /proc/self/status in kilobytes: VmRSS (resident now), VmHWM (its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise LookupError(name)


def run_import(secret: str, archive: Path) -> dict[str, Any]:
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {secret}"}, SERVER_NAME="localhost")
    client.get("/api/v1/diary/episodes")  # what any first request loads, loaded before measuring
    # The peak is measured from here: Linux resets a process's high-water mark on request.
    Path("/proc/self/clear_refs").write_text("5")
    before = _memory_kb("VmRSS")
    with archive.open("rb") as upload:
        began = time.monotonic()
        response = client.post("/api/v1/diary/import", {"archive": upload})
    peak = _memory_kb("VmHWM")
    return {
        "import_seconds": time.monotonic() - began,
        "import_status": response.status_code,
        "import_body": response.json(),
        # How far above its resident memory before the import the process's peak went.
        "import_peak_growth_bytes": (peak - before) * 1024,
    }


def main() -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client

    from crampcare.accounts.services import create_token
    from crampcare.testing.builders import make_user

    call_command("migrate", verbosity=0)
    importer, bystander = make_user("importer@example.org"), make_user("bystander@example.org")
    _, import_secret = create_token(importer, "import")
    _, write_secret = create_token(bystander, "writes")
    archive = Path(os.environ["CRAMPCARE_DATA_DIR"]) / "export.zip"
    archive.write_bytes(_zip_of_cramps(ROWS))
    client = Client(headers={"Authorization": f"Bearer {write_secret}"}, SERVER_NAME="localhost")
    minute = datetime(2020, 1, 1, tzinfo=UTC)

    def write() -> list[Any]:
        nonlocal minute
        minute += timedelta(minutes=1)
        began = time.monotonic()
        response = client.post(
            "/api/v1/diary/episodes",
            {"started_at": minute.isoformat(), "muscle": "calf"},
            content_type="application/json",
        )
        return [response.status_code, time.monotonic() - began]

    result: dict[str, Any] = {"zip_bytes": archive.stat().st_size, "warm_up": write()}
    worker = subprocess.Popen(
        [sys.executable, "-m", __spec__.name, "import", import_secret, str(archive)],
        stdout=subprocess.PIPE,
        text=True,
    )
    writes = []
    while worker.poll() is None:
        writes.append(write())
        time.sleep(0.05)
    out, _ = worker.communicate()
    result.update(json.loads(out.strip().splitlines()[-1]))
    result["writes"] = writes
    return result


if __name__ == "__main__":
    _setup()
    if sys.argv[1:2] == ["import"]:
        # On a shared, loaded test machine the importer's parsing would otherwise take the CPU the
        # other person's requests need; the lock, not the CPU, is what this measures.
        os.nice(10)
        print(json.dumps(run_import(sys.argv[2], Path(sys.argv[3]))))
    else:
        print(json.dumps(main()))
