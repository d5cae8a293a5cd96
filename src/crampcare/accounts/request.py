"""Who is asking: the request of a signed-in person, and their time zone made the current one.

Views that need a signed-in person are decorated with ``@login_required`` (pages) or sit behind
``session_or_token`` (the API), and take ``request: AuthenticatedHttpRequest``: ``request.user``
is then the ``User``, typed, with no helper to fetch it.

Dates and times render in the person's own zone on every signed-in request: the pages get it
from ``accounts.middleware.TimeZoneMiddleware``, the API from its authentication (a session or a
personal access token, ``accounts/auth.py``) once that knows who is calling. Both go through
``activate_zone``; the middleware puts the server's zone back when the answer is made.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from crampcare.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in person (after ``@login_required`` or the API's auth)."""

    user: User


def activate_zone(user: User) -> None:
    """Make the person's time zone the current one, for this request's thread."""
    timezone.activate(user.zone)
