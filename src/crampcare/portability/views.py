"""Your data: download everything (CSV zip or JSON) and bring a CSV export back in."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.assessment.errors import InvalidAnswers
from crampcare.downloads import attachment, streamed_attachment
from crampcare.portability import fhir_export
from crampcare.portability import services as transfer
from crampcare.portability.apple_health import import_apple_health
from crampcare.portability.apple_health.reading import health_limits
from crampcare.portability.archive import ImportReport, import_limits
from crampcare.portability.fhir_medicines import (
    MAX_BYTES,
    FhirInputError,
    medicine_notes,
    read_medicines,
    save_medicines,
)
from crampcare.portability.forms import (
    AppleHealthForm,
    ConfirmMedicinesForm,
    FhirMedicinesForm,
    ImportForm,
)
from crampcare.portability.importing import count_import, import_allowed
from crampcare.portability.tasks import KIND, import_archive, report_from_json


@login_required
def data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _data_page(request)


def _data_page(
    request: AuthenticatedHttpRequest, status: int = 200, **context: object
) -> HttpResponse:
    context.setdefault("form", ImportForm())
    context.setdefault("medicines_form", FhirMedicinesForm())
    context.setdefault("health_form", AppleHealthForm())
    return render(request, "portability/data.html", context, status=status)


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
        return _data_page(request, 400, form=form)
    upload = form.cleaned_data["archive"]
    most = import_limits().upload_bytes
    if upload.size > most:
        # Checked before reading, so a huge upload is never loaded into memory.
        form.add_error(
            "archive",
            _("This file is larger than %(size)s.") % {"size": filesizeformat(most)},
        )
        return _data_page(request, 400, form=form)
    report = ImportReport()
    # Counted here, so a person over the hourly allowance hears it at once (429).
    if not count_import(user, report):
        return _data_page(request, 429, report=report)
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
        return _data_page(request, (503 if busy else 500) if posted else 200, failed=problem)
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
    return _data_page(request, status, form=offer, report=report)


@login_required
def export_fhir(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    user = request.user
    return streamed_attachment(
        fhir_export.bundle_chunks(user),
        filename=fhir_export.fhir_filename(user),
        content_type=fhir_export.CONTENT_TYPE,
    )


@require_POST
@login_required
def fhir_medicines(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step one: read the file and show what was found; nothing is saved yet."""
    form = FhirMedicinesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _data_page(request, 400, medicines_form=form)
    upload = form.cleaned_data["medicines_file"]
    if upload.size > MAX_BYTES:
        # Checked before reading, so a huge upload is never loaded into memory.
        form.add_error(
            "medicines_file",
            _("This file is larger than %(size)s.") % {"size": filesizeformat(MAX_BYTES)},
        )
        return _data_page(request, 400, medicines_form=form)
    try:
        found = read_medicines(upload.read())
    except FhirInputError as error:
        form.add_error("medicines_file", f"{error.field}: {error.message}")
        return _data_page(request, 400, medicines_form=form)
    return render(request, "portability/medicines_confirm.html", {"found": found})


@require_POST
@login_required
def save_fhir_medicines(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step two: the person saw the list and chose to add it to their assessment."""
    form = ConfirmMedicinesForm(request.POST)
    names = form.cleaned_data["names"] if form.is_valid() else []
    if not names:
        messages.info(request, _("No medicines were added."))
        return redirect("portability:data")
    try:
        assessment = save_medicines(request.user, names)
    except InvalidAnswers as error:
        messages.error(request, " ".join(str(problem) for problem in error.problems))
        return redirect("portability:data")
    return render(
        request,
        "portability/medicines_saved.html",
        {"assessment": assessment, "notes": medicine_notes(assessment), "names": names},
    )


@require_http_methods(["GET", "POST"])
@login_required
def apple_health(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Import from Apple Health: the upload form, and what the import did (or why not)."""
    if request.method != "POST":
        return render(request, "portability/apple_health.html", {"form": AppleHealthForm()})
    form = AppleHealthForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "portability/apple_health.html", {"form": form}, status=400)
    upload = form.cleaned_data["export"]
    most = health_limits().upload_bytes
    if upload.size > most:
        # Checked before reading: the import refuses it too, but need not open it.
        form.add_error(
            "export", _("This file is larger than %(size)s.") % {"size": filesizeformat(most)}
        )
        return render(request, "portability/apple_health.html", {"form": form}, status=400)
    if not import_allowed(request.user):
        form.add_error(
            "export",
            _("You have imported too many times in the last hour. Try again later."),
        )
        return render(request, "portability/apple_health.html", {"form": form}, status=429)
    report = import_apple_health(request.user, upload.file)
    return render(
        request,
        "portability/apple_health.html",
        {"form": AppleHealthForm(), "report": report},
        status=200 if report.saved else 400,
    )
