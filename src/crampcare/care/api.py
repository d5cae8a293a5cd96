"""The care team's API: a clinician's people and their data, invitations, and a person's own
access log (``/api/v1/me/access-log``).

A clinician reads a person's data through the same read services as the person's own pages
(``diary.services.episodes(actor, subject)``), so every read is checked by the care access and
audited. Anyone who is not that person's clinician now gets 404, as for an id that does not
exist: the answer never says whether the person exists or was once in their care.
"""

# No ``from __future__ import annotations`` here: ninja builds its query-parameter models from
# these annotations and cannot resolve the ``dt.date`` strings that import would leave.
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from allauth.core import ratelimit
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from crampcare.accounts import auth
from crampcare.accounts.ownership import ReadRefused, WriteRefused
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import DiaryDate, StrictBool, StrictInt, limited_by
from crampcare.assessment import services as assessments
from crampcare.care import dashboard, messaging, outcomes, patient, security, services
from crampcare.care.access import reading_from
from crampcare.care.models import AuditRecord, CareRelationship, Message
from crampcare.care.presentation import describe_what, origin_of
from crampcare.diary import services as diary
from crampcare.diary.api import CheckinOut, EpisodeOut
from crampcare.insights import report
from crampcare.programs import clinician
from crampcare.programs.api import ChangeOut, HeldOut
from crampcare.programs.display import describe_change
from crampcare.programs.hold import clear_hold
from crampcare.programs.models import NOTE_MAX_LENGTH, ProgramChange


def _second_factor_checked(user: Any) -> Any:
    if user is not None and security.mfa_missing(user):
        raise HttpError(403, str(security.MFA_REQUIRED))
    return user


# The accounts app's two ways in, each refusing a clinician or admin without two-step sign-in
# (a 403 with the reason), whether they come with their session or with a personal access
# token. Same class names, so the OpenAPI document names the same two security schemes.
class TokenAuth(auth.TokenAuth):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _second_factor_checked(super().authenticate(request, token))


