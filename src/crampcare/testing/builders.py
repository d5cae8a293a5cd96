from __future__ import annotations

import itertools
from typing import Any

from crampcare.accounts.models import User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(email: str | None = None, **extra: Any) -> User:
    email = email or f"person{next(_counter)}@example.org"
    return User.objects.create_user(email, PASSWORD, **extra)
