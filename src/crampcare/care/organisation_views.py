"""The organisation pages for its admins: the organisations I run, one organisation's people by
role (add a role, take one away, assign a member to a clinician) and its roster. Thin: parse,
call ``care.organisations``, render. Anyone but an admin of the organisation gets 404."""

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
from crampcare.care import organisations
from crampcare.care.models import Role
from crampcare.care.organisation_forms import AddMemberForm, AssignForm, RosterForm
from crampcare.validation_errors import as_text, attach_errors

ROSTER_PAGE_SIZE = 100


@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"organisations": list(organisations.administered(request.user))}
    return render(request, "care/organisations.html", context)


def _organisation_page(
    request: AuthenticatedHttpRequest,
    organisation_id: int,
    *,
    add_form: AddMemberForm | None = None,
    assign_form: AssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    overview = organisations.overview(request.user, organisation_id)
    if assign_form is None:
        assign_form = AssignForm(members=overview.members, clinicians=overview.clinicians)
    context = {
        "overview": overview,
        "organisation": overview.organisation,
        "sections": [
            (role, title, [(p, p.memberships[role]) for p in overview.by_role[role]])
            for role, title in (
                (Role.ADMIN, _("Admins")),
                (Role.CLINICIAN, _("Clinicians")),
                (Role.MEMBER, _("Members")),
            )
        ],
        "add_form": add_form or AddMemberForm(),
        "assign_form": assign_form,
    }
    return render(request, "care/organisation.html", context, status=status)


@login_required
def organisation(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    return _organisation_page(request, organisation_id)


@login_required
def add_member(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    found = organisations.organisation_for_admin(request.user, organisation_id)
    if request.method != "POST":
        return redirect("care:organisation", found.pk)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = organisations.add_member_by_email(
                request.user, found.pk, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now a %(role)s of %(organisation)s.")
                % {
                    "name": membership.user,
                    "role": membership.get_role_display(),
                    "organisation": found,
                },
            )
            return redirect("care:organisation", found.pk)
    return _organisation_page(request, found.pk, add_form=form, status=400)


@login_required
def remove_member(
    request: AuthenticatedHttpRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    """GET: are you sure? POST: take the role away."""
    membership = organisations.membership_for_admin(request.user, organisation_id, membership_id)
    if request.method == "POST":
        try:
            organisations.remove_membership(request.user, organisation_id, membership.pk)
        except ValidationError as exc:
            context = {"membership": membership, "problem": as_text(exc)}
            return render(request, "care/remove_member.html", context, status=400)
        messages.success(
            request,
            _("%(name)s is no longer a %(role)s of %(organisation)s.")
            % {
                "name": membership.user,
                "role": membership.get_role_display(),
                "organisation": membership.organisation,
            },
        )
        return redirect("care:organisation", organisation_id)
    return render(request, "care/remove_member.html", {"membership": membership})


@login_required
def assign(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """An invitation from a clinician to a member, which the member still accepts."""
    overview = organisations.overview(request.user, organisation_id)
    if request.method != "POST":
        return redirect("care:organisation", organisation_id)
    form = AssignForm(request.POST, members=overview.members, clinicians=overview.clinicians)
    if not ratelimit.consume(request, action="care_invite", user=request.user):
        form.add_error(None, _("Too many invitations in the last hour. Try again later."))
        return _organisation_page(request, organisation_id, assign_form=form, status=429)
    if form.is_valid():
        try:
            relationship = organisations.assign(
                request.user,
                organisation_id,
                form.cleaned_data["person_id"],
                form.cleaned_data["clinician_id"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(clinician)s invited %(person)s by email. They will follow %(person)s "
                    "once %(person)s accepts."
                )
                % {"clinician": relationship.clinician, "person": relationship.invited_email},
            )
            return redirect("care:organisation", organisation_id)
    return _organisation_page(request, organisation_id, assign_form=form, status=400)


@login_required
def roster(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """GET: the roster and the upload form; POST: a new roster file, all or nothing."""
    found = organisations.organisation_for_admin(request.user, organisation_id)
    form = RosterForm()
    report = None
    status = 200
    if request.method == "POST":
        form = RosterForm(request.POST, request.FILES)
        if not ratelimit.consume(request, action="care_roster", user=request.user):
            form.add_error(None, _("Too many uploads in the last hour. Try again later."))
            status = 429
        elif form.is_valid():
            upload = form.cleaned_data["roster"]
            report = organisations.upload_roster(request.user, found.pk, upload.file, upload.size)
            if report.saved:
                messages.success(request, report.summary())
                return redirect("care:organisation_roster", found.pk)
            form = RosterForm()  # the file has to be chosen again: we do not keep it
            status = 400
        else:
            status = 400
    entries = organisations.roster(request.user, found.pk)
    page = Paginator(entries, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"organisation": found, "page": page, "form": form, "report": report}
    return render(request, "care/roster.html", context, status=status)
