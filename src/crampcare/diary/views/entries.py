"""Logging, editing and deleting cramps, morning check-ins and a day's factors."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.diary import services
from crampcare.diary.forms import (
    CheckinCountForm,
    CheckinForm,
    CheckinSeverityForm,
    EpisodeForm,
    FactorsForm,
    parse_night,
)
from crampcare.diary.models import (
    SEVERITY_MAX,
    CrampEpisode,
    DailyFactors,
    Muscle,
    NightCheckin,
)
from crampcare.diary.views.person import (
    DEFAULT_WEEKS,
    diary_weeks_for,
)
from crampcare.knowledge.relief_clock import parse_since
from crampcare.validation_errors import attach_errors

QUICK_COUNTS = (0, 1, 2, 3)
SCORES = tuple(range(SEVERITY_MAX + 1))


def _night_label(night: date) -> str:
    return formats.date_format(night, _("l j F"))


# -- cramps ---------------------------------------------------------------------------------------


@login_required
def log_cramp(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One tap: POST logs a cramp now. GET shows the button (e.g. after signing in)."""
    user = request.user
    muscle = request.POST.get("muscle") or request.GET.get("muscle", "")
    muscle = muscle if muscle in Muscle.values else ""
    if request.method != "POST":
        # From the relief guide by way of sign-in or sign-up: keep when the guide started.
        raw = request.GET.get("since", "")
        since = int(raw) if raw.isdigit() and parse_since(raw, timezone.now()) == int(raw) else None
        started = datetime.fromtimestamp(since, UTC) if since else None
        return render(
            request, "diary/log_cramp.html", {"muscle": muscle, "since": since, "started": started}
        )
    # From the relief guide, the cramp began when the guide was opened, not at this tap.
    started = None
    if request.POST.get("since"):
        started = datetime.fromtimestamp(parse_since(request.POST["since"], timezone.now()), UTC)
    episode = services.log_cramp(user, muscle=muscle, now=started)
    messages.success(
        request,
        _("Cramp logged at %(time)s. Add details if you like, or leave it there.")
        % {"time": formats.time_format(timezone.localtime(episode.started_at), "H:i")},
    )
    return redirect("diary:episode_edit", pk=episode.pk)


@login_required
def episode_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = EpisodeForm(request.POST or None, zone=user.zone)
    if not request.POST:
        form.initial["started_at"] = request.GET.get("started_at") or timezone.now()
        if request.GET.get("muscle") in Muscle.values:
            form.initial["muscle"] = request.GET["muscle"]
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.create_episode(user, **form.entry_fields())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Cramp saved."))
            return redirect(_diary_at(user, episode.night))
    status = 400 if form.errors else 200
    return render(request, "diary/episode_form.html", {"form": form}, status=status)


@login_required
def episode_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    episode = get_owned_or_404(CrampEpisode, user, pk=pk)
    form = EpisodeForm(request.POST or None, instance=episode, zone=user.zone)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_episode(user, pk, **form.entry_fields())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Cramp saved."))
            return redirect(_diary_at(user, saved.night))
    status = 400 if form.errors else 200
    return render(
        request, "diary/episode_form.html", {"form": form, "episode": episode}, status=status
    )


@login_required
def episode_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    episode = get_owned_or_404(CrampEpisode, user, pk=pk)
    if request.method == "POST":
        services.delete_episode(user, pk)
        messages.success(request, _("The cramp is deleted."))
        return redirect(_diary_at(user, episode.night))
    when = formats.date_format(timezone.localtime(episode.started_at), _("l j F, H:i"))
    return render(
        request,
        "diary/confirm_delete.html",
        {
            "title": _("Delete this cramp?"),
            "what": _("The cramp you logged on %(when)s.") % {"when": when},
            "cancel_url": reverse("diary:episode_edit", args=[pk]),
        },
    )


# -- morning check-ins ----------------------------------------------------------------------------


