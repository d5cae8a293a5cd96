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
from typing import Annotated, Any

from allauth.core import ratelimit
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from crampcare.accounts import auth
from crampcare.accounts.ownership import ReadRefused
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import DiaryDate, StrictInt, limited_by
from crampcare.care import messaging, security, services
from crampcare.care.access import reading_from
from crampcare.care.models import AuditRecord, CareRelationship, Message
from crampcare.care.presentation import describe_what, origin_of
from crampcare.diary import services as diary
from crampcare.diary.api import EpisodeOut


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


class PatientOut(Schema):
    id: int = Field(description="The person's id, for the routes under /care/patients/{id}/.")
    name: str
    since: dt.datetime = Field(description="When they accepted the invitation.")

    @staticmethod
    def resolve_id(found: CareRelationship) -> int | None:
        return found.person_id

    @staticmethod
    def resolve_name(found: CareRelationship) -> str:
        return str(found.person)

    @staticmethod
    def resolve_since(found: CareRelationship) -> dt.datetime | None:
        return found.accepted_at


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


@router.get("/patients", response=list[PatientOut], summary="Your people (clinicians)")
@paginate
def care_patients(request: AuthenticatedHttpRequest) -> Any:
    return services.patients(request.user)


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
