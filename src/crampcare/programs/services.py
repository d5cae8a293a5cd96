"""Program actions shared by the pages, the API and the commands.

Each edit regenerates the plan with the pure core (``generate_plan``), bumps the calendar
sequence, and records a ``ProgramChange`` with what it was before and after, in one transaction:
the care team can always see how a plan came to be.

Reading never writes. Weekly progression is an explicit step, ``advance_program`` (one person) or
``advance_programs`` (everyone), which closes each ended week from its sessions and records it:
``crampcare send-reminders`` runs it for everyone, and every write to a program or a session runs
it for that person first (``locked_program``, ``sessions.start_session``). Until it has run, a
read (``current_program``) shows the program as the step will leave it, computed without saving.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.accounts.ownership import system_access
from crampcare.core.nights import night_of
from crampcare.programs.adjustments import Adjustments
from crampcare.programs.catalogue import Catalogue, default_catalogue
from crampcare.programs.dose import MIN_LEVEL
from crampcare.programs.imports import check_imported_change as check_imported_change
from crampcare.programs.imports import check_imported_program as check_imported_program
from crampcare.programs.imports import check_imported_reminder as check_imported_reminder
from crampcare.programs.imports import check_imported_session as check_imported_session
from crampcare.programs.imports import import_program as import_program
from crampcare.programs.imports import import_program_changes as import_program_changes
from crampcare.programs.imports import import_reminders_sent as import_reminders_sent
from crampcare.programs.imports import import_sessions as import_sessions
from crampcare.programs.models import ChangeKind, Phase, Program, ProgramChange, Session
from crampcare.programs.plan import Plan, generate_plan, swap_options
from crampcare.programs.profile import PlanProfile
from crampcare.programs.progression import (
    PAINFUL_FROM,
    WeekSummary,
    advance,
    maintenance_plan,
    nights_per_week,
)
from crampcare.programs.slots import SLOTS_BY_ID
from crampcare.programs.tailoring import build_profile, clean_preferences

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)


class NoProgram(ValidationError):
    """The person has not set up a program yet."""

    def __init__(self) -> None:
        super().__init__({"program": _("You have no program yet. Set one up first.")})


def catalogue() -> Catalogue:
    return default_catalogue()


def tonight(user: User, now: datetime | None = None) -> date:
    """The night (named by its evening's date) it is now for this person, in their zone."""
    return night_of(now or timezone.now(), user.time_zone)


# -- reading --------------------------------------------------------------------------------------


def current_program(actor: AnyUser, subject: User, now: datetime | None = None) -> Program | None:
    """The program of ``subject`` as it stands tonight, as ``actor`` reads it
    (``ownership.for_reader``). Read only: a weekly step that is due but not recorded yet is
    applied to the copy returned (which refuses to be saved), not to the row."""
    program = Program.objects.for_reader(actor, subject).first()
    if program is None:
        return None
    return _as_of(program, tonight(subject, now), subject.zone)


def require_program(actor: AnyUser, subject: User, now: datetime | None = None) -> Program:
    program = current_program(actor, subject, now)
    if program is None:
        raise NoProgram
    return program


def history(
    actor: AnyUser, subject: AnyUser, program: Program | None = None
) -> list[ProgramChange]:
    """Every change to the program of ``subject``, newest first, as ``actor`` reads it, with the
    weekly steps that are due but not recorded yet when ``program`` is the one
    ``current_program`` showed."""
    changes = list(ProgramChange.objects.for_reader(actor, subject).order_by("-at", "-id"))
    unrecorded = program.unrecorded_changes if program is not None else None
    if not unrecorded:
        return changes
    # Stable: recorded changes keep their order; a pending step goes where its time puts it.
    return sorted([*reversed(unrecorded), *changes], key=attrgetter("at"), reverse=True)


def alternatives(program: Program, plan: Plan | None = None) -> dict[str, tuple[str, ...]]:
    """For each slot in the plan, the exercises the person may swap to (the current one first)."""
    plan = plan or program.get_plan()
    result: dict[str, tuple[str, ...]] = {}
    for item in plan.items:
        if item.slot not in SLOTS_BY_ID:  # added by the care team: no alternatives
            result[item.slot] = (item.exercise_id,)
            continue
        options = swap_options(plan.profile, item.slot, catalogue())
        result[item.slot] = (item.exercise_id, *(o for o in options if o != item.exercise_id))
    return result


# -- creating and editing -------------------------------------------------------------------------


def _plan_for(
    program: Program,
    profile: PlanProfile,
    swaps: Mapping[str, str],
    adjustments: Adjustments | None = None,
) -> Plan:
    """The program's plan rebuilt for ``profile``, keeping the care team's adjustments (the
    stored plan's, unless new ones are given)."""
    plan = generate_plan(
        profile,
        catalogue(),
        program.week,
        level=program.level,
        swaps=swaps,
        progression=program.progression_opt_in,
        adjustments=program.get_plan().adjustments if adjustments is None else adjustments,
    )
    return maintenance_plan(plan) if program.phase == Phase.MAINTENANCE else plan


def plan_with(program: Program, adjustments: Adjustments) -> Plan:
    """The program's plan rebuilt with these care-team adjustments (not saved)."""
    plan = program.get_plan()
    return _plan_for(program, plan.profile, program.swaps, adjustments)


def record(
    program: Program,
    kind: ChangeKind,
    before: Any,
    after: Any,
    now: datetime | None = None,
    *,
    changed_by: User | None = None,
    note: str = "",
) -> ProgramChange:
    """Save the program and record one change to it (call inside the edit's transaction)."""
    return _record(program, kind, before, after, now, changed_by=changed_by, note=note)


def _routine(plan: Plan) -> dict[str, str]:
    return {item.slot: item.exercise_id for item in plan.items}


def _record(
    program: Program,
    kind: ChangeKind,
    before: Any,
    after: Any,
    now: datetime | None = None,
    *,
    changed_by: User | None = None,
    note: str = "",
) -> ProgramChange:
    program.sequence += 1
    program.save()
    return ProgramChange.objects.create(
        owner_id=program.owner_id,
        program=program,
        kind=kind,
        before=before,
        after=after,
        at=now or timezone.now(),
        changed_by=changed_by,
        changed_by_name=str(changed_by) if changed_by is not None else "",
        note=note,
    )


def locked_program(
    user: AnyUser, now: datetime | None = None, *, actor: AnyUser | None = None, change: str = ""
) -> Program:
    """The person's program, locked for an edit (call inside a transaction), with the weekly
    steps due by ``now`` recorded first: every edit starts from the week it is. Someone else
    (``actor``, a clinician) changes it through the write door (``for_writer``), which refuses
    anyone without the right and audits the change (``change`` says what) in this transaction."""
    writer = user if actor is None else actor
    program = (
        Program.objects.for_writer(writer, user, change=change or "edit")
        .select_for_update()
        .first()
    )
    if program is None:
        raise NoProgram
    assert isinstance(user, User)  # only a signed-in person owns a program
    _record_steps(program, tonight(user, now), user.zone)
    return program


def create_program(
    user: User, preferences: Mapping[str, Any] | None = None, *, now: datetime | None = None
) -> Program:
    """Start the person's program from their assessment (or "about you" answers) tonight."""
    preferences = clean_preferences(preferences or {})
    profile = build_profile(user, preferences)
    plan = generate_plan(profile, catalogue())
    night = tonight(user, now)
    with transaction.atomic():
        if Program.objects.for_user(user).exists():
            raise ValidationError({"program": _("You already have a program.")})
        program = Program.objects.create(
            owner=user,
            plan=plan.model_dump(mode="json"),
            profile=profile.model_dump(mode="json"),
            preferences=preferences,
            started_on=night,
            week_started_on=night,
            bedtime=profile.bedtime,
            reminder_minutes_before=profile.reminder_minutes_before,
        )
        _record(
            program,
            ChangeKind.CREATED,
            None,
            {"week": 1, "level": 1, "routine": _routine(plan), "bedtime": _hhmm(profile.bedtime)},
            now,
        )
    return program


def update_profile(
    user: User, preferences: Mapping[str, Any] | None = None, *, now: datetime | None = None
) -> Program:
    """Rebuild the plan from the latest answers (and new "about you" answers, if given),
    keeping the week, level and the person's swaps. A swap a rule now rules out is set aside."""
    with transaction.atomic():
        program = locked_program(user, now)
        merged = {**program.preferences, **clean_preferences(preferences or {})}
        profile = build_profile(user, merged)
        before = program.get_plan()
        plan = _plan_for(program, profile, program.swaps)
        program.preferences = merged
        program.profile = profile.model_dump(mode="json")
        program.plan = plan.model_dump(mode="json")
        program.bedtime = profile.bedtime
        program.reminder_minutes_before = profile.reminder_minutes_before
        _record(
            program,
            ChangeKind.PROFILE,
            {"profile": before.profile.model_dump(mode="json"), "routine": _routine(before)},
            {"profile": profile.model_dump(mode="json"), "routine": _routine(plan)},
            now,
        )
    return program


def swap_exercise(
    user: AnyUser, slot: str, exercise_id: str, *, now: datetime | None = None
) -> Program:
    """Put one of the slot's listed alternatives in place of its current exercise. The person's
    own choice replaces their care team's for that slot (their plan stays theirs to change)."""
    with transaction.atomic():
        program = locked_program(user, now)
        plan = program.get_plan()
        current = plan.item(slot)
        if current is None:
            raise ValidationError({"slot": _("That is not part of your plan.")})
        if slot not in SLOTS_BY_ID:
            raise ValidationError(
                {"slot": _("Your care team added this exercise: it has no alternatives.")}
            )
        if exercise_id not in swap_options(plan.profile, slot, catalogue()):
            raise ValidationError(
                {"exercise_id": _("Choose one of the listed alternatives for this exercise.")}
            )
        if exercise_id == current.exercise_id:
            return program
        swaps = {**program.swaps, slot: exercise_id}
        chosen = {k: v for k, v in plan.adjustments.exercises.items() if k != slot}
        adjustments = plan.adjustments.with_changes(exercises=chosen)
        new_plan = _plan_for(program, plan.profile, swaps, adjustments)
        program.swaps = swaps
        program.plan = new_plan.model_dump(mode="json")
        replaced = new_plan.item(slot)
        _record(
            program,
            ChangeKind.SWAP,
            {"slot": slot, "exercise_id": current.exercise_id},
            {"slot": slot, "exercise_id": replaced.exercise_id if replaced else None},
            now,
        )
    return program


def change_bedtime(
    user: AnyUser,
    bedtime: time,
    *,
    now: datetime | None = None,
    actor: User | None = None,
    note: str = "",
) -> Program:
    """Change the bedtime: the person's own change, or their clinician's (``actor``, through the
    write door, recorded with their name and ``note``)."""
    with transaction.atomic():
        program = locked_program(user, now, actor=actor, change=ChangeKind.BEDTIME)
        bedtime = bedtime.replace(second=0, microsecond=0, tzinfo=None)
        if bedtime == program.bedtime:
            if actor is not None:
                raise ValidationError({"bedtime": _("That is already the bedtime.")})
            return program
        before = program.bedtime
        _set_preference(program, "bedtime", bedtime)
        program.bedtime = bedtime
        _record(
            program,
            ChangeKind.BEDTIME,
            {"bedtime": _hhmm(before)},
            {"bedtime": _hhmm(bedtime)},
            now,
            changed_by=actor,
            note=note,
        )
    return program


def change_reminder(
    user: AnyUser,
    *,
    minutes_before: int | None = None,
    email: bool | None = None,
    now: datetime | None = None,
) -> Program:
    """Change how long before bedtime reminders come, and whether they also come by email."""
    if minutes_before is not None and not 0 <= minutes_before <= 240:
        raise ValidationError(
            {"reminder_minutes_before": _("Choose between 0 and 240 minutes before bedtime.")}
        )
    with transaction.atomic():
        program = locked_program(user, now)
        before = _reminder_state(program)
        if minutes_before is not None:
            _set_preference(program, "reminder_minutes_before", minutes_before)
            program.reminder_minutes_before = minutes_before
        if email is not None:
            program.email_reminders = email
        after = _reminder_state(program)
        if after != before:
            _record(program, ChangeKind.REMINDER, before, after, now)
    return program


def change_quiet_hours(
    user: AnyUser, start: time | None, end: time | None, *, now: datetime | None = None
) -> Program:
    """Quiet hours for reminders on the phone: both times, or neither for none."""
    if (start is None) != (end is None):
        field = "push_quiet_end" if end is None else "push_quiet_start"
        raise ValidationError({field: _("Give both times, or leave both empty.")})
    if start is not None and start == end:
        raise ValidationError({"push_quiet_end": _("Choose a time other than the start.")})
    with transaction.atomic():
        program = locked_program(user, now)
        if (program.push_quiet_start, program.push_quiet_end) != (start, end):
            program.push_quiet_start, program.push_quiet_end = start, end
            program.save(update_fields=["push_quiet_start", "push_quiet_end", "updated_at"])
    return program


def set_progression(user: AnyUser, opt_in: bool, *, now: datetime | None = None) -> Program:
    """Ask for progression (longer holds and more exercises at bedtime, week by week) or go back
    to the trial's dose. Off is the default; turning it off returns to level 1 at once [R1]."""
    with transaction.atomic():
        program = locked_program(user, now)
        if program.progression_opt_in == opt_in:
            return program
        before = program.get_plan()
        program.progression_opt_in = opt_in
        if not opt_in:
            program.level = MIN_LEVEL
        plan = _plan_for(program, before.profile, program.swaps)
        program.plan = plan.model_dump(mode="json")
        program.level = plan.level
        _record(
            program,
            ChangeKind.PROGRESSION,
            {"progression": not opt_in, "level": before.level, "routine": _routine(before)},
            {"progression": opt_in, "level": plan.level, "routine": _routine(plan)},
            now,
        )
    return program


def unsubscribe_email(program: Program) -> None:
    """Turn email reminders off (from an unsubscribe link: no signed-in user)."""
    with transaction.atomic():
        program = Program.objects.same_owner_as(program).select_for_update().get(pk=program.pk)
        if program.email_reminders:
            before = _reminder_state(program)
            program.email_reminders = False
            _record(program, ChangeKind.REMINDER, before, _reminder_state(program))


def pause(user: User, *, now: datetime | None = None) -> Program:
    """Pause the program: no reminders, no calendar events, and the weeks stop counting."""
    now = now or timezone.now()
    with transaction.atomic():
        program = locked_program(user, now)
        if program.paused:
            return program
        program.paused = True
        program.paused_at = now
        program.paused_on = night_of(now, user.time_zone)
        _record(program, ChangeKind.PAUSE, {"paused": False}, {"paused": True}, now)
    return program


def resume(user: User, *, now: datetime | None = None) -> Program:
    """Resume: the current week picks up where it stopped, so paused nights are not missed ones."""
    now = now or timezone.now()
    with transaction.atomic():
        program = locked_program(user, now)
        if not program.paused:
            return program
        night = night_of(now, user.time_zone)
        paused_nights = max(0, (night - (program.paused_on or night)).days)
        program.week_started_on += timedelta(days=paused_nights)
        program.paused = False
        program.paused_at = None
        program.paused_on = None
        _record(
            program,
            ChangeKind.RESUME,
            {"paused": True},
            {"paused": False, "paused_nights": paused_nights},
            now,
        )
    return program


def update_preferences(
    user: User,
    *,
    bedtime: time | None = None,
    reminder_minutes_before: int | None = None,
    email_reminders: bool | None = None,
    paused: bool | None = None,
    progression: bool | None = None,
    now: datetime | None = None,
) -> Program:
    """Several preference changes at once (the API's PATCH); each is recorded on its own."""
    with transaction.atomic():
        program = locked_program(user, now)
        if bedtime is not None:
            program = change_bedtime(user, bedtime, now=now)
        if reminder_minutes_before is not None or email_reminders is not None:
            program = change_reminder(
                user, minutes_before=reminder_minutes_before, email=email_reminders, now=now
            )
        if progression is not None:
            program = set_progression(user, progression, now=now)
        if paused is True:
            program = pause(user, now=now)
        elif paused is False:
            program = resume(user, now=now)
    return program


def accept_maintenance(user: AnyUser, *, now: datetime | None = None) -> Program:
    """Switch to the maintenance plan: the same routine on most nights (offered after week 6)."""
    with transaction.atomic():
        program = locked_program(user, now)
        if program.phase == Phase.MAINTENANCE:
            return program
        if program.maintenance_offered_on is None:
            raise ValidationError(
                {"phase": _("Keeping it up is offered once you have finished the six weeks.")}
            )
        plan = maintenance_plan(program.get_plan())
        program.plan = plan.model_dump(mode="json")
        program.phase = Phase.MAINTENANCE
        _record(
            program,
            ChangeKind.MAINTENANCE,
            {"phase": Phase.ACTIVE},
            {"phase": Phase.MAINTENANCE},
            now,
        )
    return program


# -- weekly progression ---------------------------------------------------------------------------


def week_summary(program: Program, week: int | None = None) -> WeekSummary:
    """The sessions of a program week, as the progression rules want them."""
    week = program.week if week is None else week
    stats = (
        Session.objects.same_owner_as(program)
        .filter(program=program, week=week, completed_at__isnull=False)
        .aggregate(
            done=Count("pk"),
            painful=Count("pk", filter=Q(pain__gte=PAINFUL_FROM)),
            max_pain=Max("pain"),
        )
    )
    # A week has at most 7 nights; extra sessions (say, one done while paused) do not count twice.
    done = min(7, stats["done"])
    return WeekSummary(
        week=week,
        nights_planned=nights_per_week(program.get_plan()),
        nights_done=done,
        max_pain=stats["max_pain"],
        painful_sessions=min(done, stats["painful"]),
    )


def step_due(program: Program, night: date) -> bool:
    """Whether the program week has ended by ``night`` (a paused program's weeks do not end)."""
    return not program.paused and night >= program.week_started_on + WEEK


def advance_program(user: User, now: datetime | None = None) -> Program | None:
    """Record every weekly step due by ``now`` for this person, one ended week at a time, and
    return their program as stored (None without one). Cheap when nothing is due: one read."""
    program = Program.objects.for_user(user).first()
    if program is None or not step_due(program, tonight(user, now)):
        return program
    with transaction.atomic():
        return locked_program(user, now)


def advance_programs(now: datetime | None = None) -> int:
    """Record the weekly steps due by ``now`` for everyone (``crampcare send-reminders`` runs it);
    returns how many programs moved on. One program's failure does not stop the others."""
    now = now or timezone.now()
    # No one's night is more than a day past today's date in UTC (UTC+14 is the furthest zone),
    # so a week that started later than this cannot have ended for anybody.
    latest_start = now.astimezone(UTC).date() + timedelta(days=1) - WEEK
    with system_access("weekly steps are recorded for everyone whose week has ended"):
        programs = list(
            Program.objects.select_related("owner")
            .filter(paused=False, week_started_on__lte=latest_start)
            .order_by("pk")
        )
    moved = 0
    for program in programs:
        owner: User = program.owner  # type: ignore[assignment]
        if not step_due(program, tonight(owner, now)):
            continue
        try:
            advance_program(owner, now)
        except Exception:
            logger.exception("could not record the weekly step of program %s", program.pk)
            continue
        moved += 1
    return moved


def _record_steps(program: Program, night: date, zone: ZoneInfo) -> None:
    """Close and record every program week that has ended by ``night`` (program locked)."""
    while step_due(program, night):
        change = _close_week(program, zone)
        program.save()
        if change is not None:
            change.save(force_insert=True)


def _as_of(program: Program, night: date, zone: ZoneInfo) -> Program:
    """The program as the weekly steps due by ``night`` will leave it, computed without saving:
    a copy, with the changes those steps will record in ``unrecorded_changes``."""
    if not step_due(program, night):
        return program
    shown = copy.copy(program)
    changes = []
    while step_due(shown, night):
        change = _close_week(shown, zone)
        if change is not None:
            changes.append(change)
    shown.unrecorded_changes = changes
    return shown


def _close_week(program: Program, zone: ZoneInfo) -> ProgramChange | None:
    """Apply one weekly step to ``program`` in memory; returns the change to record with it (not
    saved), or None when the level holds (nothing changed but ``last_step``)."""
    plan = program.get_plan()
    summary = week_summary(program)
    result = advance(plan, summary, catalogue())
    following = result.plan
    if program.phase == Phase.ACTIVE and following.phase == "maintenance":
        # Maintenance is offered, not imposed: keep the every-night routine until they switch.
        following = generate_plan(
            plan.profile,
            catalogue(),
            plan.week + 1,
            level=result.step.level,
            swaps=plan.swaps,
            progression=plan.progression,
            adjustments=plan.adjustments,
        )
        if program.maintenance_offered_on is None:
            program.maintenance_offered_on = program.week_started_on + WEEK
    before = {"week": program.week, "level": program.level}
    program.plan = following.model_dump(mode="json")
    program.week = following.week
    program.level = following.level
    program.week_started_on += WEEK
    program.last_step = {
        "week": summary.week,
        "change": result.step.change,
        "reason": str(result.step.reason),
    }
    if result.step.change == "hold":
        return None
    program.sequence += 1
    return ProgramChange(
        owner_id=program.owner_id,
        program=program,
        kind=ChangeKind.STEP_UP if result.step.change == "up" else ChangeKind.STEP_DOWN,
        before=before,
        after={
            "week": program.week,
            "level": program.level,
            "reason": str(result.step.reason),
            "summary": summary.model_dump(mode="json"),
        },
        at=timezone.make_aware(datetime.combine(program.week_started_on, time(12)), zone),
    )


# -- helpers --------------------------------------------------------------------------------------


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _reminder_state(program: Program) -> dict[str, Any]:
    return {
        "reminder_minutes_before": program.reminder_minutes_before,
        "email_reminders": program.email_reminders,
    }


def _set_preference(program: Program, key: str, value: Any) -> None:
    """Keep the stored preferences, the profile and the plan's copy of it in step."""
    stored = value.strftime("%H:%M") if isinstance(value, time) else value
    program.preferences = {**program.preferences, key: stored}
    profile = PlanProfile.model_validate({**program.profile, key: value})
    program.profile = profile.model_dump(mode="json")
    plan = program.get_plan().model_copy(update={"profile": profile})
    program.plan = plan.model_dump(mode="json")
