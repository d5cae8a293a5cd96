"""The questionnaire pages and the result page.

Views parse input and render; the answers are evaluated by ``services.evaluate`` (through
``drafts`` and ``services.save_answers``), the same function behind the API and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.assessment import drafts, presentation, services
from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.errors import BODY, InvalidAnswers
from crampcare.assessment.forms import StepForm
from crampcare.assessment.medicines import suggest
from crampcare.assessment.models import Assessment
from crampcare.assessment.questionnaire import (
    STEPS,
    Step,
    get_step,
    neighbours,
    position,
    resume_step,
)

# Enough to find a name as it is typed, few enough to scan on a phone.
SUGGESTION_LIMIT = 8


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        drafts.start_over(request)
        return redirect("assessment:step", slug=STEPS[0].slug)
    draft = drafts.current(request)
    saved = [
        presentation.SavedCheck(
            assessment=item,
            status=item.status or "incomplete",
            summary=presentation.one_line(item.shown_result()),
        )
        for item in services.list_for(request.user, request.user).filter(completed=True)[:20]
    ]
    return render(
        request,
        "assessment/start.html",
        {
            "draft": draft,
            "resume": resume_step(draft.answers) if draft else None,
            "saved": saved,
            "step_count": len(STEPS),
        },
    )


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str) -> HttpResponse:
    current_step = get_step(slug)
    if current_step is None:
        raise Http404(_("There is no such step."))
    draft = drafts.current(request)
    answers = draft.answers if draft else {}
    if request.method != "POST":
        return _render_step(request, current_step, current_step.build_form(answers))

    form = current_step.build_form(answers, request.POST)
    going_back = request.POST.get("go") == "back"
    before, after = neighbours(current_step)
    if form.is_valid():
        try:
            saved = drafts.save(request, draft, form.to_answers(answers), finish=after is None)
        except InvalidAnswers as error:
            _attach(form, error)
        else:
            if going_back and before is not None:
                return redirect("assessment:step", slug=before.slug)
            if after is not None:
                return redirect("assessment:step", slug=after.slug)
            return _after_finishing(saved)
    return _render_step(request, current_step, form, status=400)


def _after_finishing(draft: drafts.Draft) -> HttpResponse:
    if draft.assessment is not None:
        return redirect("assessment:detail", assessment_id=draft.assessment.pk)
    return redirect("assessment:result")


def _attach(form: StepForm, error: InvalidAnswers) -> None:
    """Put each problem the schema found beside the field it concerns."""
    for problem in error.problems:
        parts = problem.field.split(".")
        name = parts[1] if parts[0] == "symptoms" and len(parts) > 1 else parts[0]
        if name in form.fields:
            form.add_error(name, problem.message)
        else:
            form.add_error(None, str(problem) if problem.field != BODY else problem.message)


def _render_step(
    request: HttpRequest, current_step: Step, form: StepForm, status: int = 200
) -> HttpResponse:
    before, after = neighbours(current_step)
    return render(
        request,
        "assessment/step.html",
        {
            "step": current_step,
            "form": form,
            "sections": current_step.sections(form),
            "number": position(current_step),
            "steps": STEPS,
            "step_count": len(STEPS),
            "before": before,
            "after": after,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def result(request: HttpRequest) -> HttpResponse:
    """The result for the answers in progress (a visitor's, or a signed-in person's draft)."""
    draft = drafts.current(request)
    if draft is None:
        latest = services.latest_for(request.user, request.user)
        if latest is not None:
            return redirect("assessment:detail", assessment_id=latest.pk)
        return redirect("assessment:start")
    if draft.assessment is not None and request.method != "POST":
        # A signed-in person's answers are already stored: show them at their own address.
        return redirect("assessment:detail", assessment_id=draft.assessment.pk)
    outcome = services.evaluate(draft.answers)
    if request.method == "POST":
        return _answer_again(request, draft.answers, outcome, draft=draft)
    return _render_result(request, draft.answers, outcome)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: AuthenticatedHttpRequest, assessment_id: int) -> HttpResponse:
    assessment = services.get_for(request.user, request.user, assessment_id)
    if request.method == "POST":
        draft = drafts.Draft(assessment.answers, assessment.completed, assessment)
        return _answer_again(request, assessment.answers, assessment.shown_result(), draft=draft)
    return _render_result(
        request, assessment.answers, assessment.shown_result(), assessment=assessment
    )


def _answer_again(
    request: HttpRequest,
    answers: dict[str, Any],
    outcome: Mapping[str, Any],
    *,
    draft: drafts.Draft,
) -> HttpResponse:
    """The red flags asked again on the result page: store the answers, show the new result."""
    form = presentation.follow_up_form(outcome, request.POST)
    if form is None:
        # Nothing left to ask (answered in another tab): just show the page again.
        return redirect(request.path)
    if not form.is_valid():
        return _render_result(
            request, answers, outcome, assessment=draft.assessment, form=form, status=400
        )
    updated = form.to_answers(answers)
    if updated == answers:
        form.add_error(None, _("Choose yes or no for each question you can answer."))
        return _render_result(
            request, answers, outcome, assessment=draft.assessment, form=form, status=400
        )
    if draft.assessment is not None:
        saved = services.save_answers(
            request.user,  # type: ignore[arg-type]  # a draft with a row is a signed-in one
            updated,
            assessment=draft.assessment,
        )
        return redirect("assessment:detail", assessment_id=saved.pk)
    drafts.save(request, draft, updated)
    return redirect("assessment:result")


def _render_result(
    request: HttpRequest,
    answers: Mapping[str, Any],
    outcome: Mapping[str, Any],
    *,
    assessment: Assessment | None = None,
    form: Any = None,
    status: int = 200,
) -> HttpResponse:
    printing = request.GET.get("print") == "1"
    context = {
        "page": presentation.build(outcome, answers),
        "follow_up": form or presentation.follow_up_form(outcome),
        "assessment": assessment,
        "when": assessment.updated_at if assessment else timezone.now(),
        "here": request.path,
        "printing": printing,
    }
    template = "assessment/print.html" if printing else "assessment/result.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def edit(request: AuthenticatedHttpRequest, assessment_id: int) -> HttpResponse:
    """ "Change my answers" on a saved result: reopen its answers in the questionnaire."""
    assessment = services.get_for(request.user, request.user, assessment_id)
    drafts.work_on(request, assessment)
    return redirect("assessment:step", slug=STEPS[0].slug)


def medicines(request: HttpRequest) -> HttpResponse:
    """Names for the medicines box as people type (htmx), or a plain search page without it."""
    query = request.GET.get("q", "").strip()[:100]
    content = load_clinical()
    matches = [
        {"name": item.name, "class_name": content.medicine_class(item.class_id).name.get()}
        for item in suggest(query, limit=SUGGESTION_LIMIT)
    ]
    template = "assessment/medicines.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#suggestions"
    return render(
        request,
        template,
        {
            "query": query,
            "matches": matches,
            "back": reverse("assessment:step", args=["medicines"]),
        },
    )
