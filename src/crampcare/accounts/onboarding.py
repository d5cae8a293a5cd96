"""Whether this installation still needs its owner account."""

from __future__ import annotations

from django.contrib.auth import get_user_model

_has_people = False


def needs_owner() -> bool:
    # Once anyone exists the answer never goes back to True in this process, so we stop asking
    # the database: the check costs one query per request only on a brand-new install.
    global _has_people
    if _has_people:
        return False
    _has_people = get_user_model().objects.exists()
    return not _has_people


def forget() -> None:
    """For tests that empty the database between cases."""
    global _has_people
    _has_people = False
