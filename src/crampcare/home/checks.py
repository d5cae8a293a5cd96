"""`crampcare check --deploy`: refuse a production set-up that is not safe to put online."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_profile(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not settings.PRODUCTION:
        problems.append(
            Error(
                "The local profile is not for a server others can reach.",
                hint="Set CRAMPCARE_PROFILE=production (HTTPS-only cookies, HSTS, proxy headers).",
                id="crampcare.E001",
            )
        )
    if settings.DEBUG:
        problems.append(
            Error(
                "DEBUG is on: error pages would show settings and personal data to anyone.",
                hint="Unset DEBUG (or set DEBUG=false).",
                id="crampcare.E002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS contains '*': any host name is accepted.",
                hint="Name your site's host(s), e.g. ALLOWED_HOSTS=cramps.example.org.",
                id="crampcare.E003",
            )
        )
    if settings.OPEN_SIGNUP and settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        problems.append(
            Warning(
                "Sign-up is open without confirming addresses by email: a stranger can learn "
                "whether an address has an account here by trying to sign up with it.",
                hint="Set up email (EMAIL_HOST) and CRAMPCARE_EMAIL_VERIFICATION=mandatory, or "
                "CRAMPCARE_OPEN_SIGNUP=false once your people have accounts.",
                id="crampcare.W001",
            )
        )
    return problems
