"""The program's files: the program itself, its change history, sessions and reminders sent.

Never exported: the calendar feed's secret (its digest and prefix) and the calendar's internal
SEQUENCE counter; unsubscribe links are signed on the fly and never stored. The quiet hours for
reminders on the phone are not exported either: they only matter to the browsers subscribed on
this server (``accounts.PushSubscription``), which are a device's secrets and stay behind. A
program imported into an account without one gets no calendar feed until the person asks for a
new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from crampcare.accounts.datafiles import cells
from crampcare.accounts.datafiles.formats import (
    DataFile,
    choice,
    clock_time,
    day,
    instant,
    json_value,
    owned_rows,
    text,
    whole_number,
    yes_no,
)
from crampcare.programs import services
from crampcare.programs.models import Program, ProgramChange, ReminderSent, Session

if TYPE_CHECKING:
    pass

__ = gettext_lazy


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
    prepare=services.check_imported_program,
    save=services.import_program,
)


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
                "step_up, step_down, progression, maintenance, cleared; and, by your care team, "
                "add, remove, hold, release, dose, nights"
            ),
        ),
        json_value("before", __("the values before, or blank"), cells.optional_json),
        json_value("after", __("the values after, or blank"), cells.optional_json),
        text("changed_by_name", __("who in your care team made the change, or blank")),
        text("note", __("their note to you about it, or blank")),
    ),
    rows=owned_rows(ProgramChange, "at", "kind"),
    model=ProgramChange,
    key=("at", "kind"),
    prepare=services.check_imported_change,
    save=services.import_program_changes,
    of_program=True,
)


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
    prepare=services.check_imported_session,
    save=services.import_sessions,
    of_program=True,
)


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
    prepare=services.check_imported_reminder,
    save=services.import_reminders_sent,
)

# The program before the changes and sessions that belong to it.
FILES: tuple[DataFile, ...] = (PROGRAM, PROGRAM_CHANGES, SESSIONS, REMINDERS_SENT)
