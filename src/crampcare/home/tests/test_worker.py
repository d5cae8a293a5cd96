"""A real worker process and the database queue, as `crampcare serve` runs them on a laptop: a
task queued by one process is run by `crampcare worker` in another, on a fresh SQLite install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENQUEUE = """
import io, zipfile
from crampcare.accounts import progress
from crampcare.accounts.models import User
from crampcare.portability.tasks import import_archive
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as bundle:
    bundle.writestr(
        "episodes.csv",
        "started_at,muscle,side,severity,duration_minutes,woke_me,helped,notes\\n"
        "2024-06-05T01:14:05+01:00,calf,left,7,2,yes,stretching,\\n",
    )
user = User.objects.create_user(email="worker@example.org", password="a long password 1")
record = progress.start(user, "import", payload=buffer.getvalue())
result = import_archive.enqueue(record.pk, False)
print(result.status)
"""

CHECK = """
from crampcare.accounts.models import TaskProgress, User
from crampcare.diary.models import CrampEpisode
user = User.objects.get(email="worker@example.org")
record = TaskProgress.objects.for_user(user).get()
print(record.state, record.done, record.total, CrampEpisode.objects.for_user(user).count())
"""


def _crampcare(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "crampcare.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_worker_process_runs_the_task_another_process_queued(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {"CRAMPCARE_DATA_DIR": str(tmp_path), "CRAMPCARE_TASKS": "database"}
    _crampcare(env, "migrate", "-v0")
    assert _crampcare(env, "manage", "shell", "-v0", "-c", ENQUEUE) == "READY"
    # Not run yet: the task waits in the database for a worker.
    assert _crampcare(env, "manage", "shell", "-v0", "-c", CHECK) == "queued 0 0 0"
    _crampcare(env, "worker", "--batch")
    assert _crampcare(env, "manage", "shell", "-v0", "-c", CHECK) == "done 3 3 1"


def test_the_worker_clears_out_what_finished_more_than_a_week_ago(db: None) -> None:
    from datetime import timedelta

    from django.test.utils import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from crampcare.home.management.commands.worker import clean_up
    from crampcare.programs.tasks import send_reminders

    database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=database, CRAMPCARE_TASKS="database"):
        send_reminders.enqueue()
        DBTaskResult.objects.update(
            status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=8)
        )
        clean_up()
        assert not DBTaskResult.objects.exists()
