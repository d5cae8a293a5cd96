"""The assessment's file: each questionnaire, its answers and the result they led to."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crampcare.assessment.errors import InvalidAnswers
from crampcare.assessment.models import Assessment
from crampcare.assessment.services import assess
from crampcare.diary.transfer import cells
from crampcare.diary.transfer.checks import Errors, not_in_future, raise_if_any
from crampcare.diary.transfer.formats import DataFile, instant, json_value, owned_rows, yes_no

if TYPE_CHECKING:
    from crampcare.accounts.models import User


def _check_assessment(user: User, assessment: Assessment) -> None:
    # The result is worked out again from the answers, as every stored result is (the
    # assessment's own rule): an edited file cannot make a triage disagree with its answers. So
    # files exported when results carried their words import as ids like any other.
    try:
        assessment.result = assess(assessment.answers)
    except InvalidAnswers as error:
        raise ValidationError(
            {"answers": "; ".join(str(problem) for problem in error.problems)}
        ) from None
    errors: Errors = {}
    not_in_future(errors, "created_at", assessment.created_at)
    not_in_future(errors, "updated_at", assessment.updated_at)
    raise_if_any(errors)


ASSESSMENTS = DataFile(
    name="assessments.csv",
    section="assessments",
    about=_("Each assessment (questionnaire) you saved, finished or not."),
    columns=(
        instant("created_at", _("when you started it")),
        instant("updated_at", _("when you last changed it")),
        yes_no("completed", _("whether you finished it: yes or no")),
        json_value("answers", _("your answers, as in docs/assessment.md"), cells.json_object),
        replace(
            json_value(
                "result",
                _("the triage and risk profile for those answers; worked out again on import"),
                cells.optional_json,
            ),
            saved=False,
        ),
    ),
    rows=owned_rows(Assessment, "created_at"),
    model=Assessment,
    key=("created_at",),
    required=("answers",),
    prepare=_check_assessment,
    worked_out=("result",),
)
