"""The care team's pages: a person's care team and access log, accepting an invitation, ending a
relationship, a clinician's dashboard of their people and the page of one of them. Thin: parse,
call ``care.services`` (``care.dashboard``, ``care.patient``), render."""

from __future__ import annotations

from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from crampcare.accounts.ownership import ReadRefused
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.care import dashboard, messaging, organisations, outcomes, services
from crampcare.care.access import reading_from
from crampcare.care.forms import (
    AcceptForm,
    ClearanceForm,
    InviteForm,
    MessageEmailForm,
    NewThreadForm,
    PlanChangeForm,
    ReplyForm,
)
from crampcare.care.patient import person_view
from crampcare.care.presentation import describe_what, origin_of
from crampcare.care.tailoring import Submitted, page_context
from crampcare.programs import clinician
from crampcare.programs.hold import clear_hold
from crampcare.validation_errors import attach_errors

LOG_PAGE_SIZE = 50


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A clinician's dashboard: their people, what needs a look first; sorted and filtered by
    the query string (``sort``, ``flag``), so it works without JavaScript."""
    if not services.is_clinician(request.user):
        return render(request, "care/index.html", {"is_clinician": False})
    with reading_from(origin_of(request)):
        board = dashboard.dashboard(request.user, request.GET.get("sort"), request.GET.get("flag"))
    context = {
        "is_clinician": True,
        "board": board,
        "sorts": [(key, str(label)) for key, label in dashboard.SORTS.items()],
        "flag_kinds": [(key, str(label)) for key, label in dashboard.FLAG_KINDS.items()],
    }
    return render(request, "care/index.html", context)


@login_required
@require_GET
def patient(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """One person in the clinician's care: checks, diary, insights, plan. 404 for anyone not in
    an active relationship with them, as for an id that does not exist."""
    relationship = services.patient_relationship(request.user, person_id)
    try:
        with reading_from("care:patient"):
            view = person_view(
                request.user,
                relationship,
                cramps_page=request.GET.get("cramps"),
                checkins_page=request.GET.get("checkins"),
            )
    except ReadRefused as exc:  # the access ended between the two checks: still no details
        raise Http404(_("No such person.")) from exc
    return render(request, "care/patient.html", {"view": view})


def _invite_page(
    request: AuthenticatedHttpRequest,
    form: InviteForm,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {"form": form, "sent": list(services.sent_invitations(request.user)), **extra}
    return render(request, "care/invite.html", context, status=status)


@login_required
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: invite someone by email, and the invitations still waiting; POST: send one. The code
    is shown once, here, for when the email does not arrive (only its digest is kept)."""
    organisations = [(o.pk, o.name) for o in services.clinician_organisations(request.user)]
    if not organisations:
        return render(request, "care/invite.html", {"not_clinician": True}, status=403)
    if request.method != "POST":
        return _invite_page(request, InviteForm(organisations=organisations))
    form = InviteForm(request.POST, organisations=organisations)
    if not ratelimit.consume(request, action="care_invite", user=request.user):
        return _invite_page(request, form, status=429, too_many=True)
    if form.is_valid():
        try:
            invitation = services.invite(
                request.user, form.cleaned_data["email"], form.cleaned_data.get("organisation_id")
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            fresh = InviteForm(organisations=organisations)
            return _invite_page(request, fresh, invitation=invitation)
    return _invite_page(request, form, status=400)


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who can see my data, the invitations waiting for me, and the care I had before."""
    context = {
        "readers": list(services.readers(request.user)),
        "pending": list(services.pending_invitations(request.user)),
        "past": list(services.past_relationships(request.user)),
        "is_clinician": services.is_clinician(request.user),
        "runs_organisations": organisations.administered(request.user).exists(),
        "form": AcceptForm(),
    }
    return render(request, "care/people.html", context)


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(services.access_log(request.user), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(record, describe_what(record.what)) for record in page]
    return render(request, "care/access_log.html", {"page": page, "rows": rows})


@login_required
def accept(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the code (from the email's link, or typed) and who sent it; POST: accept it."""
    if request.method != "POST":
        code = request.GET.get("code", "")[:32]
        invitation = None
        if code and ratelimit.consume(request, action="care_code", user=request.user):
            invitation = services.find_invitation(code)
        form = AcceptForm(initial={"code": code})
        context = {"form": form, "invitation": invitation, "code_given": bool(code)}
        return render(request, "care/accept.html", context)
    form = AcceptForm(request.POST)
    if not ratelimit.consume(request, action="care_code", user=request.user):
        context = {"form": form, "too_many": True}
        return render(request, "care/accept.html", context, status=429)
    if form.is_valid():
        try:
            relationship = services.accept(request.user, form.cleaned_data["code"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s can now see your diary, checks, program and insights.")
                % {"name": relationship.clinician},
            )
            return redirect("care:people")
    return render(request, "care/accept.html", {"form": form}, status=400)


@login_required
def end_relationship(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    """GET: are you sure? POST: end it. Only its person or its clinician; 404 for anyone else."""
    relationship = services.relationship_for(request.user, relationship_id)
    as_clinician = relationship.clinician_id == request.user.pk
    if request.method == "POST":
        services.end(request.user, relationship.pk)
        if as_clinician:
            messages.success(request, _("The care relationship is ended."))
            return redirect("care:index")
        messages.success(
            request,
            _("%(name)s can no longer see your data.") % {"name": relationship.clinician},
        )
        return redirect("care:people")
    context = {"relationship": relationship, "as_clinician": as_clinician}
    return render(request, "care/end.html", context)


# -- a clinician tailoring a person's plan --------------------------------------------------------


def _tailor_page(
    request: AuthenticatedHttpRequest,
    person: Any,
    submitted: Submitted | None = None,
    status: int = 200,
) -> HttpResponse:
    context = page_context(request.user, person, submitted)
    return render(request, "care/tailor.html", context, status=status)


@login_required
def tailor(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """GET: the person's plan, each exercise with what it can become; POST: one change, with a
    note to the person. A change against a caution comes back with the warning until confirmed.
    Only the person's clinician now; 404 for anyone else."""
    person = services.patient(request.user, person_id)
    with reading_from(origin_of(request)):
        if request.method != "POST":
            return _tailor_page(request, person)
        form = PlanChangeForm(request.POST)
        kind, slot = request.POST.get("kind", "")[:12], request.POST.get("slot", "")[:80]
        if not form.is_valid():
            return _tailor_page(request, person, Submitted(kind, slot, form), status=400)
        # The form's fields are the request's: the page and the API ask the one service alike.
        change = clinician.PlanChangeRequest(**form.cleaned_data)
        try:
            clinician.change_plan(request.user, person, change)
        except clinician.CautionsToConfirm as warning:
            submitted = Submitted(kind, slot, form, warning.cautions)
            return _tailor_page(request, person, submitted, status=409)
        except ValidationError as error:
            attach_errors(form, error)
            return _tailor_page(request, person, Submitted(kind, slot, form), status=400)
    messages.success(
        request,
        _("Saved. %(name)s sees the change and your note on their plan.") % {"name": person},
    )
    return redirect("care:tailor", person_id=person.pk)


# -- messages -------------------------------------------------------------------------------------


TOO_MANY_MESSAGES = _lazy(
    "You have sent a lot of messages in the last hour. Wait a while, then try again."
)


def _too_many_messages(request: AuthenticatedHttpRequest) -> bool:
    return not ratelimit.consume(request, action="care_message", user=request.user)


@login_required
def message_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My conversations, newest first, with unread counts; the email choice."""
    page = messaging.thread_page(request.user, request.GET.get("page"), origin=origin_of(request))
    context = {
        "page": page,
        "can_start": bool(messaging.correspondents(request.user)),
        "email_form": MessageEmailForm(
            initial={"email_new_messages": messaging.wants_email(request.user)}
        ),
    }
    return render(request, "care/messages.html", context)


@login_required
def new_thread(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the form (``?to=`` picks someone); POST: start the conversation."""
    people = messaging.correspondents(request.user)
    choices = [(person.relationship_id, person.label) for person in people]
    if request.method != "POST":
        form = NewThreadForm(choices=choices, initial={"relationship_id": request.GET.get("to")})
        return render(request, "care/new_thread.html", {"form": form, "people": people})
    form = NewThreadForm(request.POST, choices=choices)
    if _too_many_messages(request):
        context = {"form": form, "people": people, "too_many": True}
        return render(request, "care/new_thread.html", context, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            thread = messaging.start_thread(
                request.user, data["relationship_id"], data["subject"], data["body"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("care:thread", thread_id=thread.pk)
    else:
        # Every problem at once: the subject and the message are the service's rules.
        problems = messaging.check_new_thread(
            request.POST.get("subject", ""), request.POST.get("body", "")
        )
        if problems:
            attach_errors(form, ValidationError(problems))
    return render(request, "care/new_thread.html", {"form": form, "people": people}, status=400)


@login_required
def thread(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    """GET: read the conversation (which marks it read); POST: reply."""
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if _too_many_messages(request):
            form.add_error(None, TOO_MANY_MESSAGES)
            status = 429
        elif form.is_valid():
            try:
                messaging.reply(request.user, thread_id, form.cleaned_data["body"])
            except ValidationError as exc:
                attach_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Your reply is sent."))
                return redirect(f"{reverse('care:thread', args=[thread_id])}#latest")
    view = messaging.open_thread(
        request.user, thread_id, request.GET.get("page"), origin=origin_of(request)
    )
    return render(request, "care/thread.html", {"view": view, "form": form}, status=status)


@login_required
@require_POST
def tailor_clearance(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The clinician records "checked, cleared to exercise", lifting a held program (not a hold
    after emergency signs). Only the person's clinician now; 404 for anyone else."""
    person = services.patient(request.user, person_id)
    form = ClearanceForm(request.POST)
    with reading_from(origin_of(request)):
        if form.is_valid():
            try:
                clear_hold(
                    request.user, person, form.cleaned_data["checked_on"], form.cleaned_data["note"]
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Recorded. %(name)s's program is no longer on hold.") % {"name": person},
                )
                return redirect("care:tailor", person_id=person.pk)
        return _tailor_page(request, person, Submitted("clearance", "", form), status=400)


@login_required
@require_POST
def message_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MessageEmailForm(request.POST)
    on = form.is_valid() and form.cleaned_data["email_new_messages"]
    messaging.set_email(request.user, on)
    if on:
        messages.success(request, _("We will email you when a new message arrives."))
    else:
        messages.success(request, _("We will not email you about new messages."))
    return redirect("care:messages")


@require_safe
@login_required
def organisation_outcomes(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """How an organisation's members are doing, as a group: for its admins only (404 for
    anyone else), small groups hidden, the read recorded in the organisation's audit trail."""
    found = outcomes.organisation_outcomes(request.user, org_id, origin=origin_of(request))
    return render(request, "care/outcomes.html", {"outcomes": found, "hidden": outcomes.HIDDEN})
