"""Template context every page needs: the navigation, built from the URL names that exist."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.onboarding import needs_owner
from crampcare.care import badge
from crampcare.programs.hold import hold_for

# (url name, label, signed-in only). Links to parts not installed are skipped.
NAV = (
    ("home:index", _("Home"), False),
    ("programs:today", _("My program"), True),
    ("diary:index", _("Diary"), True),
    ("insights:index", _("Insights"), True),
    ("assessment:start", _("Check my cramps"), False),
    ("knowledge:topics", _("Learn"), False),
    ("knowledge:exercises", _("Exercises"), False),
)


def site(request: HttpRequest) -> dict[str, object]:
    signed_in = request.user.is_authenticated
    items = []
    for name, label, private in NAV:
        if private and not signed_in:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "current": current})
    # Messages with the care team, and how many are unread: only for people who take part in
    # care, so a person on their own makes no query for it (care/badge.py).
    unread = badge.unread(request) if signed_in else None
    if unread is not None:
        url = reverse("care:messages")
        items.append(
            {
                "url": url,
                "label": _("Messages"),
                "current": request.path.startswith(url),
                "unread": unread,
            }
        )
    if signed_in:
        items.append(
            {
                "url": reverse("accounts:settings"),
                "label": _("Account"),
                "current": request.path.startswith("/account"),
            }
        )
    else:
        items.append(
            {
                "url": reverse("account_login"),
                "label": _("Sign in"),
                "current": request.path.startswith("/accounts/login"),
            }
        )
    # The red-flag hold (programs/hold.py), looked up only by a page that asks for it: the relief
    # guide leaves out rubbing the calf while a clot or muscle breakdown is suspected (P16).
    program_hold = SimpleLazyObject(lambda: hold_for(request.user, request.user))
    # Whether "Create an account" leads anywhere: sign-up is closed after the owner on a server
    # without email (settings.OPEN_SIGNUP), and a dead link would only waste a tired person's tap.
    # Lazy: only the few pages that offer sign-up ask (needs_owner() may query the database).
    signup_open = SimpleLazyObject(
        lambda: not signed_in and (settings.OPEN_SIGNUP or needs_owner())
    )
    return {
        "nav_items": items,
        # The language switcher (base.html): each language named in itself, never translated.
        "interface_languages": settings.LANGUAGES,
        "nav_unread": unread,
        "program_hold": program_hold,
        "signup_open": signup_open,
    }