@login_required
def checkin(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The under-ten-seconds check-in, step one: how many cramps last night (or a missed night).

    One template serves the whole page and, for htmx, just the card that changes.
    """
    user = request.user
    if request.method == "POST":
        form = CheckinCountForm(request.POST)
        if form.is_valid():
            night, count = form.cleaned_data["night"], form.cleaned_data["cramp_count"]
            try:
                services.record_checkin(user, night, cramp_count=count)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return _after_count(request, user, night, count)
        night = form.cleaned_data.get("night") or services.last_night(user)
        return _checkin_step(request, user, "count", night, form=form, status=400)
    night = _night_asked(request, user)
    return _checkin_step(request, user, "count", night)


@login_required
def checkin_severity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step two, optional: one tap for how painful the night's cramps were."""
    user = request.user
    if request.method == "POST":
        form = CheckinSeverityForm(request.POST)
        if form.is_valid():
            night = form.cleaned_data["night"]
            saved = get_owned_or_404(NightCheckin, user, night=night)
            try:
                services.update_checkin(user, saved.pk, severity=form.cleaned_data["severity"])
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return _checkin_done(request, user, night)
        night = form.cleaned_data.get("night") or services.last_night(user)
        if not NightCheckin.objects.for_user(user).filter(night=night).exists():
            # Pain belongs to a saved check-in: without one, start with the count.
            return redirect(reverse("diary:checkin") + f"?night={night}")
        return _checkin_step(request, user, "severity", night, form=form, status=400)
    night = _night_asked(request, user)
    if not NightCheckin.objects.for_user(user).filter(night=night).exists():
        return redirect(reverse("diary:checkin") + f"?night={night}")
    return _checkin_step(request, user, "severity", night)


def _night_asked(request: HttpRequest, user: User) -> date:
    night, usable = parse_night(
        request.GET.get("night"),
        default=services.last_night(user),
        latest=services.current_night(user),
    )
    if not usable:
        messages.warning(request, _("That night could not be used, so here is last night."))
    return night


def _checkin_step(
    request: HttpRequest,
    user: User,
    step: str,
    night: date,
    *,
    form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    template = "diary/checkin.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += f"#{step}"
    return render(
        request,
        template,
        {
            "step": step,
            "night": night,
            "is_last_night": night == services.last_night(user),
            "checkin": NightCheckin.objects.for_user(user).filter(night=night).first(),
            "counts": QUICK_COUNTS,
            "scores": SCORES,
            "form": form,
        },
        status=status,
    )


def _after_count(request: HttpRequest, user: User, night: date, count: int) -> HttpResponse:
    if count == 0:
        return _checkin_done(request, user, night)
    if request.htmx:  # type: ignore[attr-defined]
        return _checkin_step(request, user, "severity", night)
    return redirect(reverse("diary:checkin_severity") + f"?night={night}")


def _checkin_done(request: HttpRequest, user: User, night: date) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _checkin_step(request, user, "done", night)
    messages.success(
        request,
        _("Saved your check-in for the night of %(night)s.") % {"night": _night_label(night)},
    )
    return redirect(_diary_at(user, night))


@login_required
def checkin_details(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything about a night's check-in: the count, pain, lost sleep and notes."""
    user = request.user
    night, usable = parse_night(
        request.POST.get("night") or request.GET.get("night"),
        default=services.last_night(user),
        latest=services.current_night(user),
    )
    saved = NightCheckin.objects.for_user(user).filter(night=night).first()
    if saved is None or not usable:
        return redirect(reverse("diary:checkin") + f"?night={night}")
    form = CheckinForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_checkin(user, saved.pk, **form.entry_fields())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return _checkin_done(request, user, night)
    status = 400 if form.errors else 200
    return render(
        request,
        "diary/checkin_details.html",
        {"form": form, "checkin": saved, "night": night},
        status=status,
    )


@login_required
def checkin_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    saved = get_owned_or_404(NightCheckin, user, pk=pk)
    if request.method == "POST":
        services.delete_checkin(user, pk)
        messages.success(request, _("The check-in is deleted."))
        return redirect(_diary_at(user, saved.night))
    return render(
        request,
        "diary/confirm_delete.html",
        {
            "title": _("Delete this check-in?"),
            "what": _("Your morning check-in for the night of %(night)s.")
            % {"night": _night_label(saved.night)},
            "cancel_url": reverse("diary:checkin_details") + f"?night={saved.night}",
        },
    )


# -- the day's factors ----------------------------------------------------------------------------


@login_required
def factors(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log (or change) the things that might set cramps off, for today or a past day."""
    user = request.user
    today = services.today(user)
    day, usable = parse_night(request.GET.get("date"), default=today, latest=today)
    if not usable:
        messages.warning(request, _("That day could not be used, so here is today."))
    saved = DailyFactors.objects.for_user(user).filter(date=day).first()
    form = FactorsForm(
        request.POST or None,
        instance=saved or DailyFactors(owner=user, date=day),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["date"]
        try:
            services.record_factors(user, chosen, **form.entry_fields())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved the factors for %(day)s.") % {"day": _night_label(chosen)},
            )
            return redirect(_diary_at(user, chosen))
    status = 400 if form.errors else 200
    return render(
        request,
        "diary/factors_form.html",
        {"form": form, "saved": saved, "day": day, "is_today": day == today},
        status=status,
    )


@login_required
def factors_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    saved = get_owned_or_404(DailyFactors, user, pk=pk)
    if request.method == "POST":
        services.delete_factors(user, pk)
        messages.success(request, _("The factors are deleted."))
        return redirect(_diary_at(user, saved.date))
    return render(
        request,
        "diary/confirm_delete.html",
        {
            "title": _("Delete this day’s factors?"),
            "what": _("What you logged about %(day)s: drinks, exercise, sitting and the rest.")
            % {"day": _night_label(saved.date)},
            "cancel_url": reverse("diary:factors") + f"?date={saved.date}",
        },
    )


def _diary_at(user: User, night: date) -> str:
    """The diary, showing enough weeks to include ``night``, scrolled to it."""
    weeks = diary_weeks_for(services.current_night(user), night)
    query = f"?weeks={weeks}" if weeks != DEFAULT_WEEKS else ""
    return reverse("diary:index") + f"{query}#night-{night}"
