"""Your data: download everything (CSV zip or JSON) and bring a CSV export back in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from crampcare.accounts.models import TaskProgress
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.assessment.errors import InvalidAnswers
from crampcare.downloads import attachment, streamed_attachment
from crampcare.portability import fhir_export, uploads
from crampcare.portability import services as transfer
from crampcare.portability.apple_health.reading import health_limits
from crampcare.portability.archive import import_limits
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
from crampcare.portability.tasks import (
    HEALTH_KIND,
    KIND,
    failure_message,
    health_report_from_json,
    import_archive,
    import_health,
    report_from_json,
)


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
    # Checked before reading, so a huge upload is never loaded; the hourly allowance is counted
    # here, so a person over it hears it at once (429).
    refused = uploads.refusal(user, upload.size, import_limits().upload_bytes)
    if refused is not None and refused.status == uploads.TOO_LARGE:
        form.add_error("archive", refused.message)
        return _data_page(request, 400, form=form)
    if refused is not None:
        return _data_page(request, refused.status, report=refused.report)
    # The worker imports it; the file waits in the data dir, where any worker can read it.
    record = uploads.queue(user, KIND, upload, import_archive, form.cleaned_data["valid_only"])
    if record.finished:  # run at once (CRAMPCARE_TASKS=immediate): answer as it went
        return _finished(request, record, posted=True)
    return redirect("portability:import_progress", record.pk)


@login_required
def import_progress(request: AuthenticatedHttpRequest, progress_id: int) -> HttpResponse:
    """How far the import has come; the page asks again every second (htmx) until it is done,
    then shows what happened, as the import's answer did when it ran in the request."""
    return _progress_page(
        request,
        progress_id,
        KIND,
        _finished,
        title=_("Importing your data"),
    )


def _progress_page(
    request: AuthenticatedHttpRequest,
    progress_id: int,
    kind: str,
    finished: Callable[..., HttpResponse],
    *,
    title: str,
    in_bytes: bool = False,
) -> HttpResponse:
    """The progress page of one of the person's tasks of ``kind`` (anyone else's: 404), polled
    by htmx every second, or by the browser itself every few seconds without JavaScript; once
    the task is done, ``finished`` answers with what happened."""
    record = get_owned_or_404(TaskProgress, request.user, pk=progress_id, kind=kind)
    htmx = bool(getattr(request, "htmx", False))
    if record.finished:
        if htmx:
            return HttpResponseClientRedirect(request.path)
        return finished(request, record, posted=False)
    template = "portability/import_progress.html"
    context = {
        "progress": record,
        "title": title,
        "working": _("Reading and saving your file"),
        "back_url": reverse("portability:data"),
        "back_label": _("Back to your data"),
        "note": _(
            "You can leave this page: the import goes on, and this page shows the result when "
            "you come back."
        ),
        "poll": request.path,
        "in_bytes": in_bytes,
    }
    return render(request, f"{template}#progress" if htmx else template, context)


def _unavailable(response: HttpResponse, result: dict[str, Any]) -> HttpResponse:
    """The answer to an upload whose task failed: 503, with a Retry-After when the database was
    only busy."""
    if result.get("error") == "busy":
        response["Retry-After"] = "5"
    return response


def _finished(
    request: AuthenticatedHttpRequest, record: TaskProgress, *, posted: bool
) -> HttpResponse:
    """What the archive import did. A task that failed is a page saying so, 503 in answer to
    the upload (the server failed, not the file); a file with problems lists them, 400 in answer
    to the upload. The progress page, asked again later, answers 200 with the same page."""
    result = record.result or {}
    if record.failed:
        page = _data_page(request, 503 if posted else 200, failed=failure_message(result))
        return _unavailable(page, result) if posted else page
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
    """Import from Apple Health: the upload form; the upload is kept for a worker, and the
    progress page shows how much of the file it has read, then what it imported (or why not)."""
    if request.method != "POST":
        return _health_page(request)
    form = AppleHealthForm(request.POST, request.FILES)
    if not form.is_valid():
        return _health_page(request, 400, form=form)
    upload = form.cleaned_data["export"]
    # Checked before reading: the import refuses it too, but need not open it.
    refused = uploads.refusal(request.user, upload.size, health_limits().upload_bytes)
    if refused is not None:
        form.add_error("export", refused.message)
        status = 400 if refused.status == uploads.TOO_LARGE else refused.status
        return _health_page(request, status, form=form)
    record = uploads.queue(request.user, HEALTH_KIND, upload, import_health)
    if record.finished:  # run at once (CRAMPCARE_TASKS=immediate): answer as it went
        return _health_finished(request, record, posted=True)
    return redirect("portability:apple_health_progress", record.pk)


@login_required
def apple_health_progress(request: AuthenticatedHttpRequest, progress_id: int) -> HttpResponse:
    """How much of the Apple Health export the worker has read, then what it imported."""
    return _progress_page(
        request,
        progress_id,
        HEALTH_KIND,
        _health_finished,
        title=_("Importing from Apple Health"),
        in_bytes=True,
    )


def _health_page(
    request: AuthenticatedHttpRequest, status: int = 200, **context: object
) -> HttpResponse:
    context.setdefault("form", AppleHealthForm())
    return render(request, "portability/apple_health.html", context, status=status)


def _health_finished(
    request: AuthenticatedHttpRequest, record: TaskProgress, *, posted: bool
) -> HttpResponse:
    """What the Apple Health import did, or why it did nothing: in answer to the upload, 400 for
    a file at fault and 503 when the server failed; the progress page asked again, 200."""
    result = record.result or {}
    if record.failed:
        page = _health_page(request, 503 if posted else 200, failed=failure_message(result))
        return _unavailable(page, result) if posted else page
    report = health_report_from_json(result)
    status = 200 if report.saved or not posted else 400
    return _health_page(request, status, report=report)
