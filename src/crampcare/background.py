"""Background tasks: the one way crampcare runs work outside a request (docs/deployment.md).

Tasks are plain functions decorated with ``django_tasks.task`` in each app's ``tasks.py``; the
backend comes from ``CRAMPCARE_TASKS`` (settings): the database (run by the worker that
``crampcare serve`` starts), RQ on Redis (``crampcare worker`` processes), or at once in the
caller (tests). Work that follows a write is queued when the write commits, so a rolled-back
change never sends its email, and the worker never looks for a row it cannot see yet.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits (at once outside
    one). Arguments are stored by the queue: ids and short strings, never personal content."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def seal(secret: str) -> str:
    """``secret`` encrypted with a key made from SECRET_KEY, for a task argument the queue must
    not hold in clear (an invitation's code, kept in the database only as a digest)."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    """What ``seal`` hid; raises ``ValueError`` for a token this server did not seal."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as problem:
        raise ValueError("not a sealed value of this server") from problem


def _fernet() -> Any:
    from cryptography.fernet import Fernet
    from django.conf import settings

    key = hashlib.sha256(f"crampcare.background.seal:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))
