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
from crampcare.care import outcomes, security, services
from crampcare.care.access import reading_from
from crampcare.care.models import AuditRecord, CareRelationship
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
