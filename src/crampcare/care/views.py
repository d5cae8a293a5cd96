"""The care team's pages: a person's care team and access log, accepting an invitation, ending a
relationship, and a clinician's list of their people. Thin: parse, call ``care.services``,
render."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.care import messaging, services
from crampcare.care.forms import AcceptForm, MessageEmailForm, NewThreadForm, ReplyForm
from crampcare.care.presentation import describe_what, origin_of
from crampcare.validation_errors import attach_errors

LOG_PAGE_SIZE = 50


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A clinician's people (the full dashboard comes later)."""
    context = {
        "is_clinician": services.is_clinician(request.user),
        "patients": list(services.patients(request.user)),
    }
    return render(request, "care/index.html", context)


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who can see my data, the invitations waiting for me, and the care I had before."""
    context = {
        "readers": list(services.readers(request.user)),
        "pending": list(services.pending_invitations(request.user)),
        "past": list(services.past_relationships(request.user)),
        "is_clinician": services.is_clinician(request.user),
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
def message_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MessageEmailForm(request.POST)
    on = form.is_valid() and form.cleaned_data["email_new_messages"]
    messaging.set_email(request.user, on)
    if on:
        messages.success(request, _("We will email you when a new message arrives."))
    else:
        messages.success(request, _("We will not email you about new messages."))
    return redirect("care:messages")
