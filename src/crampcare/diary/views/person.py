"""What every diary page needs: the signed-in person, with times shown in their own zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Concatenate, ParamSpec

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from crampcare.accounts.models import User

P = ParamSpec("P")


def diary_view(
    view: Callable[Concatenate[HttpRequest, User, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Sign-in required; the view gets the person, and dates and times render in their zone."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)  # guaranteed by login_required
        with timezone.override(user.zone):
            return view(request, user, *args, **kwargs)

    return login_required(wrapped)


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields (or on top if it has none)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


DEFAULT_WEEKS = 4
MAX_WEEKS = 52


def diary_weeks_for(latest: date, night: date) -> int:
    """How many weeks the diary page must show, back from ``latest``, to include ``night``."""
    weeks = -(-((latest - night).days + 1) // 7)
    return min(max(weeks, DEFAULT_WEEKS), MAX_WEEKS)


def weeks_param(value: str | None) -> int:
    """The ``?weeks=`` of the diary page, from DEFAULT_WEEKS to MAX_WEEKS (else the default).

    Never fewer than the default, so the page always sees the two weeks that can be backfilled.
    """
    try:
        weeks = int(value or DEFAULT_WEEKS)
    except ValueError:
        return DEFAULT_WEEKS
    return min(max(weeks, DEFAULT_WEEKS), MAX_WEEKS)
