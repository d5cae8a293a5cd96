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
from django.utils.translation import gettext as _

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.care import organisations, services
from crampcare.care.forms import AcceptForm
from crampcare.care.presentation import describe_what
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
