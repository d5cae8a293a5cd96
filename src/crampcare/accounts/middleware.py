from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from crampcare.accounts.models import User
from crampcare.accounts.onboarding import needs_owner
from crampcare.accounts.request import activate_zone
from crampcare.page_middleware import API_DOCS, API_PREFIX

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
    "/sw.js",
    "/offline/",
    "/language/",
)


class OnboardingMiddleware:
    """On an empty database, send people to the page that creates the owner account."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_BEFORE_ONBOARDING) and needs_owner():
            return HttpResponseRedirect(welcome_url(request))
        return self.get_response(request)


def welcome_url(request: HttpRequest) -> str:
    """The owner's welcome page, keeping where the person was going (a page of this site)."""
    url = reverse("accounts:welcome")
    if request.method != "GET":
        return url
    if request.path.startswith("/accounts/"):
        # Sign-in and sign-up links carry their own destination: keep that, not the form itself.
        target = request.GET.get("next", "")
    else:
        target = request.get_full_path() if request.path != "/" else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return f"{url}?{urlencode({'next': target})}"
    return url


SIGNED_OUT = "_crampcare_signed_out"
CLEAR_ON_SIGN_OUT = '"cache", "storage"'


def mark_signed_out(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``user_logged_out``: the answer to this request clears the browser's copies."""
    if request is not None:
        setattr(request, SIGNED_OUT, True)


class PrivacyHeadersMiddleware:
    """Headers every answer gets: which browser features pages may use, and no copy of a
    personal page, export or API answer kept by the browser or anything in between."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if (
            request.path.startswith("/api/")
            or request.user.is_authenticated
            or _holds_answers(request)
        ):
            # Replaces any softer Cache-Control: a shared computer's back button or a proxy
            # must not show someone's health data to the next person.
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate
        if getattr(request, SIGNED_OUT, False):
            # Signing out empties what this browser keeps of the site: the app's copies of the
            # person's own pages (home/pwa.py) go with the session.
            response["Clear-Site-Data"] = CLEAR_ON_SIGN_OUT
        if request.path.startswith(API_DOCS):
            # Swagger UI (django-ninja's own static files) styles its widgets inline.
            response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response


def _holds_answers(request: HttpRequest) -> bool:
    # A visitor's page that read a non-empty session shows what they entered (e.g. their
    # assessment answers and result): as personal as a signed-in page.
    session = getattr(request, "session", None)
    return session is not None and session.accessed and not session.is_empty()


class LanguageMiddleware:
    """Pages of a signed-in person in the language saved on their account.

    Django's LocaleMiddleware, earlier in the chain, has already picked the language from the
    language cookie or the browser's Accept-Language; a language saved on the account wins over
    both, and so does ``?language=`` on a GET for anyone without a saved one. The answer also
    carries the account's language as the cookie, so it is applied from the answer to the
    sign-in on, and stays after signing out on that device. The JSON API is passed by without
    reading the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        saved = _saved_language(request)
        asked = request.GET.get("language", "") if request.method == "GET" else ""
        if saved:
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        elif asked in dict(settings.LANGUAGES):
            # A page asked for by language (the service worker's offline copies, fetched
            # without cookies): that language, for this answer only.
            translation.activate(asked)
            request.LANGUAGE_CODE = asked
        response = self.get_response(request)
        # Read again: the person may have signed in, or chosen a language, in this request.
        language = _saved_language(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response


def _saved_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    assert isinstance(user, User)
    return user.language


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


class TimeZoneMiddleware:
    """Pages of a signed-in person show dates and times in their own zone.

    The JSON API is passed by here without reading the session: its authentication activates the
    zone of whoever it finds, session or token (a token's caller is known only in the view).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            user = request.user
            if user.is_authenticated:
                assert isinstance(user, User)
                activate_zone(user)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
