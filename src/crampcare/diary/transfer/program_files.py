"""The program's files: the program itself, its change history, sessions and reminders sent.

Never exported: the calendar feed's secret (its digest and prefix) and the calendar's internal
SEQUENCE counter; unsubscribe links are signed on the fly and never stored. A program imported
into an account without one gets no calendar feed until the person asks for a new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crampcare.diary.services import current_night
from crampcare.diary.transfer import cells
from crampcare.diary.transfer.checks import Errors, fits, not_in_future, raise_if_any
from crampcare.diary.transfer.formats import (
    DataFile,
    choice,
    clock_time,
    day,
    instant,
    json_value,
    owned_rows,
    whole_number,
    yes_no,
)
from crampcare.programs.dose import MAX_LEVEL, MIN_LEVEL
from crampcare.programs.models import Program, ProgramChange, ReminderSent, Session
from crampcare.programs.plan import Plan, PlanItem
from crampcare.programs.profile import PlanProfile
from crampcare.programs.reasons import items_with, plan_with, why_to_id
from crampcare.programs.tailoring import clean_preferences
from crampcare.validation_errors import messages_by_field

if TYPE_CHECKING:
    from crampcare.accounts.models import User

__ = gettext_lazy


def _check_program(user: User, program: Program) -> None:
    errors: Errors = {}
    if isinstance(program.plan, dict):
        # Files exported before the plan kept reason ids carry the cited lines' words.
        program.plan = plan_with(program.plan, why_to_id)
    fits(errors, "plan", Plan, program.plan)
    fits(errors, "profile", PlanProfile, program.profile)
    try:
        clean_preferences(program.preferences)
    except ValidationError as error:
        errors["preferences"] = "; ".join(
            f"{key}: {' '.join(messages)}" if key else " ".join(messages)
            for key, messages in messages_by_field(error)
        )
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in program.swaps.items()):
        errors["swaps"] = _('should map each slot to an exercise id, like {"calf": "..."}')
    if isinstance(program.week, int) and program.week < 1:
        errors["week"] = _("should be 1 or more")
    if isinstance(program.level, int) and not MIN_LEVEL <= program.level <= MAX_LEVEL:
        errors["level"] = _("should be from %(low)d to %(high)d") % {
            "low": MIN_LEVEL,
            "high": MAX_LEVEL,
        }
    if program.started_on > current_night(user):
        errors["started_on"] = _("That night has not happened yet.")
    if program.week_started_on < program.started_on:
        errors["week_started_on"] = _("is before the program's first night")
    for column in ("paused_at", "created_at", "updated_at"):
        not_in_future(errors, column, getattr(program, column))
    raise_if_any(errors)


def _new_calendar_sequence(user: User, programs: list[Any]) -> None:
    # The settings changed: calendar apps replace their event only when SEQUENCE goes up.
    Program.objects.for_user(user).filter(pk__in=[p.pk for p in programs]).update(
        sequence=F("sequence") + 1
    )


PROGRAM = DataFile(
    name="program.csv",
    section="program",
    about=__(
        "Your nightly program and its settings (one row, or none without a program). The "
        "calendar feed's secret is never exported: ask for a new feed after an import."
    ),
    columns=(
        day("started_on", __("the program's first night")),
        day("week_started_on", __("the first night of the current program week")),
        whole_number("week", __("the program week you are in (from 1)")),
        whole_number("level", __("the progression level (1 is the trial's dose)")),
        choice("phase", __("active (the six weeks) or maintenance (keeping it up)")),
        clock_time("bedtime", __("your bedtime, like 22:30")),
        whole_number("reminder_minutes_before", __("reminder, in minutes before bedtime")),
        yes_no("email_reminders", __("reminders by email: yes or no")),
        yes_no("paused", __("paused: yes or no")),
        instant("paused_at", __("when you paused it, or blank"), required=False),
        day("paused_on", __("the first paused night, or blank"), required=False),
        day(
            "maintenance_offered_on",
            __("when keeping it up was offered, or blank"),
            required=False,
        ),
        json_value(
            "last_step", __("the last weekly check's outcome, or blank"), cells.optional_json_object
        ),
        json_value("swaps", __("exercises you swapped in: slot -> exercise id"), cells.json_object),
        json_value(
            "preferences", __("your answers and preferences for the plan"), cells.json_object
        ),
        json_value("profile", __("who the plan is for, as the plan uses it"), cells.json_object),
        json_value("plan", __("the whole plan: each exercise with its dose"), cells.json_object),
        instant("created_at", __("when the program was made")),
        instant("updated_at", __("when it last changed")),
    ),
    rows=owned_rows(Program, "created_at"),
    model=Program,
    one_row=True,
    required=("started_on", "week_started_on", "bedtime", "profile", "plan", "created_at"),
    prepare=_check_program,
    after_update=_new_calendar_sequence,
)


def _check_change(user: User, change: ProgramChange) -> None:
    errors: Errors = {}
    not_in_future(errors, "at", change.at)
    raise_if_any(errors)


PROGRAM_CHANGES = DataFile(
    name="program_changes.csv",
    section="program_changes",
    about=__("The program's history: each change with what it was before and after."),
    columns=(
        instant("at", __("when it changed")),
        choice(
            "kind",
            __(
                "what changed: created, profile, swap, bedtime, reminder, pause, resume, "
                "step_up, step_down, maintenance"
            ),
        ),
        json_value("before", __("the values before, or blank"), cells.optional_json),
        json_value("after", __("the values after, or blank"), cells.optional_json),
    ),
    rows=owned_rows(ProgramChange, "at", "kind"),
    model=ProgramChange,
    key=("at", "kind"),
    prepare=_check_change,
    of_program=True,
)


def _check_session(user: User, session: Session) -> None:
    errors: Errors = {}
    if session.night > current_night(user):
        errors["night"] = _("That night has not happened yet.")
    if isinstance(session.week, int) and session.week < 1:
        errors["week"] = _("should be 1 or more")
    if isinstance(session.items, list):
        session.items = items_with(session.items, why_to_id)  # as for the plan, above
    for index, item in enumerate(session.items):
        fits(errors, "items", PlanItem, item)
        if "items" in errors:
            errors["items"] = _("exercise %(number)d %(problem)s") % {
                "number": index + 1,
                "problem": errors["items"],
            }
            break
    for column in ("started_at", "completed_at", "updated_at"):
        not_in_future(errors, column, getattr(session, column))
    raise_if_any(errors)


SESSIONS = DataFile(
    name="sessions.csv",
    section="sessions",
    about=__("Each night's stretching session: started, how far it got, finished, how it felt."),
    columns=(
        day("night", __("the night (the evening's date)")),
        whole_number("week", __("the program week it counts towards")),
        instant("started_at", __("when you started it")),
        instant(
            "completed_at", __("when you finished it, or blank if you did not"), required=False
        ),
        whole_number("difficulty", __("how hard it felt: 0 to 10, or blank")),
        whole_number("pain", __("how much it hurt: 0 to 10, or blank")),
        json_value("progress", __("where the player was"), cells.json_object),
        json_value("items", __("the exercises of that night, as they were"), cells.json_list),
        instant("updated_at", __("when it was last saved")),
    ),
    rows=owned_rows(Session, "night"),
    model=Session,
    key=("night",),
    required=("week", "started_at"),
    prepare=_check_session,
    of_program=True,
)


def _check_reminder(user: User, reminder: ReminderSent) -> None:
    errors: Errors = {}
    not_in_future(errors, "sent_at", reminder.sent_at)
    raise_if_any(errors)


REMINDERS_SENT = DataFile(
    name="reminders_sent.csv",
    section="reminders_sent",
    about=__("Each reminder we sent you (so an import does not send it again)."),
    columns=(
        day("night", __("the night it was for")),
        choice("channel", __("how it was sent: email")),
        instant("sent_at", __("when it was sent")),
    ),
    rows=owned_rows(ReminderSent, "night", "channel"),
    model=ReminderSent,
    key=("night", "channel"),
    required=("sent_at",),
    prepare=_check_reminder,
)
