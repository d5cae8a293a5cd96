"""The care team's two middlewares (care/security.py says why): clinicians and admins are signed
out after a quiet spell, and sent to set up two-step sign-in before any care page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from crampcare.care import security
from crampcare.page_middleware import API_PREFIX

CARE_PAGES = "/care/"
LAST_SEEN_STEP = 60
"""Seconds between two updates of a session's last request (the idle clock's resolution)."""
CARE_API = (f"{API_PREFIX}v1/care/", f"{API_PREFIX}v1/me/access-log")


def _is_care_route(request: HttpRequest) -> bool:
    return request.path_info.startswith((CARE_PAGES, *CARE_API))


def _holds_care_role(request: HttpRequest) -> bool:
    # Asked once per request, whichever middleware asks first.
    cached: bool | None = getattr(request, "_care_role", None)
    if cached is None:
        cached = security.holds_care_role(request.user)
        request._care_role = cached  # type: ignore[attr-defined]
    return cached


class CareIdleTimeoutMiddleware:
    """Signs a clinician or admin out when their last request is older than the limit.

    Only sessions holding ``security.LAST_SEEN`` are timed: set when a clinician or admin signs
    in, or on their first care route in a session that began before they had the role. Nobody
    else's requests read anything but the session they already carry. Token calls to the API
    have no session and are not timed (a token is revoked, not timed out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        last_seen = request.session.get(security.LAST_SEEN)
        if last_seen is None:
            if _is_care_route(request) and _holds_care_role(request):
                security.start_idle_clock(request)
            return self.get_response(request)
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = int(timezone.now().timestamp())
        if now - int(last_seen) > security.idle_limit_seconds():
            return self._sign_out(request)
        if now - int(last_seen) >= LAST_SEEN_STEP:
            # At most once a minute: the session is saved (a database write) whenever it changes.
            request.session[security.LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest) -> HttpResponse:
        logout(request)
        text = security.SIGNED_OUT_IDLE % {"minutes": security.idle_limit_seconds() // 60}
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": str(text)}, status=401)
        messages.info(request, text)
        return redirect_to_login(request.get_full_path())


class CareMFAMiddleware:
    """A clinician or admin without two-step sign-in opens no care page: they are sent to set it
    up. (The care API refuses them with a 403 in its authentication, tokens included.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path_info.startswith(CARE_PAGES)
            and _holds_care_role(request)
            and not security.has_second_factor(request.user)
        ):
            messages.warning(request, security.MFA_REQUIRED)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
