"""The unread-messages badge in the site's navigation, at no query for people with no care.

Whether someone takes part in care at all (``messaging.takes_part``: a care relationship on
either side, ever) is noted in their session when they sign in, and asked again when the note
says no and is older than ``RECHECK_SECONDS`` (so a relationship made on another device shows
within minutes): a person on their own makes no query for it on their pages, save one such
check (and one session save) every ten minutes. Someone who takes part pays one query per page, the
unread count, and only on pages that show the navigation (the count is lazy).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from crampcare.care import messaging

SESSION_KEY = "care.messages"
RECHECK_SECONDS = 600


def takes_part(request: HttpRequest) -> bool:
    """Whether the signed-in person has, or had, a care relationship, as their session notes
    it; asked again when the note is missing, or says no and is older than the recheck."""
    user = request.user
    if not user.is_authenticated:
        return False
    now = int(timezone.now().timestamp())
    noted: Any = request.session.get(SESSION_KEY)
    if isinstance(noted, list) and len(noted) == 2:
        yes, checked = noted
        if yes or now - int(checked) < RECHECK_SECONDS:
            return bool(yes)
    note(request, user)
    return bool(request.session[SESSION_KEY][0])


def unread(request: HttpRequest) -> SimpleLazyObject | None:
    """The signed-in person's unread count, counted when a page shows it; None for people with
    no care, who get no Messages link."""
    if not takes_part(request):
        return None
    user = request.user
    return SimpleLazyObject(lambda: messaging.unread_total(user))


def note(request: HttpRequest, user: Any) -> None:
    """Note in a new session whether ``user`` takes part in care (one query at sign-in), so
    their pages need not ask."""
    request.session[SESSION_KEY] = [
        messaging.takes_part(user),
        int(timezone.now().timestamp()),
    ]


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        note(request, user)


def connect() -> None:
    user_logged_in.connect(on_sign_in, dispatch_uid="care.badge.on_sign_in")
