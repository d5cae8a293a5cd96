"""The program API at /api/v1/program: the plan, its preferences, swaps, tonight's session and
adherence. Every route calls the same services as the pages."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from django.db import transaction
from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.models import User
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import (
    DiaryDateTime,
    StrictBool,
    StrictFloat,
    StrictInt,
    limited_by,
)
from crampcare.programs import services, sessions
from crampcare.programs.display import dose_text, item_views
from crampcare.programs.hold import (
    NOTE_MAX_LENGTH,
    ProgramHeld,
    hold_for,
    record_clearance,
    without_calf_loading,
)
from crampcare.programs.models import Program, ProgramChange, Session
from crampcare.programs.plan import PlanItem
from crampcare.programs.reasons import ShownWhy

router = Router(tags=["program"], auth=session_or_token)


class PlanDoseOut(Schema):
    hold_seconds: int | None
    reps: int
    sets: int
    rest_seconds: int
    per_side: bool
    days: str
    seconds: int
    text: str


class CitedOut(Schema):
    text: str
    references: list[str]


class WhyOut(Schema):
    id: str | None = Field(
        description="The reason's id in plan_reasons.yaml (null: a line kept from before the ids)."
    )
    text: str
    references: list[str]


class ItemOut(Schema):
    slot: str
    exercise_id: str
    name: str
    block: str
    role: str
    why: WhyOut
    dose: PlanDoseOut
    cautions: list[CitedOut]
    steps: list[str]
    alternatives: list[str] = Field(description="Exercise ids this slot may be swapped to.")


class NoteOut(Schema):
    rule: str
    action: str
    exercise_id: str
    replaced_by: str | None
    why: WhyOut


class HeldReasonOut(Schema):
    rule: str
    level: str
    message: str
    action: str


class HeldOut(Schema):
    level: str = Field(description="The triage level that holds the program: urgent or emergency.")
    rules: list[str]
    reasons: list[HeldReasonOut]
    assessment_id: int
    assessed_on: date
    hides_calf_loading: bool = Field(
        description="A clot or muscle breakdown is suspected: calf exercises and massage hidden."
    )
    message: str


class HeldErrorOut(Schema):
    detail: str
    held: HeldOut


class QuietHoursOut(Schema):
    start: str = Field(description="From this local time, like 22:00 ...")
    end: str = Field(description="... until this one, like 07:00 (hours may pass midnight).")


class QuietHoursIn(Schema):
    start: time = Field(description="From this local time, like 22:00 ...")
    end: time = Field(description="... until this one, like 07:00 (hours may pass midnight).")

    model_config = {"extra": "forbid"}

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHoursIn:
        if self.start == self.end:
            raise ValueError("end must be another time than start")
        return self


QUIET_HOURS_ABOUT = (
    "No reminder comes to the person's phones (Web Push) between these local times, even at "
    "bedtime. null: none."
)


class ProgramOut(Schema):
    started_on: date
    week: int
    level: int
    progression: bool = Field(
        description="Asked for longer holds and more exercises at bedtime. Off (the default): "
        "the trial's dose, level 1, for all six weeks."
    )
    phase: str
    bedtime: str
    reminder_minutes_before: int
    email_reminders: bool
    quiet_hours: QuietHoursOut | None = Field(description=QUIET_HOURS_ABOUT)
    paused: bool
    maintenance_offered: bool
    calendar_link_active: bool
    tonight: list[str] = Field(description="Slots of tonight's bedtime items.")
    bedtime_minutes: int
    items: list[ItemOut]
    notes: list[NoteOut]
    held: HeldOut | None = Field(
        description=(
            "Set while the program is held after an urgent or emergency assessment, until the "
            "person records a clinician's check (POST /api/v1/program/clearance). No session "
            "can be logged meanwhile (409)."
        )
    )


class ClearanceIn(Schema):
    checked_on: date = Field(description="The day a doctor or nurse checked you.")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)

    model_config = {"extra": "forbid"}


class CreateIn(Schema):
    bedtime: time = time(22, 0)
    reminder_minutes_before: Annotated[
        StrictInt, limited_by(Program, "reminder_minutes_before")
    ] = 15
    prefers_in_bed: StrictBool = False
    cleared_for_hip_rotation: StrictBool = False
    # Used only when the person has no finished assessment.
    age: StrictInt | None = Field(None, ge=18, le=120)
    pregnant: StrictBool | None = None
    pregnancy_weeks: StrictInt | None = Field(None, ge=0, le=45)
    conditions: list[str] | None = None

    model_config = {"extra": "forbid"}


class PreferencesIn(Schema):
    bedtime: time | None = None
    reminder_minutes_before: Annotated[
        StrictInt | None, limited_by(Program, "reminder_minutes_before")
    ] = None
    email_reminders: StrictBool | None = None
    quiet_hours: QuietHoursIn | None = Field(
        None, description=QUIET_HOURS_ABOUT + " Leave it out to keep them as they are."
    )
    paused: StrictBool | None = None
    progression: StrictBool | None = None

    model_config = {"extra": "forbid"}


class SwapIn(Schema):
    slot: str = Field(min_length=1, max_length=40)
    exercise_id: str = Field(min_length=1, max_length=80)

    model_config = {"extra": "forbid"}


class ProgressIn(Schema):
    step: StrictInt
    item: StrictInt
    set: StrictInt = 1
    rep: StrictInt = 1
    side: StrictInt = 1
    phase: str
    remaining: StrictFloat
    paused: StrictBool = False
    played: list[StrictInt] = Field(
        default_factory=list,
        description="Exercises (by number) the clock ran on. Reaching phase done with none "
        "played records the night as skipped; otherwise the night counts at once.",
    )
    at: DiaryDateTime | None = Field(
        None,
        description="When this happened on the device, for a request sent later (the offline "
        "queue): the session is the one of that night. At most 7 days ago; default now.",
    )

    model_config = {"extra": "forbid"}


class FinishIn(Schema):
    difficulty: Annotated[StrictInt, limited_by(Session, "difficulty")]
    pain: Annotated[StrictInt, limited_by(Session, "pain")]
    at: DiaryDateTime | None = Field(
        None,
        description="When this happened on the device, for a request sent later (the offline "
        "queue): the session is the one of that night. At most 7 days ago; default now.",
    )

    model_config = {"extra": "forbid"}


class SessionOut(Schema):
    night: date
    started_at: datetime
    completed_at: datetime | None
    difficulty: int | None
    pain: int | None
    progress: dict[str, Any]
    items: list[ItemOut]


class AdherenceWeekOut(Schema):
    week: int
    done: int
    planned: int
    percent: int


class AdherenceOut(Schema):
    nights_done: int
    streak: int
    tonight_done: bool
    this_week: AdherenceWeekOut
    weeks: list[AdherenceWeekOut]
    message: str


class ChangeOut(Schema):
    kind: str
    before: Any
    after: Any
    at: datetime
    changed_by: str | None = Field(
        description="Who made the change when it was your care team (their name at the time); "
        "null for your own changes and the weekly steps."
    )
    note: str = Field(description="Your care team's note about the change (empty otherwise).")

    @staticmethod
    def resolve_changed_by(change: ProgramChange) -> str | None:
        return change.changed_by_name or None


def _program(request: AuthenticatedHttpRequest) -> Program:
    program = services.current_program(request.user, request.user)
    if program is None:
        raise Http404("You have no program yet. Create one with POST /api/v1/program.")
    return program


def _why(shown: ShownWhy) -> dict[str, Any]:
    return {"id": shown.id, "text": shown.text, "references": shown.references}


def _items(items: list[PlanItem] | tuple[PlanItem, ...], options: dict[str, Any]) -> list[dict]:
    return [
        {
            "slot": view.item.slot,
            "exercise_id": view.item.exercise_id,
            "name": view.name,
            "block": str(view.item.block),
            "role": str(view.item.role),
            "why": _why(view.item.shown_why),
            "dose": {
                **view.item.dose.model_dump(mode="json"),
                "seconds": view.item.seconds,
                "text": dose_text(view.item.dose),
            },
            "cautions": [
                {"text": caution.advice.get(), "references": caution.references}
                for caution in view.item.shown_cautions
            ],
            "steps": view.steps,
            "alternatives": list(options.get(view.item.slot, ())),
        }
        for view in item_views(items)
    ]


def _program_out(user: User, program: Program) -> dict[str, Any]:
    plan = program.get_plan()
    held = hold_for(user, user)
    # While a clot or muscle breakdown is suspected, nothing that loads the calf (P16).
    shown = set(without_calf_loading(held, (item.exercise_id for item in plan.items)))
    tonight = sessions.items_for_night(program, services.tonight(user))
    return {
        "started_on": program.started_on,
        "week": program.week,
        "level": program.level,
        "progression": program.progression_opt_in,
        "phase": program.phase,
        "bedtime": program.bedtime.strftime("%H:%M"),
        "reminder_minutes_before": program.reminder_minutes_before,
        "email_reminders": program.email_reminders,
        "quiet_hours": (
            {
                "start": program.push_quiet_start.strftime("%H:%M"),
                "end": program.push_quiet_end.strftime("%H:%M"),
            }
            if program.push_quiet_start is not None and program.push_quiet_end is not None
            else None
        ),
        "paused": program.paused,
        "maintenance_offered": program.maintenance_offered_on is not None,
        "calendar_link_active": bool(program.calendar_token_digest),
        "tonight": [item.slot for item in tonight],
        "bedtime_minutes": max(1, round(plan.bedtime_seconds / 60)),
        "items": _items(
            [i for i in plan.items if i.exercise_id in shown], services.alternatives(program, plan)
        ),
        "notes": [
            {
                **note.model_dump(mode="json"),
                "why": _why(note.shown_why),
            }
            for note in plan.notes
        ],
        "held": held.as_json() if held else None,
    }


def _session_out(session: Session) -> dict[str, Any]:
    return {
        "night": session.night,
        "started_at": session.started_at,
        "completed_at": session.completed_at,
        "difficulty": session.difficulty,
        "pain": session.pain,
        "progress": session.progress,
        "items": _items(sessions.session_items_of(session), {}),
    }


@router.get("", response=ProgramOut, summary="Your program and its plan")
def program_detail(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return _program_out(request.user, _program(request))


@router.post("", response={201: ProgramOut}, summary="Start your program")
def program_create(request: AuthenticatedHttpRequest, payload: CreateIn) -> Status[dict[str, Any]]:
    user = request.user
    preferences = payload.model_dump(exclude_none=True)
    program = services.create_program(user, preferences)
    return Status(201, _program_out(user, program))


@router.patch("", response=ProgramOut, summary="Change bedtime, reminders, or pause")
def program_update(request: AuthenticatedHttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    user = request.user
    _program(request)
    changes = payload.model_dump(exclude_none=True, exclude={"quiet_hours"})
    with transaction.atomic():
        program = services.update_preferences(user, **changes)
        # null clears them, so "sent" is told apart from "left out" here.
        if "quiet_hours" in payload.model_fields_set:
            quiet = payload.quiet_hours
            program = services.change_quiet_hours(
                user, quiet.start if quiet else None, quiet.end if quiet else None
            )
    return _program_out(user, program)


@router.post("/swap", response=ProgramOut, summary="Swap an exercise for a listed alternative")
def program_swap(request: AuthenticatedHttpRequest, payload: SwapIn) -> dict[str, Any]:
    user = request.user
    _program(request)
    program = services.swap_exercise(user, payload.slot, payload.exercise_id)
    return _program_out(user, program)


@router.post("/maintenance", response=ProgramOut, summary="Switch to the maintenance plan")
def program_maintenance(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    user = request.user
    _program(request)
    return _program_out(user, services.accept_maintenance(user))


@router.get("/history", response=list[ChangeOut], summary="Every change to your program")
def program_history(request: AuthenticatedHttpRequest) -> list[ProgramChange]:
    user = request.user
    return services.history(user, user, services.current_program(user, user))


@router.get("/session", response=SessionOut, summary="Tonight's session, if started")
def program_session(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    user = request.user
    _program(request)
    session = sessions.tonight_session(user)
    if session is None:
        raise Http404("Tonight's session has not started.")
    return _session_out(session)


HELD_409 = "Refused with 409 while the program is held after a red flag (see `held`)."


def _refused(error: ProgramHeld) -> Status[dict[str, Any]]:
    return Status(409, {"detail": str(error), "held": error.hold.as_json()})


@router.post(
    "/session/progress",
    response={200: SessionOut, 409: HeldErrorOut},
    summary="Save where the player is",
    description=HELD_409,
)
def program_save_progress(request: AuthenticatedHttpRequest, payload: ProgressIn) -> Any:
    try:
        progress = payload.model_dump(exclude={"at"})
        now = sessions.reported_time(payload.at)
        session = sessions.save_progress(request.user, progress, now=now)
    except ProgramHeld as error:
        return _refused(error)
    return _session_out(session)


@router.post(
    "/session/finish",
    response={200: SessionOut, 409: HeldErrorOut},
    summary="Log tonight's session",
    description=HELD_409,
)
def program_finish_session(request: AuthenticatedHttpRequest, payload: FinishIn) -> Any:
    try:
        session = sessions.finish_session(
            request.user,
            difficulty=payload.difficulty,
            pain=payload.pain,
            now=sessions.reported_time(payload.at),
        )
    except ProgramHeld as error:
        return _refused(error)
    return _session_out(session)


@router.post(
    "/clearance",
    response={201: ChangeOut},
    summary="Record that a clinician has checked you (lifts the hold)",
    description=(
        "`checked_on` may not be in the future nor before the assessment that holds the "
        "program. Stored as a `cleared` change in the history. 422 when nothing is held."
    ),
)
def program_clearance(
    request: AuthenticatedHttpRequest, payload: ClearanceIn
) -> Status[ProgramChange]:
    user = request.user
    _program(request)
    change = record_clearance(user, payload.checked_on, payload.note)
    return Status(201, change)


@router.get("/adherence", response=AdherenceOut, summary="Nights done, this week, streak")
def program_adherence(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    user = request.user
    result = sessions.adherence(user, _program(request))

    def week(record: sessions.WeekRecord) -> dict[str, int]:
        return {
            "week": record.week,
            "done": record.done,
            "planned": record.planned,
            "percent": record.percent,
        }

    return {
        "nights_done": result.nights_done,
        "streak": result.streak,
        "tonight_done": result.tonight_done,
        "this_week": week(result.this_week),
        "weeks": [week(record) for record in result.weeks],
        "message": result.message,
    }
