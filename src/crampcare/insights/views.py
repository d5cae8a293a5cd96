"""The insights pages: trends and "is it working?", the doctor's report, and the self-test."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.downloads import attachment
from crampcare.insights import charts, pdf, report, services
from crampcare.insights.forms import STRATEGY_IDEAS, ReportForm, SelfTestForm
from crampcare.insights.models import SelfTest
from crampcare.validation_errors import attach_errors

# How many weeks the page's charts show; 0 means the whole diary.
PAGE_WEEKS = (12, 26, 52, 0)
DEFAULT_PAGE_WEEKS = 26


def page_weeks(value: str | None) -> int:
    try:
        weeks = int(value or DEFAULT_PAGE_WEEKS)
    except ValueError:
        return DEFAULT_PAGE_WEEKS
    return weeks if weeks in PAGE_WEEKS else DEFAULT_PAGE_WEEKS


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    shown = page_weeks(request.GET.get("weeks"))
    personal = services.insights_for(user, user)
    weeks = personal.insights.weeks[-shown:] if shown else personal.insights.weeks
    effect = services.personal_effect_view(personal)
    triggers = services.trigger_views(personal.insights)
    warning = services.say(personal.insights.triggers_warning)
    return render(
        request,
        "insights/index.html",
        {
            "personal": personal,
            "charts": charts.page_charts(
                weeks, personal.effect, personal.records, personal.program_start
            ),
            "adherence": charts.adherence_summary(personal.records, personal.program_start),
            "all_weeks": len(personal.insights.weeks),
            "shown_weeks": shown,
            "week_options": [
                (value, _("All") if value == 0 else str(value)) for value in PAGE_WEEKS
            ],
            "effect": effect,
            "triggers": triggers,
            "hidden_factors": services.hidden_factor_texts(personal.insights),
            "triggers_warning": warning,
            "self_test": services.current_self_test(user, user, personal.as_of),
            "report_form": ReportForm(),
            "references": services.references_of(
                [effect.caveat, effect.trial, effect.trial_note, effect.advice],
                [t.note for t in triggers],
            ),
        },
    )


@login_required
def report_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    weeks = report.weeks_choice(request.GET.get("weeks"))
    content = report.doctor_report(request.user, request.user, weeks)
    return render(
        request,
        "insights/report.html",
        {
            "report": content,
            "form": ReportForm(initial={"weeks": weeks}),
            "chart_list": charts.page_charts(
                content.window_weeks,
                content.personal.effect,
                content.personal.records,
                content.personal.program_start,
                wide=True,
                clinician=True,
            ),
        },
    )


@login_required
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    content = report.doctor_report(user, user, report.weeks_choice(request.GET.get("weeks")))
    return pdf_response(content)


def pdf_response(content: report.DoctorReport) -> HttpResponse:
    """The report as a download named after its last night (shared with the API)."""
    return attachment(
        pdf.render_pdf(content),
        filename=f"crampcare-report-{content.last_night.isoformat()}.pdf",
        content_type="application/pdf",
    )


@login_required
def self_test(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    current = services.current_self_test(user, user)
    return _self_test_page(
        request,
        current=services.self_test_view(user, user, current) if current else None,
        form=SelfTestForm() if current is None else None,
    )


def _self_test_page(
    request: AuthenticatedHttpRequest,
    *,
    current: services.SelfTestView | None,
    form: SelfTestForm | None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    past = [
        test for test in services.self_tests(user, user) if current is None or test != current.test
    ]
    return render(
        request,
        "insights/self_test.html",
        {"current": current, "form": form, "past": past, "ideas": STRATEGY_IDEAS},
        status=status,
    )


@login_required
@require_POST
def start_self_test(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = SelfTestForm(request.POST)
    if form.is_valid():
        try:
            test = services.start_self_test(
                user,
                form.cleaned_data["strategy_a"],
                form.cleaned_data["strategy_b"],
                form.cleaned_data["weeks"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your test is planned. It starts tonight."))
            return redirect("insights:self_test_detail", test_id=test.pk)
    return _self_test_page(request, current=None, form=form, status=400)


@login_required
def self_test_detail(request: AuthenticatedHttpRequest, test_id: int) -> HttpResponse:
    user = request.user
    test = services.get_self_test(user, user, test_id)
    return render(
        request,
        "insights/self_test_detail.html",
        {"view": services.self_test_view(user, user, test)},
    )


@login_required
@require_POST
def stop_self_test(request: AuthenticatedHttpRequest, test_id: int) -> HttpResponse:
    test: SelfTest = services.stop_self_test(request.user, test_id)
    messages.success(request, _("Your test is stopped. The nights so far are analysed below."))
    return redirect("insights:self_test_detail", test_id=test.pk)


@login_required
@require_POST
def delete_self_test(request: AuthenticatedHttpRequest, test_id: int) -> HttpResponse:
    services.delete_self_test(request.user, test_id)
    messages.success(request, _("The test is deleted. Your diary entries are kept."))
    return redirect("insights:self_test")
