"""Your data: download everything (CSV zip or JSON) and bring a CSV export back in."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import attachment
from crampcare.portability import services as transfer
from crampcare.portability.archive import ImportReport, import_limits
from crampcare.portability.forms import ImportForm
from crampcare.portability.importing import count_import
from crampcare.portability.tasks import KIND, import_archive, report_from_json


@login_required
def data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "portability/data.html", {"form": ImportForm()})


@login_required
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return attachment(
        transfer.export_zip(user),
        filename=transfer.export_filename(user, "zip"),
        content_type="application/zip",
    )


@login_required
def export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    body = json.dumps(transfer.export_document(user), ensure_ascii=False, indent=2)
    return attachment(
        body,
        filename=transfer.export_filename(user, "json"),
        content_type="application/json; charset=utf-8",
    )


@require_POST
@login_required
def import_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "portability/data.html", {"form": form}, status=400)
    upload = form.cleaned_data["archive"]
    most = import_limits().upload_bytes
    if upload.size > most:
        # Checked before reading, so a huge upload is never loaded into memory.
        form.add_error(
            "archive",
            _("This file is larger than %(size)s.") % {"size": filesizeformat(most)},
        )
        return render(request, "portability/data.html", {"form": form}, status=400)
    report = ImportReport()
    # Counted here, so a person over the hourly allowance hears it at once (429).
    if not count_import(user, report):
        return render(
            request, "portability/data.html", {"form": ImportForm(), "report": report}, status=429
        )
    # The worker imports it; the file waits in the database, where any worker can read it.
    record = progress.start(user, KIND, payload=upload.read())
    import_archive.enqueue(record.pk, form.cleaned_data["valid_only"])
    record.refresh_from_db()
    if record.finished:  # run at once (CRAMPCARE_TASKS=immediate): answer as it went
        return _finished(request, record, posted=True)
    return redirect("portability:import_progress", record.pk)


@login_required
def import_progress(request: AuthenticatedHttpRequest, progress_id: int) -> HttpResponse:
    """How far the import has come; the page asks again every second (htmx) until it is done,
    then shows what happened, as the import's answer did when it ran in the request."""
    record = get_owned_or_404(TaskProgress, request.user, pk=progress_id, kind=KIND)
    htmx = bool(getattr(request, "htmx", False))
    if record.finished:
        if htmx:
            return HttpResponseClientRedirect(request.path)
        return _finished(request, record, posted=False)
    template = "portability/import_progress.html"
    return render(request, f"{template}#progress" if htmx else template, {"progress": record})


def _finished(
    request: AuthenticatedHttpRequest, record: TaskProgress, *, posted: bool
) -> HttpResponse:
    result = record.result or {}
    if record.state == TaskProgress.State.FAILED:
        busy = result.get("error") == "busy"
        problem = (
            _("The server was too busy to finish the import. Nothing was kept; try again.")
            if busy
            else _("The import could not finish. Nothing was kept; try again.")
        )
        return render(
            request,
            "portability/data.html",
            {"form": ImportForm(), "failed": problem},
            status=(503 if busy else 500) if posted else 200,
        )
    report = report_from_json(result)
    if report.saved:
        messages.success(request, report.summary())
        for note in report.notes:
            messages.info(request, note)
        if report.ok:
            return redirect("diary:index")
    # Problems: show each one; the file has to be chosen again (we do not keep it).
    offer = ImportForm(initial={"valid_only": not report.saved})
    status = 200 if report.saved or not posted else 400
    return render(
        request, "portability/data.html", {"form": offer, "report": report}, status=status
    )
