"""Your data: download everything (CSV zip or JSON) and bring a CSV export back in."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import attachment
from crampcare.portability import services as transfer
from crampcare.portability.apple_health import import_apple_health
from crampcare.portability.apple_health.reading import health_limits
from crampcare.portability.archive import import_limits
from crampcare.portability.forms import AppleHealthForm, ImportForm
from crampcare.portability.importing import import_allowed


@login_required
def data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "portability/data.html",
        {"form": ImportForm(), "health_form": AppleHealthForm()},
    )


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
    report = transfer.import_zip(
        user, upload.read(), valid_only=form.cleaned_data["valid_only"], throttle=True
    )
    if report.saved:
        messages.success(request, report.summary())
        for note in report.notes:
            messages.info(request, note)
        if report.ok:
            return redirect("diary:index")
    # Problems: show each one; the file has to be chosen again (we do not keep it).
    offer = ImportForm(initial={"valid_only": not report.saved})
    return render(
        request,
        "portability/data.html",
        {"form": offer, "report": report},
        status=429 if report.refused else 200 if report.saved else 400,
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