class SessionAuth(auth.SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _second_factor_checked(super().authenticate(request, key))


care_auth = [TokenAuth(), SessionAuth()]
router = Router(tags=["care"], auth=care_auth)
me_router = Router(tags=["account"], auth=care_auth)

TOO_MANY = "Too many tries. Wait a minute, then try again."


class CareStrict(Schema):
    model_config = {"extra": "forbid"}


class CareErrorOut(Schema):
    detail: str


class DashWeekOut(Schema):
    week_ending: dt.date = Field(description="The last night of the seven.")
    nights: int = Field(description="Recorded nights among the seven.")
    rate: float | None = Field(description="Cramps a recorded night; null with none recorded.")


class DashAdherenceOut(Schema):
    done: int = Field(description="Nights with a finished session this program week.")
    planned: int = Field(description="Nights the plan asks for each week.")
    paused: bool
    week_start: dt.date = Field(description="The first night of this program week.")


class DashFlagOut(Schema):
    kind: str = Field(description="red_flag, held, worsening, painful or silent.")
    label: str
    detail: str


class PatientOut(Schema):
    id: int = Field(description="The person's id, for the routes under /care/patients/{id}/.")
    name: str
    since: dt.datetime = Field(description="When they accepted the invitation.")
    triage: str | None = Field(
        description="The latest finished check: emergency, urgent, see_doctor, self_care or "
        "incomplete; null without one."
    )
    triage_on: dt.date | None
    cramps_per_night: list[DashWeekOut] = Field(description="The last 4 weeks, oldest first.")
    trend: str = Field(description="The four weeks in words.")
    adherence: DashAdherenceOut | None = Field(description="Null without a program.")
    last_activity: dt.date | None = Field(
        description="The latest day with a cramp, check-in, session or assessment."
    )
    flags: list[DashFlagOut] = Field(description="What needs a look, most pressing first.")


class DashboardRows:
    """The clinician's people as the API pages them: each page's rows are read (and audited)
    only for the people on it, in a fixed number of queries, ordered by name."""

    def __init__(self, clinician: Any, relationships: QuerySet[CareRelationship]) -> None:
        self.clinician, self.relationships = clinician, relationships

    def __len__(self) -> int:
        return self.relationships.count()

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        rows = dashboard.rows_for(self.clinician, list(self.relationships[part]))
        return [
            {
                "id": row.person.pk,
                "name": row.name,
                "since": row.relationship.accepted_at,
                **row.as_json(),
            }
            for row in rows
        ]


class RelationshipOut(Schema):
    id: int
    status: str = Field(description="invited, active or ended.")
    clinician: str
    person: str | None = Field(description="Empty until the invitation is accepted.")
    organisation: str | None
    invited_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None


class InvitationIn(CareStrict):
    email: Annotated[str, limited_by(CareRelationship, "invited_email")] = Field(min_length=3)
    organisation_id: StrictInt | None = Field(
        None, description="Needed only by a clinician of several organisations."
    )


class InvitationOut(RelationshipOut):
    code: str = Field(description="The invitation code. Shown only now; it was also emailed.")
    link: str = Field(description="The link in the email, with the code in it.")
    expires_at: dt.datetime


class AcceptIn(CareStrict):
    code: str = Field(min_length=1, max_length=32)


class AccessRecordOut(Schema):
    at: dt.datetime
    who: str = Field(description="Who read or changed your data (their name at the time).")
    action: str = Field(description="read or change.")
    what: str = Field(description="The kind of record, as stored: e.g. diary.CrampEpisode.")
    description: str = Field(description="The kind of record, in words.")
    origin: str = Field(description="Where it happened: the page or API route's name.")

    @staticmethod
    def resolve_who(record: AuditRecord) -> str:
        return record.actor_name

    @staticmethod
    def resolve_description(record: AuditRecord) -> str:
        return describe_what(record.what)


def _relationship(relationship: CareRelationship) -> dict[str, Any]:
    return {
        "id": relationship.pk,
        "status": relationship.status,
        "clinician": str(relationship.clinician),
        "person": str(relationship.person) if relationship.person else None,
        "organisation": str(relationship.organisation) if relationship.organisation else None,
        "invited_at": relationship.invited_at,
        "accepted_at": relationship.accepted_at,
        "ended_at": relationship.ended_at,
    }


@router.get(
    "/patients",
    response=list[PatientOut],
    summary="Your people, with what needs a look (clinicians; audited)",
    description="The dashboard's rows, by name. Reading them is written in each person's "
    "access log.",
)
@paginate
def care_patients(request: AuthenticatedHttpRequest) -> Any:
    return _Audited(DashboardRows(request.user, services.patients(request.user)), request)


class _Audited:
    """Pages the dashboard's rows with the route named in their audit records (the rows are
    read when ninja slices the list, after the view has returned)."""

    def __init__(self, rows: DashboardRows, request: HttpRequest) -> None:
        self.rows, self.origin = rows, origin_of(request)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        with reading_from(self.origin):
            return self.rows[part]


@router.get(
    "/patients/{patient_id}/episodes",
    response=list[EpisodeOut],
    summary="One of your people's cramps (clinicians; audited)",
)
@paginate
def care_patient_episodes(
    request: AuthenticatedHttpRequest,
    patient_id: int,
    start: DiaryDate | None = None,
    end: DiaryDate | None = None,
) -> Any:
    person = services.patient(request.user, patient_id)
    try:
        with reading_from(origin_of(request)):
            return diary.episodes(request.user, person, start, end)
    except ReadRefused as exc:  # ended between the two checks: still no details
        raise Http404("No such person.") from exc


@contextmanager
def _reading_patient(request: AuthenticatedHttpRequest) -> Iterator[None]:
    """Reads of one person's data named with the route, 404 if the access ended meanwhile."""
    try:
        with reading_from(origin_of(request)):
            yield
    except ReadRefused as exc:
        raise Http404("No such person.") from exc


class DashReasonOut(Schema):
    rule: str
    level: str
    message: str
    action: str


class DashCheckOut(Schema):
    id: int
    created_at: dt.datetime
    triage: str = Field(description="emergency, urgent, see_doctor, self_care or incomplete.")
    label: str
    reasons: list[DashReasonOut] = Field(description="Each reason, in words.")


@router.get(
    "/patients/{patient_id}/assessments",
    response=list[DashCheckOut],
    summary="One of your people's finished checks, newest first (clinicians; audited)",
)
@paginate
def care_patient_assessments(request: AuthenticatedHttpRequest, patient_id: int) -> Any:
    person = services.patient(request.user, patient_id)
    with _reading_patient(request):
        found = list(assessments.list_for(request.user, person).filter(completed=True))
    return [
        {
            "id": check.assessment.pk,
            "created_at": check.assessment.created_at,
            "triage": check.status,
            "label": check.level_label,
            "reasons": [vars(reason) for reason in check.reasons],
        }
        for check in map(patient.shown_check, found)
    ]


@router.get(
    "/patients/{patient_id}/checkins",
    response=list[CheckinOut],
    summary="One of your people's morning check-ins (clinicians; audited)",
)
@paginate
def care_patient_checkins(
    request: AuthenticatedHttpRequest,
    patient_id: int,
    start: DiaryDate | None = None,
    end: DiaryDate | None = None,
) -> Any:
    person = services.patient(request.user, patient_id)
    with _reading_patient(request):
        return diary.checkins(request.user, person, start, end)


class DashPlanItemOut(Schema):
    slot: str
    exercise_id: str
    name: str
    block: str
    dose: str
    days: str


class DashChangeOut(ChangeOut):
    text: str = Field(description="The change in words.")

    @staticmethod
    def resolve_changed_by(change: dict[str, Any]) -> str | None:  # type: ignore[override]
        return change.get("changed_by")


class DashPlanOut(Schema):
    started_on: dt.date
    week: int
    level: int
    phase: str
    bedtime: str
    paused: bool
    items: list[DashPlanItemOut]
    held: HeldOut | None
    changes: list[DashChangeOut] = Field(description="Every change, newest first.")


@router.get(
    "/patients/{patient_id}/plan",
    response=DashPlanOut,
    summary="One of your people's plan and its history (clinicians; audited)",
    description="404 when the person has no program yet, as for anyone not in your care.",
)
def care_patient_plan(request: AuthenticatedHttpRequest, patient_id: int) -> Any:
    person = services.patient(request.user, patient_id)
    with _reading_patient(request):
        plan = patient.current_plan(request.user, person)
    if plan is None:
        raise Http404("No program yet.")
    program = plan.program
    return {
        "started_on": program.started_on,
        "week": program.week,
        "level": program.level,
        "phase": program.phase,
        "bedtime": program.bedtime.strftime("%H:%M"),
        "paused": program.paused,
        "items": [
            {
                "slot": item.item.slot,
                "exercise_id": item.item.exercise_id,
                "name": item.name,
                "block": str(item.item.block),
                "dose": item.dose,
                "days": item.days,
            }
            for block in plan.blocks
            for item in block.items
        ],
        "held": plan.hold.as_json() if plan.hold else None,
        "changes": [
            {
                "kind": change.kind,
                "before": change.before,
                "after": change.after,
                "at": change.at,
                "changed_by": change.changed_by_name or None,
                "note": change.note,
                "text": describe_change(change),
            }
            for change, _text in plan.changes
        ],
    }


class DashInsightsOut(Schema):
    first_night: dt.date
    last_night: dt.date
    weeks: int
    recorded_nights: int
    cramps: int
    cramp_free_nights: int
    cramps_per_night: str
    mean_pain: str
    summary: list[str] = Field(description="The doctor's report's opening lines.")
    adherence: str | None
    baseline_rate: str | None = Field(description="Cramps a night at the start (null: too few).")
    latest_rate: str | None
    rate_ratio: str | None
    rate_ratio_interval: str | None


@router.get(
    "/patients/{patient_id}/insights",
    response=DashInsightsOut,
    summary="One of your people's insights in numbers (clinicians; audited)",
)
def care_patient_insights(request: AuthenticatedHttpRequest, patient_id: int) -> Any:
    person = services.patient(request.user, patient_id)
    with _reading_patient(request):
        content = report.doctor_report(request.user, person, patient.INSIGHT_WEEKS)
    figures = content.effect.figures
    tally = content.tally
    return {
        "first_night": content.first_night,
        "last_night": content.last_night,
        "weeks": content.weeks,
        "recorded_nights": tally.recorded_nights,
        "cramps": tally.cramps,
        "cramp_free_nights": tally.cramp_free_nights,
        "cramps_per_night": tally.cramps_per_night,
        "mean_pain": tally.mean_pain,
        "summary": content.clinician_summary,
        "adherence": content.adherence,
        "baseline_rate": figures.baseline_rate if figures else None,
        "latest_rate": figures.latest_rate if figures else None,
        "rate_ratio": figures.rate_ratio if figures else None,
        "rate_ratio_interval": figures.rate_ratio_interval if figures else None,
    }


@router.post(
    "/invitations",
    response={201: InvitationOut, 403: CareErrorOut, 429: CareErrorOut},
    summary="Invite a person (clinicians)",
    description="403 for anyone who is not a clinician of an organisation; 429 after too many "
    "invitations in an hour.",
)
def care_invite(request: AuthenticatedHttpRequest, payload: InvitationIn) -> Status[dict[str, Any]]:
    if not ratelimit.consume(request, action="care_invite", user=request.user):
        raise HttpError(429, TOO_MANY)
    invitation = services.invite(request.user, payload.email, payload.organisation_id)
    relationship = invitation.relationship
    return Status(
        201,
        {
            **_relationship(relationship),
            "code": invitation.code,
            "link": invitation.link,
            "expires_at": relationship.code_expires_at,
        },
    )


@router.post(
    "/invitations/accept",
    response={200: RelationshipOut, 429: CareErrorOut},
    summary="Accept an invitation by its code",
    description="A code works once, for 14 days. 422 for an unknown, used, withdrawn or expired "
    "code alike; 429 after too many tries in a minute.",
)
def care_accept_invitation(request: AuthenticatedHttpRequest, payload: AcceptIn) -> Any:
    if not ratelimit.consume(request, action="care_code", user=request.user):
        raise HttpError(429, TOO_MANY)
    return _relationship(services.accept(request.user, payload.code))


@router.post(
    "/relationships/{relationship_id}/end",
    response=RelationshipOut,
    summary="End a care relationship (the person or the clinician)",
)
def care_end_relationship(request: AuthenticatedHttpRequest, relationship_id: int) -> Any:
    return _relationship(services.end(request.user, relationship_id))


@me_router.get(
    "/me/access-log", response=list[AccessRecordOut], summary="Who read your data, newest first"
)
@paginate
def my_access_log(request: AuthenticatedHttpRequest) -> Any:
    return services.access_log(request.user)


# -- a clinician tailoring a person's plan --------------------------------------------------------

PlanChangeKind = Literal["swap", "add", "remove", "hold", "release", "dose", "nights", "bedtime"]


class CarePlanChangeIn(CareStrict):
    kind: PlanChangeKind = Field(
        description="swap (slot, exercise_id), add (exercise_id, block), remove / hold / release "
        "(slot), dose (slot and any of hold_seconds, reps, sets), nights (slot, nights), bedtime "
        "(bedtime)."
    )
    note: str = Field(
        max_length=NOTE_MAX_LENGTH, description="To the person: they see it with the change."
    )
    slot: str = Field("", max_length=80, description="The plan item's slot (see the plan).")
    exercise_id: str = Field("", max_length=80)
    block: str = Field("", max_length=12, description="bedtime or daytime (add).")
    hold_seconds: StrictInt | None = None
    reps: StrictInt | None = None
    sets: StrictInt | None = None
    nights: str = Field("", max_length=12, description="every or alternate (nights).")
    bedtime: dt.time | None = None
    confirm_cautions: StrictBool = Field(
        False,
        description="The clinician has checked with the person a change that goes against a "
        "caution for them (409 lists the cautions until then).",
    )


class CarePlanChangeOut(Schema):
    kind: str
    before: Any
    after: Any
    at: dt.datetime
    changed_by: str
    note: str

    @staticmethod
    def resolve_changed_by(change: ProgramChange) -> str:
        return change.changed_by_name


class CareCautionOut(Schema):
    rule: str
    exercise_id: str
    exercise_name: str
    text: str
    references: list[str]


class CareCautionsOut(Schema):
    detail: str
    cautions: list[CareCautionOut]


class CareClearanceIn(CareStrict):
    checked_on: dt.date = Field(description="The day of the check: not in the future.")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


@router.post(
    "/patients/{patient_id}/plan/changes",
    response={201: CarePlanChangeOut, 409: CareCautionsOut},
    summary="Change one of your people's plan (clinicians; audited)",
    description="One change with a note the person sees. 409 with the cautions when the change "
    "goes against one for this person, until sent again with `confirm_cautions`; 422 for a bad "
    "change; 404 for anyone not in your care. A program held after a red flag stays held.",
)
def care_patient_plan_change(
    request: AuthenticatedHttpRequest, patient_id: int, payload: CarePlanChangeIn
) -> Any:
    person = services.patient(request.user, patient_id)
    change_request = clinician.PlanChangeRequest(**payload.model_dump())
    try:
        with reading_from(origin_of(request)):
            change = clinician.change_plan(request.user, person, change_request)
    except clinician.CautionsToConfirm as warning:
        return Status(
            409,
            {
                "detail": " ".join(warning.messages),
                "cautions": [caution.as_json() for caution in warning.cautions],
            },
        )
    except WriteRefused as exc:  # ended between the two checks: still no details
        raise Http404("No such person.") from exc
    return Status(201, change)


@router.post(
    "/patients/{patient_id}/plan/clearance",
    response={201: CarePlanChangeOut},
    summary="Record that one of your people is checked and cleared to exercise (clinicians)",
    description="Lifts a program held after an urgent red flag, recorded in its history as "
    "yours. 422 when nothing is held, for a date in the future or before the check that found "
    "the warning signs, and for a hold after emergency signs, which only the person can lift "
    "once seen in person.",
)
def care_patient_clearance(
    request: AuthenticatedHttpRequest, patient_id: int, payload: CareClearanceIn
) -> Any:
    person = services.patient(request.user, patient_id)
    try:
        with reading_from(origin_of(request)):
            change = clear_hold(request.user, person, payload.checked_on, payload.note)
    except WriteRefused as exc:
        raise Http404("No such person.") from exc
    return Status(201, change)


# -- messages -------------------------------------------------------------------------------------

TOO_MANY_MESSAGES = (
    "You have sent a lot of messages in the last hour. Wait a while, then try again."
)


class CareThreadOut(Schema):
    id: int
    subject: str
    role: str = Field(description="Your side: person (your own conversation) or clinician.")
    with_name: str = Field(description="Who you are writing with (their name at the time).")
    organisation: str = Field(description="The clinician's organisation, when there was one.")
    last_message_at: dt.datetime
    unread: int = Field(description="Messages from the other side you have not read yet.")
    open: bool = Field(description="False once the care relationship has ended: read only.")


class CareMessageOut(Schema):
    id: int
    author: str = Field(description="The writer's name at the time.")
    mine: bool = Field(description="Whether you wrote it.")
    body: str
    sent_at: dt.datetime


class CareThreadDetailOut(CareThreadOut):
    messages: list[CareMessageOut] = Field(description="Oldest first (the latest 50).")


class CareThreadIn(CareStrict):
    relationship_id: StrictInt = Field(
        description="The care relationship to write in: yours with one clinician (as a person) "
        "or with one of your people (as a clinician)."
    )
    subject: str = Field(max_length=500, description="Up to 120 characters.")
    body: str = Field(max_length=20000, description="Up to 5,000 characters.")


class CareMessageIn(CareStrict):
    body: str = Field(max_length=20000, description="Up to 5,000 characters.")


def _thread_line(line: messaging.ThreadLine) -> dict[str, Any]:
    return {
        "id": line.thread.pk,
        "subject": line.thread.subject,
        "role": "person" if line.as_person else "clinician",
        "with_name": line.other,
        "organisation": line.thread.organisation_name,
        "last_message_at": line.thread.last_message_at,
        "unread": line.unread,
        "open": line.open,
    }


def _thread_detail(view: messaging.ThreadView, unread: int) -> dict[str, Any]:
    thread = view.thread
    return {
        "id": thread.pk,
        "subject": thread.subject,
        "role": "person" if view.as_person else "clinician",
        "with_name": view.other,
        "organisation": view.organisation,
        "last_message_at": thread.last_message_at,
        "unread": unread,
        "open": view.open,
        "messages": [_message(message, view.as_person) for message in view.page.object_list],
    }


def _message(message: Any, as_person: bool) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author": message.author_name,
        "mine": message.by_person == as_person,
        "body": message.body,
        "sent_at": message.sent_at,
    }


