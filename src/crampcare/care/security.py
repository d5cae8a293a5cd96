"""Stricter sign-in for the people who see others' health data: clinicians and organisation
admins must use two-step sign-in (an authenticator app or a security key, allauth.mfa) before any
care page or care API route, and are signed out after ``CRAMPCARE_CARE_IDLE_MINUTES`` without a
request.

A person with no such role (someone on their own install, a patient, a plain member of an
organisation) is never asked for either: nothing changes for them.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crampcare.care.models import Membership, Role

# The roles that see other people's data, or manage who does.
CARE_ROLES = (Role.CLINICIAN, Role.ADMIN)
# What counts as two-step sign-in: the app or a security key. Recovery codes alone are a
# fallback, not a factor set up.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

MFA_REQUIRED = _(
    "Two-step sign-in is required for clinicians and organisation admins. Turn it on in your "
    "account (Two-step sign-in), then try again."
)
SIGNED_OUT_IDLE = _(
    "You were signed out after %(minutes)d minutes without activity, to keep your patients' "
    "data safe. Sign in again to carry on."
)

# The session's last request, in seconds since the epoch. Only the sessions of clinicians and
# admins hold it: its presence is what puts a session on the idle clock.
LAST_SEEN = "care.last_seen"


def holds_care_role(user: Any) -> bool:
    """Whether ``user`` is a clinician or an admin of any organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, role__in=CARE_ROLES).exists()


def has_second_factor(user: Any) -> bool:
    return bool(is_mfa_enabled(user, SECOND_FACTORS))


def mfa_missing(user: Any) -> bool:
    """A clinician or admin without two-step sign-in: refused every care route until they set
    it up. Also true for their personal access tokens: a token is made from a signed-in
    session, so it may read patients' data only while its owner has a second factor."""
    return holds_care_role(user) and not has_second_factor(user)


def idle_limit_seconds() -> int:
    return int(settings.CRAMPCARE_CARE_IDLE_MINUTES) * 60


def start_idle_clock(request: HttpRequest) -> None:
    request.session[LAST_SEEN] = int(timezone.now().timestamp())


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A clinician's or admin's new session starts on the idle clock."""
    if request is not None and hasattr(request, "session") and holds_care_role(user):
        start_idle_clock(request)


def connect() -> None:
    user_logged_in.connect(on_sign_in, dispatch_uid="care.security.on_sign_in")
