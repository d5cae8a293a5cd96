"""The diary's overview pages: the last weeks, and the nights still to fill in."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.diary import services
from crampcare.diary.models import DailyFactors
from crampcare.diary.overview import diary_began, in_weeks, missing_nights
from crampcare.diary.views.entries import QUICK_COUNTS
from crampcare.diary.views.person import MAX_WEEKS, weeks_param


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    weeks = weeks_param(request.GET.get("weeks"))
    latest = services.current_night(user)
    last_night = services.last_night(user)
    nights = services.diary_nights(user, user, latest - timedelta(days=7 * weeks - 1), latest)
    by_night = {n.night: n for n in nights}
    today = services.today(user)
    return render(
        request,
        "diary/index.html",
        {
            "weeks": in_weeks(nights),
            "week_count": weeks,
            "more_weeks": min(weeks + 4, MAX_WEEKS) if weeks < MAX_WEEKS else None,
            "last_night": by_night[last_night],
            "counts": QUICK_COUNTS,
            "today": today,
            "today_logged": DailyFactors.objects.for_user(user).filter(date=today).exists(),
            "missing": missing_nights(user, nights, last_night),
            "began": diary_began(user, nights),
        },
    )


@login_required
def backfill(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    nights = services.backfill_nights(user, services.last_night(user))
    return render(
        request,
        "diary/backfill.html",
        {"nights": nights, "missing": sum(1 for n in nights if not n.recorded)},
    )