class CareThreadPage(Schema):
    items: list[CareThreadOut]
    count: int


@router.get(
    "/threads",
    response=CareThreadPage,
    summary="Your conversations with your care team or your people, newest first",
    description="20 a page (page=1, 2, …). A clinician's list is in each listed person's "
    "access log.",
)
def care_threads(request: AuthenticatedHttpRequest, page: StrictInt = 1) -> Any:
    found = messaging.thread_page(request.user, page, origin=origin_of(request))
    return {
        "items": [_thread_line(line) for line in found.object_list],
        "count": found.paginator.count,
    }


@router.post(
    "/threads",
    response={201: CareThreadDetailOut, 429: CareErrorOut},
    summary="Start a conversation in one of your care relationships",
    description="422 for someone not in your care team (or not in your care), an empty or too "
    "long subject or message; 429 after 60 messages in an hour.",
)
def care_start_thread(
    request: AuthenticatedHttpRequest, payload: CareThreadIn
) -> Status[dict[str, Any]]:
    if not ratelimit.consume(request, action="care_message", user=request.user):
        raise HttpError(429, TOO_MANY_MESSAGES)
    thread = messaging.start_thread(
        request.user, payload.relationship_id, payload.subject, payload.body
    )
    # Answered from what was just written, not read again: no audit line for one's own words.
    (first,) = Message.objects.same_owner_as(thread).filter(thread=thread)
    as_person = first.by_person
    detail = {
        "id": thread.pk,
        "subject": thread.subject,
        "role": "person" if as_person else "clinician",
        "with_name": thread.clinician_name if as_person else str(thread.owner),
        "organisation": thread.organisation_name,
        "last_message_at": thread.last_message_at,
        "unread": 0,
        "open": True,
        "messages": [_message(first, as_person)],
    }
    return Status(201, detail)


