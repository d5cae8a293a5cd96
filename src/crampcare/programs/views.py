"""The program's pages: tonight, the plan and its settings, the history, the session player,
the calendar feed and the email unsubscribe page. Business actions live in services, sessions,
calendar and reminders; these views parse input and render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crampcare.accounts import push
from crampcare.accounts.request import AuthenticatedHttpRequest, speaking
from crampcare.downloads import attachment
from crampcare.knowledge.loader import get_library
from crampcare.programs import calendar, clinician, reminders, services, sessions, tailoring
from crampcare.programs.display import (
    POSITIONS,
    changed_by_line,
    describe_change,
    item_views,
    last_step_message,
    player_items,
    player_text,
)
from crampcare.programs.dose import level as dose_level
from crampcare.programs.forms import (
    AboutYouForm,
    FeedbackForm,
    SettingsForm,
    StartForm,
    preferences_from,
)
from crampcare.programs.hold import hold_for, without_calf_loading
from crampcare.programs.hold_views import held_page
from crampcare.programs.models import Phase, Program
from crampcare.programs.rules import Block
from crampcare.validation_errors import as_text, attach_errors

View = Callable[..., HttpResponse]


def _program_needed(view: View) -> View:
    """An action on a program that does not exist yet leads to setting one up."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except services.NoProgram:
            return redirect("programs:start")

    return wrapper


# -- tonight --------------------------------------------------------------------------------------


@login_required
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if held := hold_for(user, user):  # no exercise after a red flag (P14)
        return held_page(request, held)
    program = services.current_program(user, user)
    if program is None:
        has_answers = tailoring.latest_answers(user) is not None
        context = {"has_answers": has_answers, "trial_refs": ["R1"]}
        return render(request, "programs/welcome.html", context)
    overview = sessions.tonight_overview(user, program)
    context = {
        "program": program,
        "tonight": overview,
        "items": item_views(overview.items),
        "step_message": last_step_message(program),
        "offer_maintenance": program.maintenance_offered_on is not None
        and program.phase == Phase.ACTIVE,
        "stale": tailoring.profile_is_stale(user, program),
    }
    return render(request, "programs/today.html", context)


