"""What a clinician sees of one person in their care: their checks, their diary, their insights
and their plan with its history.

Every read goes through the other apps' read services with the clinician as the actor, so each
is checked by the care access and audited (``care/access.py``); the page and the API name their
route with ``care.access.reading_from``. Anyone not in an active relationship with the person
gets 404 from ``services.patient`` before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.models import Assessment
from crampcare.care.dashboard import TRIAGE_LABELS
from crampcare.care.models import CareRelationship
from crampcare.diary import services as diary
from crampcare.insights import report
from crampcare.programs import services as programs
from crampcare.programs.display import ItemView, days_text, describe_change, item_views
from crampcare.programs.hold import Hold, hold_for
from crampcare.programs.models import Program, ProgramChange
from crampcare.programs.rules import Block

DIARY_PAGE_SIZE = 20
CHECKS_SHOWN = 20
# The insights section covers the doctor's report's longest window.
INSIGHT_WEEKS = max(report.WEEK_CHOICES)


@dataclass(frozen=True)
class ShownReason:
    rule: str
    level: str
    level_label: str
    message: str
    action: str


@dataclass(frozen=True)
class ShownCheck:
    """One finished assessment: its triage (or "incomplete") and each reason in words."""

    assessment: Assessment
    status: str
    level_label: str
    reasons: list[ShownReason]

    @property
    def red_flag(self) -> bool:
        return self.status in ("emergency", "urgent")


def shown_check(assessment: Assessment) -> ShownCheck:
    result = assessment.shown_result()
    status = assessment.status or ""
    return ShownCheck(
        assessment=assessment,
        status=status,
        level_label=str(TRIAGE_LABELS.get(status, status)),
        reasons=[
            ShownReason(
                rule=str(reason.get("rule", "")),
                level=str(reason.get("level", "")),
                level_label=str(TRIAGE_LABELS.get(str(reason.get("level", "")), "")),
                message=str(reason.get("message", "")),
                action=str(reason.get("action", "")),
            )
            for reason in result.get("reasons") or []
        ],
    )


def checks(clinician: User, person: User, limit: int = CHECKS_SHOWN) -> list[ShownCheck]:
    """The person's finished assessments, newest first (through the door)."""
    return [
        shown_check(found)
        for found in assessments.list_for(clinician, person).filter(completed=True)[:limit]
    ]


@dataclass(frozen=True)
class PlanBlock:
    title: str
    items: list[ItemView]


@dataclass(frozen=True)
class CurrentPlan:
    program: Program
    blocks: list[PlanBlock]
    hold: Hold | None
    changes: list[tuple[ProgramChange, str]]  # each change and its line in words


def current_plan(clinician: User, person: User, now: datetime | None = None) -> CurrentPlan | None:
    """The person's program as it stands tonight, its hold and its change history; None
    without a program."""
    program = programs.current_program(clinician, person, now)
    if program is None:
        return None
    plan = program.get_plan()
    blocks = [
        PlanBlock(str(title), item_views(plan.block(block)))
        for block, title in (
            (Block.BEDTIME, _("At bedtime")),
            (Block.DAYTIME, _("During the day")),
            (Block.EXERCISE, _("Around their own exercise")),
        )
        if plan.block(block)
    ]
    return CurrentPlan(
        program=program,
        blocks=blocks,
        hold=hold_for(clinician, person),
        changes=[
            (change, describe_change(change))
            for change in programs.history(clinician, person, program)
        ],
    )


def schedule_of(item: ItemView) -> str:
    return days_text(item.item.dose.days)


@dataclass(frozen=True)
class PersonView:
    person: User
    relationship: CareRelationship
    checks: list[ShownCheck]
    cramps: Page[Any]
    checkins: Page[Any]
    insights: report.DoctorReport
    plan: CurrentPlan | None


def person_view(
    clinician: User,
    relationship: CareRelationship,
    *,
    cramps_page: str | None = None,
    checkins_page: str | None = None,
    now: datetime | None = None,
) -> PersonView:
    """Everything the person's page shows, read as ``clinician``; marks the person as seen (the
    dashboard's "new red flag" counts from here)."""
    person = relationship.person
    assert person is not None
    view = PersonView(
        person=person,
        relationship=relationship,
        checks=checks(clinician, person),
        cramps=Paginator(diary.episodes(clinician, person), DIARY_PAGE_SIZE).get_page(cramps_page),
        checkins=Paginator(diary.checkins(clinician, person), DIARY_PAGE_SIZE).get_page(
            checkins_page
        ),
        insights=report.doctor_report(clinician, person, INSIGHT_WEEKS, now),
        plan=current_plan(clinician, person, now),
    )
    CareRelationship.objects.filter(pk=relationship.pk).update(
        clinician_seen_at=now or timezone.now()
    )
    return view