@router.get(
    "/threads/{thread_id}",
    response=CareThreadDetailOut,
    summary="One conversation and its latest messages (marks it read)",
    description="404 for anyone but its person and the clinician of its relationship while it "
    "lasts. A clinician's read is in the person's access log.",
)
def care_thread(request: AuthenticatedHttpRequest, thread_id: int) -> Any:
    view = messaging.open_thread(request.user, thread_id, origin=origin_of(request))
    return _thread_detail(view, 0)


@router.post(
    "/threads/{thread_id}/messages",
    response={201: CareMessageOut, 429: CareErrorOut},
    summary="Write in a conversation",
    description="404 for anyone who may not read it; 422 for an empty or too long message, or "
    "once the care relationship has ended; 429 after 60 messages in an hour.",
)
def care_reply(
    request: AuthenticatedHttpRequest, thread_id: int, payload: CareMessageIn
) -> Status[dict[str, Any]]:
    if not ratelimit.consume(request, action="care_message", user=request.user):
        raise HttpError(429, TOO_MANY_MESSAGES)
    message = messaging.reply(request.user, thread_id, payload.body)
    return Status(201, _message(message, message.by_person))


# -- population outcomes (organisation admins) --------------------------------------------------

HIDDEN_NOTE = "null: fewer than 10 people, hidden to protect privacy."


