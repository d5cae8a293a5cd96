"""Where the answers of a questionnaire in progress live while someone works through the pages.

A visitor without an account keeps them in their session; a signed-in person in an unfinished
``Assessment`` row (or, while changing the answers of a finished one, in that row). The session
remembers which row a signed-in person is working on. Everything is saved page by page, so
closing the browser loses nothing that was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.errors import InvalidAnswers
from crampcare.assessment.models import Assessment

SESSION_ANSWERS = "assessment_answers"
SESSION_FINISHED = "assessment_finished"
SESSION_WORKING_ON = "assessment_working_on"


@dataclass(frozen=True)
class Draft:
    answers: dict[str, Any]
    finished: bool
    # The row behind a signed-in person's draft; None for a visitor without an account.
    assessment: Assessment | None = None


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def current(request: HttpRequest) -> Draft | None:
    """The answers being worked on, or None when nothing has been started."""
    if not _signed_in(request):
        answers = request.session.get(SESSION_ANSWERS)
        if answers is None:
            return None
        if not _readable(answers):
            _discard_unreadable(request)
            return None
        return Draft(dict(answers), bool(request.session.get(SESSION_FINISHED)))
    assessment = _working_on(request) or services.unfinished_for(request.user)
    if assessment is None:
        return None
    return Draft(dict(assessment.answers), assessment.completed, assessment)


def _readable(answers: Any) -> bool:
    """Whether a session's answers are ones the questionnaire can show (sessions can be stale)."""
    if not isinstance(answers, dict):
        return False
    try:
        services.evaluate(answers)
    except InvalidAnswers:
        return False
    return True


def _discard_unreadable(request: HttpRequest) -> None:
    for key in (SESSION_ANSWERS, SESSION_FINISHED):
        request.session.pop(key, None)
    messages.warning(
        request,
        _(
            "The answers kept in this browser could not be read (they may be from an older "
            "version, or changed), so they were cleared. Please start the questions again."
        ),
    )


def _working_on(request: HttpRequest) -> Assessment | None:
    assessment_id = request.session.get(SESSION_WORKING_ON)
    if assessment_id is None:
        return None
    try:
        return services.get_for(request.user, request.user, assessment_id)
    except Http404:
        request.session.pop(SESSION_WORKING_ON, None)
        return None


def save(
    request: HttpRequest, draft: Draft | None, answers: dict[str, Any], *, finish: bool = False
) -> Draft:
    """Store the answers so far; raises ``InvalidAnswers`` (and stores nothing) if invalid."""
    if not _signed_in(request):
        services.evaluate(answers)  # the same validation a signed-in person gets
        request.session[SESSION_ANSWERS] = answers
        finished = finish or bool(draft and draft.finished)
        request.session[SESSION_FINISHED] = finished
        return Draft(answers, finished)
    user = request.user
    assert isinstance(user, User)  # _signed_in() said so
    assessment = services.save_answers(
        user, answers, assessment=draft.assessment if draft else None, finish=finish
    )
    if finish:
        # Finished: the next visit to the questionnaire starts from the start page again.
        request.session.pop(SESSION_WORKING_ON, None)
    else:
        request.session[SESSION_WORKING_ON] = assessment.pk
    return Draft(dict(assessment.answers), assessment.completed, assessment)


def work_on(request: HttpRequest, assessment: Assessment) -> None:
    """Reopen a saved assessment's answers in the questionnaire pages, to change them."""
    request.session[SESSION_WORKING_ON] = assessment.pk


def start_over(request: HttpRequest) -> None:
    """Forget the answers in progress (an unfinished row is deleted; finished ones stay)."""
    draft = current(request)
    if draft is not None and draft.assessment is not None:
        services.discard_unfinished(request.user, draft.assessment)
    for key in (SESSION_ANSWERS, SESSION_FINISHED, SESSION_WORKING_ON):
        request.session.pop(key, None)


def claim(request: HttpRequest, user: User) -> Assessment | None:
    """After signing up or in: move a visitor's session answers into their new account."""
    answers = request.session.get(SESSION_ANSWERS)
    if not answers:
        return None
    finished = bool(request.session.get(SESSION_FINISHED))
    assessment = services.claim_anonymous(user, answers, completed=finished)
    request.session.pop(SESSION_ANSWERS, None)
    request.session.pop(SESSION_FINISHED, None)
    if assessment is not None and not finished:
        request.session[SESSION_WORKING_ON] = assessment.pk
    return assessment
