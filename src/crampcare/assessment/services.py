"""The assessment's business actions, used alike by the pages, the API and the CLI.

``evaluate`` is the one function that turns answers into a result; everything that stores a
result calls it, so a saved result is exactly what the API or CLI would give for those answers.
Rows are reached only through the owner-scoped chokepoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.utils.translation import get_language
from pydantic import ValidationError

from crampcare.accounts.datafiles.bulk import save_as_given
from crampcare.accounts.datafiles.checks import Errors, not_in_future, raise_if_any
from crampcare.accounts.ownership import get_read_or_404
from crampcare.assessment import engine
from crampcare.assessment.errors import InvalidAnswers
from crampcare.assessment.medicines import normalise
from crampcare.assessment.models import Assessment
from crampcare.assessment.presentation import RED_FLAG_LEVELS
from crampcare.assessment.schema import validate_payload
from crampcare.knowledge.base import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from crampcare.accounts.models import User
    from crampcare.accounts.ownership import AnyUser


def evaluate(payload: Mapping[str, Any], language: str | None = None) -> dict[str, Any]:
    """The result object (docs/assessment.md) for these answers; stores nothing.

    Messages are in ``language``, by default the active Django language. Raises
    ``InvalidAnswers`` naming every bad field.
    """
    try:
        data = validate_payload(payload)
    except ValidationError as error:
        raise InvalidAnswers.from_validation_error(error) from None
    result = engine.evaluate(data, language or get_language() or DEFAULT_LANGUAGE)
    return result.model_dump(mode="json")


def assess(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The result for these answers as it is stored: ids and parameters, no words (rendered when
    read: ``Assessment.shown_result``). Raises ``InvalidAnswers`` naming every bad field."""
    try:
        data = validate_payload(payload)
    except ValidationError as error:
        raise InvalidAnswers.from_validation_error(error) from None
    return engine.assess(data)


def save_assessment(user: User, payload: Mapping[str, Any]) -> Assessment:
    """Evaluate and store a finished assessment for ``user``; nothing is stored if it is invalid."""
    result = assess(payload)
    return Assessment.objects.create(
        owner=user, answers=dict(payload), result=result, completed=True
    )


def save_answers(
    user: User,
    answers: Mapping[str, Any],
    *,
    assessment: Assessment | None = None,
    finish: bool = False,
) -> Assessment:
    """Store answers as they are given, page by page: a new draft, or an update of ``assessment``.

    The result is recomputed each time so it always matches the answers. ``finish`` marks the
    questionnaire as finished; a finished assessment stays finished when its answers change.
    """
    result = assess(answers)
    with transaction.atomic():
        if assessment is None:
            assessment = Assessment(owner=user)
        elif assessment.pk is not None:
            # Re-read through the chokepoint: only the owner's own row may change.
            assessment = get_for(user, user, assessment.pk)
        assessment.answers = dict(answers)
        assessment.result = result
        if finish:
            assessment.completed = True
        assessment.save()
    return assessment


def add_medications(user: User, names: Iterable[str]) -> Assessment:
    """Add medicines to the person's newest assessment, or to a new draft when they have none.

    The answers change as they do on the medicines page, through :func:`save_answers`: the same
    validation (at most 50 names of up to 100 characters; ``InvalidAnswers`` otherwise, and
    nothing stored) and the result worked out again, so a medicine that may cause cramps shows
    on the result as if it had been typed. A name already listed (in any spelling
    ``medicines.normalise`` treats as the same) is not added twice.
    """
    target = list_for(user, user).first()
    answers = dict(target.answers) if target is not None else {}
    listed = [str(name) for name in answers.get("medications") or []]
    seen = {normalise(name) for name in listed}
    for name in names:
        cleaned = " ".join(name.split())
        if cleaned and normalise(cleaned) not in seen:
            seen.add(normalise(cleaned))
            listed.append(cleaned)
    answers["medications"] = listed
    return save_answers(user, answers, assessment=target)


def claim_anonymous(
    user: User, session_payload: Mapping[str, Any], *, completed: bool = True
) -> Assessment | None:
    """Save the answers someone gave before signing in to their account.

    Returns ``None`` when there is nothing to save. Answers that no longer validate (the schema
    changed while the session waited) are not saved rather than saved wrongly.
    """
    if not session_payload:
        return None
    try:
        return save_answers(user, session_payload, finish=completed)
    except InvalidAnswers:
        return None


