"""The assessment's file: each questionnaire, its answers and the result they led to."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from crampcare.accounts.datafiles import cells
from crampcare.accounts.datafiles.formats import DataFile, instant, json_value, owned_rows, yes_no
from crampcare.assessment import services
from crampcare.assessment.models import Assessment

if TYPE_CHECKING:
    pass


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
    prepare=services.check_imported,
    save=services.import_assessments,
    worked_out=("result",),
)

FILES: tuple[DataFile, ...] = (ASSESSMENTS,)