@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up the program, or update the "about you" answers it was built from."""
    user = request.user
    program = services.current_program(user, user)
    has_answers = tailoring.latest_answers(user) is not None
    form_class = StartForm if has_answers else AboutYouForm
    initial = _initial_preferences(program) if program else {}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if program is None:
                services.create_program(user, preferences_from(form))
                messages.success(request, _("Your plan is ready. Tonight is night one."))
            else:
                services.update_profile(user, preferences_from(form))
                messages.success(request, _("Your plan is updated."))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("programs:today" if program is None else "programs:plan")
    status = 400 if form.errors else 200
    context = {"form": form, "program": program, "has_answers": has_answers}
    return render(request, "programs/start.html", context, status=status)


def _initial_preferences(program: Program) -> dict[str, Any]:
    stored = dict(program.preferences)
    stored["bedtime"] = program.bedtime
    for condition in stored.pop("conditions", []):
        stored[condition] = True
    return stored


# -- the plan and its settings --------------------------------------------------------------------


def _plan_page(
    request: AuthenticatedHttpRequest,
    *,
    settings_form: SettingsForm | None = None,
    swap_error: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    program = services.current_program(user, user)
    if program is None:
        return redirect("programs:start")
    plan = program.get_plan()
    options = services.alternatives(program, plan)
    exercises = get_library().exercises
    held = hold_for(user, user)  # while a clot or muscle breakdown is suspected: no calf work (P16)
    shown = set(without_calf_loading(held, (item.exercise_id for item in plan.items)))
    blocks = []
    for block, title in (
        (Block.BEDTIME, _("At bedtime")),
        (Block.DAYTIME, _("During the day")),
        (Block.EXERCISE, _("Around your own exercise")),
    ):
        views = [v for v in item_views(plan.block(block)) if v.item.exercise_id in shown]
        if views:
            rows = [
                {
                    "view": view,
                    "choices": [
                        (option, exercises[option].name.get() if option in exercises else option)
                        for option in options.get(view.item.slot, ())
                    ],
                }
                for view in views
            ]
            blocks.append({"id": str(block), "title": title, "rows": rows})
    notes = [
        {
            "note": note,
            "name": _exercise_name(exercises, note.exercise_id),
            "replaced_by": _exercise_name(exercises, note.replaced_by)
            if note.replaced_by
            else None,
        }
        for note in plan.notes
    ]
    context = {
        "program": program,
        "held": held,
        "stale": tailoring.profile_is_stale(request.user, program),
        "plan": plan,
        "level": dose_level(program.level),
        "blocks": blocks,
        "notes": notes,
        "settings_form": settings_form
        or SettingsForm(
            initial={
                "bedtime": program.bedtime,
                "reminder_minutes_before": program.reminder_minutes_before,
                "email_reminders": program.email_reminders,
                "push_quiet_start": program.push_quiet_start,
                "push_quiet_end": program.push_quiet_end,
            }
        ),
        "push": {
            "devices": push.subscriptions(request.user),
            "public_key": push.public_key(),
        },
        "swap_error": swap_error,
        "calendar": _calendar_context(request, program),
        "care_changes": [
            {"change": change, "text": describe_change(change), "by": changed_by_line(change)}
            for change in clinician.care_team_changes(request.user, request.user)
        ],
    }
    return render(request, "programs/plan.html", context, status=status)


def site_url(request: HttpRequest) -> str:
    """Where links shown on a page point: CRAMPCARE_SITE_URL when set, else the address the
    person is using now."""
    if settings.SITE_URL_CONFIGURED:
        return str(settings.SITE_URL)
    return request.build_absolute_uri("/").rstrip("/")


def _calendar_context(request: HttpRequest, program: Program) -> dict[str, Any] | None:
    secret = calendar.current_calendar_token(program)
    if secret is None:
        return None
    url = calendar.feed_url(secret, site_url(request))
    return {
        "url": url,
        "webcal_url": calendar.webcal_url(url),
        "qr": calendar.qr_data_uri(url),
        "local": calendar.unreachable_from_phone(url),
        "new": request.GET.get("calendar") == "new",
    }


def _exercise_name(exercises: Any, exercise_id: str) -> str:
    exercise = exercises.get(exercise_id)
    return exercise.name.get() if exercise else exercise_id


@login_required
@require_GET
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _plan_page(request)


@login_required
@require_POST
@_program_needed
def swap(request: AuthenticatedHttpRequest) -> HttpResponse:
    slot = request.POST.get("slot", "")
    exercise_id = request.POST.get("exercise_id", "")
    try:
        services.swap_exercise(request.user, slot, exercise_id)
    except ValidationError as error:
        return _plan_page(request, swap_error=(slot, as_text(error)), status=400)
    messages.success(request, _("Swapped. Your plan is updated from tonight."))
    return redirect("programs:plan")


@login_required
@require_POST
@_program_needed
def save_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, settings_form=form, status=400)
    user = request.user
    try:
        services.change_bedtime(user, form.cleaned_data["bedtime"])
        services.change_reminder(
            user,
            minutes_before=form.cleaned_data["reminder_minutes_before"],
            email=form.cleaned_data["email_reminders"],
        )
        services.change_quiet_hours(
            user, form.cleaned_data["push_quiet_start"], form.cleaned_data["push_quiet_end"]
        )
    except ValidationError as error:
        attach_errors(form, error)
        return _plan_page(request, settings_form=form, status=400)
    messages.success(request, _("Your settings are saved."))
    return redirect("programs:plan")


@login_required
@require_POST
def remove_device(request: AuthenticatedHttpRequest, subscription_id: int) -> HttpResponse:
    """Stop reminders to one of the person's browsers (the page's form; the API does the same)."""
    push.unsubscribe(request.user, subscription_id)
    messages.success(request, _("That device gets no more reminders."))
    return redirect(reverse("programs:plan") + "#push-title")


@login_required
@require_POST
@_program_needed
def progression(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for progression (a checked box) or go back to the trial's dose (unchecked)."""
    opt_in = request.POST.get("progression") == "on"
    services.set_progression(request.user, opt_in)
    if opt_in:
        message = _(
            "Your routine can now grow: after a good week, the holds get a little longer, and "
            "extras join your bedtime routine."
        )
    else:
        message = _("Your routine is the trial's: 10-second holds, 3 times per leg, every night.")
    messages.success(request, message)
    return redirect("programs:plan")


