"""Who is asking: the request of a signed-in person, and their time zone made the current one.

Views that need a signed-in person are decorated with ``@login_required`` (pages) or sit behind
``session_or_token`` (the API), and take ``request: AuthenticatedHttpRequest``: ``request.user``
is then the ``User``, typed, with no helper to fetch it.

Dates and times render in the person's own zone on every signed-in request: the pages get it
from ``accounts.middleware.TimeZoneMiddleware``, the API from its authentication (a session or a
personal access token, ``accounts/auth.py``) once that knows who is calling. Both go through
``activate_zone``; the middleware puts the server's zone back when the answer is made.

The same goes for the person's language, when they chose one (``User.language``): the pages get it
from ``accounts.middleware.LanguageMiddleware``, the API from its authentication, both through
``activate_language``. Work done for someone outside a request of theirs (an email from the
worker) runs inside ``speaking(person)``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation

from crampcare.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in person (after ``@login_required`` or the API's auth)."""

    user: User


def activate_zone(user: User) -> None:
    """Make the person's time zone the current one, for this request's thread."""
    timezone.activate(user.zone)


def language_of(user: User) -> str:
    """The language to write to the person in: the one they chose, else the site's default."""
    return user.language or settings.LANGUAGE_CODE


def activate_language(request: HttpRequest, user: User) -> None:
    """Make the language the person chose the current one (nothing when they left it to their
    browser, whose language Django's LocaleMiddleware has already made current)."""
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


def speaking(user: User) -> translation.override:
    """``with speaking(person):`` renders emails and documents in the person's language."""
    return translation.override(language_of(user))
