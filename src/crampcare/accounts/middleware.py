from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from crampcare.accounts.onboarding import needs_owner

# Pages that work without an account keep working before the owner exists: a person with a
# cramp must never meet a set-up screen.
OPEN_BEFORE_ONBOARDING = (
    "/welcome/",
    "/static/",
    "/api/",
    "/cramp-now/",
    "/learn/",
    "/exercises/",
    "/references/",
    "/search/",
    "/assessment/",
    "/healthz",
    "/favicon",
    "/manifest",
)


class OnboardingMiddleware:
    """On an empty database, send people to the page that creates the owner account."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_BEFORE_ONBOARDING) and needs_owner():
            return redirect("accounts:welcome")
        return self.get_response(request)
