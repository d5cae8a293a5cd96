"""Progress of a person's background tasks, stored in the database so every process sees it.

A task that takes a while (an import) is given a ``TaskProgress`` row's id. While it works it
calls a *reporter*, ``progress(done, total)`` (bytes read of the file's size, or rows saved of
the rows found: any unit, as long as ``done`` reaches ``total``), which writes at most a few
times a second. The page polls the row (``portability`` shows the import's).

    record = progress.start(user, "apple-health", payload=upload)
    ...in the task:
    record, fileobj = progress.take_file(record.pk)
    report = progress.reporter(record.pk)
    import_apple_health(record.owner, fileobj, progress=report)
    progress.finish(record.pk, result={...})

The task's input (an uploaded file) waits in the data dir (``uploads/<id>.bin``, 0600), not in
the database: written and read as it is, where a database column would pass it as escaped text
and hold several copies at once (a 19 MB upload took some 170 MB on PostgreSQL). Every process
that runs tasks must therefore see the same data dir (docs/deployment.md). An upload is copied
there in chunks, never read whole into memory; a task takes it whole (``take_payload``, for an
importer that needs bytes) or as an open file it reads as a stream (``take_file``).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from crampcare.accounts.models import TASK_STALLED_AFTER, TaskProgress, User
from crampcare.accounts.ownership import system_access

Reporter = Callable[[int, int], None]

# Writes closer together than this are skipped (the last one, done == total, always counts).
_EVERY_SECONDS = 0.5
_REASON = "a background task updates the progress row it was given, by id"
_COPY_CHUNK = 1024 * 1024


def input_path(progress_id: int) -> Path:
    return Path(settings.DATA_DIR) / "uploads" / f"{progress_id}.bin"


def output_path(progress_id: int) -> Path:
    """Where a task leaves a file for its owner to download (a zip of reports), 0600; deleted
    with its record when the record is pruned."""
    return Path(settings.DATA_DIR) / "outputs" / f"{progress_id}.bin"


def _forget_input(progress_id: int) -> None:
    input_path(progress_id).unlink(missing_ok=True)


def write_output(progress_id: int, write: Callable[[IO[bytes]], None]) -> Path:
    """Let ``write`` fill the task's output file; whole or not at all, readable by the server's
    user only."""
    path = output_path(progress_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".output-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w+b") as handle:
            write(handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def start(
    owner: User, kind: str, *, payload: bytes | IO[bytes] | None = None, total: int = 0
) -> TaskProgress:
    """A new progress record for ``owner``'s task, with its input (bytes, or a binary file such
    as an upload, copied a chunk at a time from its start) waiting in the data dir."""
    record = TaskProgress.objects.create(owner=owner, kind=kind, total=total)
    if payload is not None:
        path = input_path(record.pk)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Whole or not at all: a worker never reads a half-written file.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                if isinstance(payload, bytes | bytearray):
                    handle.write(payload)
                else:
                    payload.seek(0)
                    shutil.copyfileobj(payload, handle, _COPY_CHUNK)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            record.delete()
            raise
    return record


def _rows(progress_id: int) -> Any:
    return TaskProgress.objects.filter(pk=progress_id)


def take_payload(progress_id: int) -> tuple[TaskProgress, bytes]:
    """Mark the task running and hand over its input, which leaves the database."""
    with system_access(_REASON):
        record = TaskProgress.objects.select_related("owner").get(pk=progress_id)
        path = input_path(progress_id)
        data = path.read_bytes() if path.exists() else bytes(record.payload or b"")
        _rows(progress_id).update(
            state=TaskProgress.State.RUNNING, payload=None, updated_at=timezone.now()
        )
    _forget_input(progress_id)
    return record, data


def take_file(progress_id: int) -> tuple[TaskProgress, IO[bytes]]:
    """Mark the task running and hand over its input as an open file, read in place (a big
    upload is never held in memory). Its name in the data dir is gone at once: the open file
    stays readable until it is closed, and nothing is left behind if the task dies."""
    with system_access(_REASON):
        record = TaskProgress.objects.select_related("owner").get(pk=progress_id)
        path = input_path(progress_id)
        try:
            handle: IO[bytes] = path.open("rb")
        except FileNotFoundError:
            handle = io.BytesIO(bytes(record.payload or b""))
        _rows(progress_id).update(
            state=TaskProgress.State.RUNNING, payload=None, updated_at=timezone.now()
        )
    _forget_input(progress_id)
    return record, handle


def reporter(progress_id: int, *, clock: Callable[[], float] = time.monotonic) -> Reporter:
    """A ``progress(done, total)`` callable that stores how far the task has come."""
    last = [float("-inf")]
    written = [(-1, -1)]

    def report(done: int, total: int) -> None:
        now = clock()
        if (done, total) == written[0] or (done < total and now - last[0] < _EVERY_SECONDS):
            return
        last[0] = now
        written[0] = (done, total)
        with system_access(_REASON):
            _rows(progress_id).update(
                done=max(0, done), total=max(0, total), updated_at=timezone.now()
            )

    return report


Done = TypeVar("Done")
_logger = logging.getLogger(__name__)


def attempt(progress_id: int, work: Callable[[], Done], *, what: str) -> tuple[bool, Done | None]:
    """Run a task's ``work``, recording a failure on its record: a database busy past its
    timeout is ``{"error": "busy"}`` and answers ``(False, None)`` (the work took back what it
    wrote); anything else is ``{"error": "failed"}`` and is raised again. ``(True, value)`` when
    the work finished; the task then calls ``finish`` with what it made."""
    try:
        return True, work()
    except OperationalError as error:
        _logger.warning("%s stopped: %s", what, error)
        finish(progress_id, result={"error": "busy"}, failed=True)
        return False, None
    except Exception:
        finish(progress_id, result={"error": "failed"}, failed=True)
        raise


def finish(progress_id: int, *, result: Any, failed: bool = False) -> None:
    state = TaskProgress.State.FAILED if failed else TaskProgress.State.DONE
    with system_access(_REASON):
        _rows(progress_id).update(
            state=state, result=result, payload=None, updated_at=timezone.now()
        )
    _forget_input(progress_id)


def settle_stalled(now: datetime | None = None) -> int:
    """Record as failed every task no worker has said a word about for ``TASK_STALLED_AFTER``
    (its worker stopped); pages already show them so. Returns how many; their inputs go."""
    cutoff = (now or timezone.now()) - TASK_STALLED_AFTER
    with system_access("the worker's daily clean-up records tasks whose worker stopped"):
        stalled = TaskProgress.objects.filter(
            state__in=[TaskProgress.State.QUEUED, TaskProgress.State.RUNNING],
            updated_at__lt=cutoff,
        )
        ids = list(stalled.values_list("pk", flat=True))
        count = TaskProgress.objects.filter(pk__in=ids).update(
            state=TaskProgress.State.FAILED,
            result={"error": "stalled"},
            payload=None,
            updated_at=timezone.now(),
        )
    for progress_id in ids:
        _forget_input(progress_id)
    return count


def prune(before: datetime) -> int:
    """Delete finished progress records last updated before ``before`` (the page that showed
    them is long gone); returns how many. Tasks whose worker stopped are first recorded as
    failed (``settle_stalled``); records still waiting or running stay."""
    settle_stalled()
    with system_access("the worker's daily clean-up removes old finished progress records"):
        old = TaskProgress.objects.filter(
            state__in=[TaskProgress.State.DONE, TaskProgress.State.FAILED], updated_at__lt=before
        )
        ids = list(old.values_list("pk", flat=True))
        deleted, _ = old.delete()
    for progress_id in ids:
        _forget_input(progress_id)
        output_path(progress_id).unlink(missing_ok=True)
    return deleted
