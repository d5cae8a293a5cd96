"""A program and its records read from an export (crampcare.portability): the checks each row
must pass and the bulk saves the import calls, one per file, re-exported by ``services``.

Each ``check_imported_*`` raises Django's ``ValidationError`` by column; each ``import_*`` saves
records that passed it: new ones (``update_fields`` None) in bulk, or those fields of existing
ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.accounts.datafiles.bulk import save_as_given
from crampcare.accounts.datafiles.checks import Errors, fits, not_in_future, raise_if_any
from crampcare.core.nights import night_of
from crampcare.programs.dose import MAX_LEVEL, MIN_LEVEL
from crampcare.programs.models import Program, ProgramChange, ReminderSent, Session
from crampcare.programs.plan import Plan, PlanItem
from crampcare.programs.profile import PlanProfile
from crampcare.programs.reasons import items_with, plan_with, why_to_id
from crampcare.programs.tailoring import clean_preferences
from crampcare.validation_errors import messages_by_field

if TYPE_CHECKING:
    from crampcare.accounts.models import User


def check_imported_program(user: User, program: Program) -> None:
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
    if program.started_on > night_of(timezone.now(), user.time_zone):
        errors["started_on"] = _("That night has not happened yet.")
    if program.week_started_on < program.started_on:
        errors["week_started_on"] = _("is before the program's first night")
    for column in ("paused_at", "created_at", "updated_at"):
        not_in_future(errors, column, getattr(program, column))
    raise_if_any(errors)


def _new_calendar_sequence(user: User, programs: list[Program]) -> None:
    # The settings changed: calendar apps replace their event only when SEQUENCE goes up.
    Program.objects.for_user(user).filter(pk__in=[p.pk for p in programs]).update(
        sequence=F("sequence") + 1
    )


def check_imported_change(user: User, change: ProgramChange) -> None:
    errors: Errors = {}
    not_in_future(errors, "at", change.at)
    raise_if_any(errors)


def check_imported_session(user: User, session: Session) -> None:
    errors: Errors = {}
    if session.night > night_of(timezone.now(), user.time_zone):
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


def check_imported_reminder(user: User, reminder: ReminderSent) -> None:
    errors: Errors = {}
    not_in_future(errors, "sent_at", reminder.sent_at)
    raise_if_any(errors)


def import_program(
    user: User, programs: list[Program], update_fields: list[str] | None = None
) -> None:
    """Save the program ``check_imported_program`` passed: a new one (``update_fields`` None), or
    those fields of the person's program, whose calendar then gets a new SEQUENCE."""
    save_as_given(Program, user, programs, update_fields)
    if update_fields is not None:
        _new_calendar_sequence(user, programs)


def import_program_changes(
    user: User, changes: list[ProgramChange], update_fields: list[str] | None = None
) -> None:
    save_as_given(ProgramChange, user, changes, update_fields)


def import_sessions(
    user: User, sessions: list[Session], update_fields: list[str] | None = None
) -> None:
    save_as_given(Session, user, sessions, update_fields)


def import_reminders_sent(
    user: User, reminders: list[ReminderSent], update_fields: list[str] | None = None
) -> None:
    save_as_given(ReminderSent, user, reminders, update_fields)