class OutcomeBandOut(Schema):
    band: str = Field(description="no_program, none (0%), low (1–49%), middle (50–79%), high.")
    label: str
    people: int | None = Field(description=HIDDEN_NOTE)


class OutcomeCrampChangeOut(Schema):
    people: int | None = Field(description="How many people it is made from. " + HIDDEN_NOTE)
    median: float | None = Field(
        description="Median per-person change in cramps per night, week 6 minus baseline "
        "(negative: fewer). " + HIDDEN_NOTE
    )
    lower_quartile: float | None
    upper_quartile: float | None


class OutcomesOut(Schema):
    organisation_id: int
    organisation: str
    as_of: dt.date = Field(description="The day (UTC) the numbers are counted up to.")
    enrolled: int | None = Field(description="Members (role member). " + HIDDEN_NOTE)
    active: int | None = Field(
        description="Logged a cramp or a check-in, or finished a session, for one of the last "
        "7 nights. " + HIDDEN_NOTE
    )
    adherence: list[OutcomeBandOut] = Field(
        description="Members by the share of this program week's planned nights done."
    )
    cramp_change: OutcomeCrampChangeOut


@router.get(
    "/organisations/{org_id}/outcomes",
    response=OutcomesOut,
    summary="An organisation's outcomes, small groups hidden (its admins; recorded)",
    description="Numbers about the organisation's members as a group; any number about fewer "
    "than 10 people is null. 404 for anyone who is not an admin of the organisation. Each "
    "read is recorded in the organisation's audit trail.",
)
def care_organisation_outcomes(request: AuthenticatedHttpRequest, org_id: int) -> Any:
    found = outcomes.organisation_outcomes(request.user, org_id, origin=origin_of(request))
    change = found.change
    return {
        "organisation_id": found.organisation.pk,
        "organisation": found.organisation.name,
        "as_of": found.as_of,
        "enrolled": found.enrolled,
        "active": found.active,
        "adherence": [
            {"band": band.key, "label": str(band.label), "people": band.people}
            for band in found.bands
        ],
        "cramp_change": {
            "people": change.people,
            "median": change.median,
            "lower_quartile": change.lower_quartile,
            "upper_quartile": change.upper_quartile,
        },
    }
