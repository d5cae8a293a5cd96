"""The public coverage check (/coverage/) and enrolment (/coverage/enrol/). Thin: parse, call
``care.coverage``, render. Nothing here needs an account until the person enrols; a visitor who
is not signed in signs up or signs in first, and the enrolment waits in their session as the
signed token (never the date of birth)."""

from __future__ import annotations

from allauth.core import ratelimit
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from crampcare.care import coverage
from crampcare.care.organisation_forms import CoverageForm, EnrolForm
from crampcare.validation_errors import as_text


@never_cache
def check(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the answer: who covers you, or one neutral sentence."""
    if request.method != "POST":
        return render(request, "care/coverage.html", {"form": CoverageForm()})
    form = CoverageForm(request.POST)
    if not form.is_valid():
        return render(request, "care/coverage.html", {"form": form}, status=400)
    identifier = form.cleaned_data["identifier"]
    key = coverage.rate_key(identifier)
    if not ratelimit.consume(request, action="coverage_check", key=key):
        context = {"form": form, "too_many": coverage.TOO_MANY}
        return render(request, "care/coverage.html", context, status=429)
    result = coverage.check(identifier, form.cleaned_data["date_of_birth"])
    context = {"form": form, "result": result, "not_confirmed": coverage.NOT_CONFIRMED}
    return render(request, "care/coverage.html", context)


def _next_here() -> str:
    return urlencode({"next": reverse("coverage:enrol")})


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """POST (from a hit): enrol now, or keep the token and ask the visitor to sign up or in.
    GET (back from signing up or in): finish the enrolment waiting in the session."""
    if request.method == "POST":
        form = EnrolForm(request.POST)
        if not form.is_valid():
            return redirect("coverage:check")
        token = form.cleaned_data["token"]
        if not request.user.is_authenticated:
            request.session[coverage.SESSION_KEY] = token
            return redirect("coverage:enrol")
        return _finish(request, token)
    token = request.session.get(coverage.SESSION_KEY)
    if not isinstance(token, str) or not token:
        return redirect("coverage:check")
    if not request.user.is_authenticated:
        context = {
            "waiting": coverage.organisation_of(token),
            "signup_url": f"{reverse('accounts:signup')}?{_next_here()}",
            "login_url": f"{reverse('account_login')}?{_next_here()}",
        }
        return render(request, "care/enrol.html", context)
    return _finish(request, token)


def _finish(request: HttpRequest, token: str) -> HttpResponse:
    request.session.pop(coverage.SESSION_KEY, None)
    try:
        enrolment = coverage.enrol(request.user, token)  # type: ignore[arg-type]
    except ValidationError as exc:
        return render(request, "care/enrol.html", {"problem": as_text(exc)}, status=400)
    return render(request, "care/enrol.html", {"enrolment": enrolment})
