from __future__ import annotations

import itertools
from typing import Any, TypeVar

from django.db.models import QuerySet

from crampcare.accounts.models import User
from crampcare.accounts.ownership import OwnedModel, system_access

M = TypeVar("M", bound=OwnedModel)

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(email: str | None = None, **extra: Any) -> User:
    email = email or f"person{next(_counter)}@example.org"
    return User.objects.create_user(email, PASSWORD, **extra)


def every_row(model: type[M]) -> QuerySet[M]:
    """Everyone's rows of an owned model, for a test that checks what the app left behind
    (outside a test, unscoped queries on personal data fail)."""
    with system_access("a test checks every row the app left behind"):
        return model.objects.all()