def latest_for(actor: AnyUser, subject: AnyUser) -> Assessment | None:
    """The most recent finished assessment of ``subject`` as ``actor`` reads it (what the program
    is tailored from)."""
    return list_for(actor, subject).filter(completed=True).first()


@dataclass(frozen=True)
class AssessmentGlance:
    """One person's assessments at a glance, for a list of many people (a clinician's)."""

    latest: Assessment | None  # the newest finished one: its triage is the person's latest
    newest_red_flag_at: datetime | None  # the newest urgent or emergency one (drafts too)
    last_saved_at: datetime | None  # when any of them was last saved


def glance_for_each(actor: AnyUser, subjects: Iterable[AnyUser]) -> dict[int, AssessmentGlance]:
    """``AssessmentGlance`` of each of ``subjects`` as ``actor`` reads them, through the batch
    door (``for_readers``: one audit record each); those ``actor`` may not read are left out.
    Three queries however many people.

    A red flag counts as the program's hold counts it (``programs.hold``): any urgent or
    emergency check, finished or still in progress, by when it was last saved."""
    rows = Assessment.objects.for_readers(actor, subjects, drop_refused=True)
    latest = {
        found.owner_id: found
        for found in rows.filter(completed=True)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("owner_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(place=1)
    }
    flagged = dict(
        rows.filter(result__triage__in=RED_FLAG_LEVELS)
        .order_by()
        .values("owner_id")
        .annotate(at=Max("updated_at"))
        .values_list("owner_id", "at")
    )
    saved = dict(
        rows.order_by()
        .values("owner_id")
        .annotate(at=Max("updated_at"))
        .values_list("owner_id", "at")
    )
    return {
        owner: AssessmentGlance(latest.get(owner), flagged.get(owner), at)
        for owner, at in saved.items()
    }


def unfinished_for(user: AnyUser) -> Assessment | None:
    """The questionnaire this person started most recently and has not finished (their own
    draft: nobody else works on it)."""
    return list_for(user, user).filter(completed=False).first()


def list_for(actor: AnyUser, subject: AnyUser) -> QuerySet[Assessment]:
    """The assessments of ``subject`` as ``actor`` reads them (``ownership.for_reader``), newest
    first; none for an anonymous visitor, who has no stored assessments."""
    if not getattr(subject, "is_authenticated", False):
        return Assessment.objects.for_user(subject)
    return Assessment.objects.for_reader(actor, subject).order_by("-created_at", "-id")


def get_for(actor: AnyUser, subject: AnyUser, assessment_id: int) -> Assessment:
    """One assessment of ``subject`` as ``actor`` reads it, or 404 whether it is someone else's
    or missing."""
    return get_read_or_404(Assessment, actor, subject, pk=assessment_id)


def discard_unfinished(user: AnyUser, assessment: Assessment) -> None:
    """Delete an unfinished draft the person chose to start over from; finished ones stay."""
    Assessment.objects.for_user(user).filter(pk=assessment.pk, completed=False).delete()


# -- import (crampcare.portability) --------------------------------------------------------------


def check_imported(user: User, assessment: Assessment) -> None:
    """Check an assessment read from an export; raises Django's ``ValidationError`` by column."""
    # The result is worked out again from the answers, as every stored result is (the
    # assessment's own rule): an edited file cannot make a triage disagree with its answers. So
    # files exported when results carried their words import as ids like any other.
    try:
        assessment.result = assess(assessment.answers)
    except InvalidAnswers as error:
        raise DjangoValidationError(
            {"answers": "; ".join(str(problem) for problem in error.problems)}
        ) from None
    errors: Errors = {}
    not_in_future(errors, "created_at", assessment.created_at)
    not_in_future(errors, "updated_at", assessment.updated_at)
    raise_if_any(errors)


def import_assessments(
    user: User, assessments: list[Assessment], update_fields: list[str] | None = None
) -> None:
    """Save assessments that ``check_imported`` passed: new ones (``update_fields`` None) in
    bulk, or those fields of existing ones."""
    save_as_given(Assessment, user, assessments, update_fields)
