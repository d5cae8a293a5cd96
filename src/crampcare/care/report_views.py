"""The clinician's reports of many people in one zip: choose, follow the worker, download
(``care/bulk_reports.py``; docs/care.md, "Reports of many people")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.care import bulk_reports, services
from crampcare.care.forms import ReportsForm


def _people(request: AuthenticatedHttpRequest) -> list[tuple[int, str]]:
    """The people in the clinician's care now, by name (their names are the clinician's to see
    while the care lasts: the dashboard lists them too)."""
    found = [
        (relationship.person.pk, str(relationship.person))
        for relationship in services.patients(request.user).select_related("person")
        if relationship.person is not None
    ]
    return sorted(found, key=lambda pair: pair[1].casefold())


@require_http_methods(["GET", "POST"])
@login_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose whose reports; 404 for anyone who is not a clinician."""
    if not services.is_clinician(request.user):
        raise Http404(_("No such page."))
    people = _people(request)
    if request.method != "POST":
        form = ReportsForm(people=people)
        return render(request, "care/reports.html", {"form": form, "people": people})
    form = ReportsForm(request.POST, people=people)
    if not form.is_valid():
        return render(request, "care/reports.html", {"form": form, "people": people}, status=400)
    record = bulk_reports.queue(
        request.user, form.cleaned_data["people"], form.cleaned_data["weeks"]
    )
    return redirect("care:reports_progress", record.pk)


def _record(request: AuthenticatedHttpRequest, progress_id: int) -> TaskProgress:
    """The asking clinician's own request for reports; 404 for anyone else's, as for none."""
    return get_owned_or_404(TaskProgress, request.user, pk=progress_id, kind=bulk_reports.KIND)


@require_safe
@login_required
def reports_progress(request: AuthenticatedHttpRequest, progress_id: int) -> HttpResponse:
    """How many reports the worker has made, then the download (or why not)."""
    record = _record(request, progress_id)
    htmx = bool(getattr(request, "htmx", False))
    if record.finished and htmx:
        return HttpResponseClientRedirect(request.path)
    if not record.finished:
        template = "portability/import_progress.html"
        context = {
            "progress": record,
            "title": _("Making the reports"),
            "working": _("Making the reports"),
            "back_url": reverse("care:index"),
            "back_label": _("Your people"),
            "note": _(
                "You can leave this page: the reports are made meanwhile, and this page "
                "offers them when you come back."
            ),
            "poll": request.path,
        }
        return render(request, f"{template}#progress" if htmx else template, context)
    context = {
        "record": record,
        "result": record.result or {},
        "failed": _(
            "The server could not finish making the reports. Nothing was kept; make them again "
            "later, and if it happens again, tell whoever runs this site."
        )
        if record.failed
        else "",
        "downloadable": bulk_reports.downloadable(record),
        "expires_at": bulk_reports.expires_at(record),
    }
    return render(request, "care/reports_ready.html", context)


@require_safe
@login_required
def reports_download(request: AuthenticatedHttpRequest, progress_id: int) -> HttpResponseBase:
    """The zip, for the clinician who asked, until it expires (then 410, a page saying so)."""
    record = _record(request, progress_id)
    if not bulk_reports.downloadable(record):
        return render(
            request,
            "care/reports_ready.html",
            {"record": record, "result": record.result or {}, "gone": True},
            status=410,
        )
    response = FileResponse(
        progress.output_path(record.pk).open("rb"),
        as_attachment=True,
        filename=bulk_reports.filename(record),
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