@login_required
@require_POST
@_program_needed
def refresh(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Rebuild the plan from the person's latest answers, keeping week, level and swaps."""
    services.update_profile(request.user)
    messages.success(request, _("Your plan is updated from your latest answers."))
    return redirect("programs:plan")


@login_required
@require_POST
@_program_needed
def pause(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.pause(request.user)
    messages.success(
        request,
        _("Your program is paused. No reminders until you resume, and paused nights do not count."),
    )
    return redirect("programs:today")


@login_required
@require_POST
@_program_needed
def resume(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.resume(request.user)
    messages.success(request, _("Welcome back. Your program carries on from where you paused."))
    return redirect("programs:today")


@login_required
@require_POST
@_program_needed
def maintenance(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        services.accept_maintenance(request.user)
    except ValidationError as error:
        messages.error(request, as_text(error))
        return redirect("programs:today")
    messages.success(request, _("You are now keeping it up: the same routine, most nights."))
    return redirect("programs:today")


@login_required
@require_POST
@_program_needed
def calendar_link(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a new secret calendar link (replacing any old one) and show it."""
    calendar.new_calendar_token(request.user)
    return redirect(reverse("programs:plan") + "?calendar=new#calendar-title")


@login_required
@require_POST
@_program_needed
def calendar_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    calendar.revoke_calendar_token(request.user)
    messages.success(
        request, _("The calendar link is turned off. Calendars using it stop updating.")
    )
    return redirect("programs:plan")


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    program = services.current_program(user, user)
    if program is None:
        return redirect("programs:start")
    adherence = sessions.adherence(user, program)
    changes = [
        {"change": change, "text": describe_change(change), "by": changed_by_line(change)}
        for change in services.history(user, user, program)
    ]
    context = {"program": program, "changes": changes, "adherence": adherence}
    return render(request, "programs/history.html", context)


# -- the session player ---------------------------------------------------------------------------


def _player_page(
    request: AuthenticatedHttpRequest, *, form: FeedbackForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    program = services.current_program(user, user)
    if program is None:
        return redirect("programs:start")
    overview = sessions.tonight_overview(user, program)
    session = overview.session
    data = {
        "items": player_items(list(overview.items)),
        "progress": session.progress if session and not session.done else None,
        "done": overview.done,
        "night": overview.night.isoformat(),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en",
    }
    context = {
        "program": program,
        "tonight": overview,
        "items": item_views(overview.items),
        "player_data": data,
        "player_text": player_text(),
        "positions": POSITIONS,
        "form": form or FeedbackForm(),
    }
    return render(request, "programs/player.html", context, status=status)


@login_required
@require_GET
def player(request: AuthenticatedHttpRequest) -> HttpResponse:
    if held := hold_for(request.user, request.user):  # no exercise after a red flag (P14)
        return held_page(request, held)
    return _player_page(request)


@login_required
@require_POST
@_program_needed
def finish(request: AuthenticatedHttpRequest) -> HttpResponse:
    if held := hold_for(request.user, request.user):  # nothing is logged while held (P15)
        return held_page(request, held, status=409)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _player_page(request, form=form, status=400)
    user = request.user
    try:
        session = sessions.finish_session(
            user, difficulty=form.cleaned_data["difficulty"], pain=form.cleaned_data["pain"]
        )
    except ValidationError as error:
        attach_errors(form, error)
        return _player_page(request, form=form, status=400)
    if sessions.was_painful(session):
        messages.warning(
            request,
            _(
                "Logged. It hurt more than it should: next time, stretch only to a firm pull. "
                "Next week’s routine will be a step easier. If stretching keeps hurting, ask "
                "your physical therapist or doctor."
            ),
        )
    else:
        messages.success(request, _("Logged. Well done, and sleep well."))
    return redirect("programs:today")


# -- reached by secret link, without signing in ---------------------------------------------------


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    program = calendar.program_for_calendar_token(token)
    if program is None:
        raise Http404(_("No such calendar."))
    # A calendar app asks in its own language, or none: the events read in the owner's.
    with speaking(program.owner):  # type: ignore[arg-type]
        body = calendar.feed(program, program.owner)  # type: ignore[arg-type]
    response = attachment(
        body,
        filename="crampcare-bedtime.ics",
        content_type="text/calendar; charset=utf-8",
        inline=True,  # subscribed to, not saved
        cache_control="private, no-cache",  # calendar apps poll it; always asked afresh
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # the signed token is the credential; mail apps POST without a form (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    program = reminders.program_for_unsubscribe_token(token)
    if program is None:
        raise Http404(
            _(
                "This link does not work: it may have been copied incompletely, or it is more "
                "than 60 days old. Sign in to change your reminders."
            )
        )
    if request.method == "POST":
        services.unsubscribe_email(program)
        return render(request, "programs/unsubscribe.html", {"done": True})
    return render(request, "programs/unsubscribe.html", {"done": False})
