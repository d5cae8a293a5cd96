"""A person's saved assessments: the answers as given and the result they led to.

Rows are read and written only through ``crampcare.assessment.services`` (and the owner-scoped
chokepoint behind it). ``answers`` is the input payload of docs/assessment.md and ``result`` what
the engine decided for those answers, recomputed whenever the answers change, so the two always
agree. ``result`` holds ids and parameters, not words (rendering.py); :meth:`shown_result` gives
the output object of docs/assessment.md, worded in the language active when it is read.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.ownership import OwnedModel
from crampcare.assessment.rendering import rendered
from crampcare.assessment.schema import result_status


class Assessment(OwnedModel):
    answers = models.JSONField(_("answers"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    # False while someone is still working through the questionnaire pages; the API only
    # stores finished assessments.
    completed = models.BooleanField(_("completed"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("owner", "-created_at"), name="assessment_owner_recent"),)
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.triage or 'draft'} ({self.created_at:%Y-%m-%d})"

    @property
    def triage(self) -> str | None:
        value: Any = (self.result or {}).get("triage")
        return str(value) if value else None

    def shown_result(self, language: str | None = None) -> dict[str, Any]:
        """The result object (docs/assessment.md) in ``language``, by default the active one;
        empty while nothing has been worked out."""
        return rendered(self.result or {}, language)

    @property
    def status(self) -> str | None:
        """What the result says first: its level, or "incomplete" (see schema.result_status);
        worked out again for results stored before the field existed."""
        result = self.result or {}
        if self.triage is None:
            return None
        return str(
            result.get("status") or result_status(self.triage, result.get("incomplete") or [])
        )
