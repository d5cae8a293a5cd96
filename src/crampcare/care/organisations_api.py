"""Organisations on the API, for their admins, under /api/v1/care/organisations: the same
services as the pages (``care.organisations``). Anyone but an admin of the organisation gets 404
for its id, as for one that does not exist. Like every care route, it needs two-step sign-in of
clinicians and admins (``care.api.care_auth``)."""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
import datetime as dt
from dataclasses import asdict
from typing import Any

from allauth.core import ratelimit
from django.http import HttpResponse
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.care import organisations
from crampcare.care.api import TOO_MANY, CareErrorOut, CareStrict, RelationshipOut, care_auth
from crampcare.care.api import _relationship as relationship_body
from crampcare.care.models import Membership, Organisation

router = Router(tags=["care"], auth=care_auth)


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str = Field(description="clinic, employer or health_plan.")
    admins: int
    clinicians: int
    members: int
    roster_size: int = Field(description="People on the roster.")


class OrganisationMemberOut(Schema):
    id: int = Field(description="The membership's id (one role of one person).")
    user_id: int
    name: str
    email: str
    role: str = Field(description="admin, clinician or member.")
    since: dt.datetime


class OrganisationFollowOut(Schema):
    clinician_id: int
    person_id: int | None = Field(description="Empty until the invitation is accepted.")
    status: str = Field(description="invited or active. Never any of the person's data.")


class OrganisationDetailOut(OrganisationOut):
    people: list[OrganisationMemberOut]
    follows: list[OrganisationFollowOut]
    enrolled: int = Field(description="People on the roster who have enrolled.")


class OrganisationMemberIn(CareStrict):
    email: str = Field(min_length=3, max_length=254)
    role: str = Field(description="admin, clinician or member.", max_length=20)


class OrganisationAssignIn(CareStrict):
    person_id: int = Field(description="The user id of a member of the organisation.")
    clinician_id: int = Field(description="The user id of a clinician of the organisation.")


class RosterEntryOut(Schema):
    id: int
    line: int = Field(description="The entry's line in the file it came from.")
    email: str
    member_id: str
    name: str
    date_of_birth: dt.date
    enrolled_user_id: int | None
    enrolled_at: dt.datetime | None


class RosterProblemOut(Schema):
    line: int | None
    column: str | None
    message: str


class RosterReportOut(Schema):
    saved: bool
    entries: int
    replaced: int
    still_enrolled: int
    problems: list[RosterProblemOut]
    detail: str


class RosterProblemsOut(RosterReportOut):
    errors: list[dict[str, str]]


def _organisation(found: Organisation) -> dict[str, Any]:
    return {
        "id": found.pk,
        "name": found.name,
        "kind": found.kind,
        "admins": found.admins,  # type: ignore[attr-defined]
        "clinicians": found.clinicians,  # type: ignore[attr-defined]
        "members": found.members,  # type: ignore[attr-defined]
        "roster_size": found.roster_size,  # type: ignore[attr-defined]
    }


def _member(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "user_id": membership.user_id,
        "name": str(membership.user),
        "email": membership.user.email,
        "role": membership.role,
        "since": membership.created_at,
    }


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="The organisations you run (admins)",
)
def care_organisations(request: AuthenticatedHttpRequest) -> Any:
    return [_organisation(found) for found in organisations.administered(request.user)]


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationDetailOut,
    summary="One organisation's people by role, and who follows whom (its admins)",
    description="Never anyone's health data. 404 for anyone but an admin of the organisation.",
)
def care_organisation(request: AuthenticatedHttpRequest, organisation_id: int) -> Any:
    overview = organisations.overview(request.user, organisation_id)
    people = [
        _member(person.memberships[role])
        for role, persons in overview.by_role.items()
        for person in persons
    ]
    seen: set[int] = set()
    follows = []
    for person in overview.clinicians:
        for relationship in person.following:
            if relationship.pk not in seen:
                seen.add(relationship.pk)
                follows.append(
                    {
                        "clinician_id": relationship.clinician_id,
                        "person_id": relationship.person_id,
                        "status": relationship.status,
                    }
                )
    return {
        **_organisation(overview.organisation),
        "people": people,
        "follows": follows,
        "enrolled": overview.enrolled,
    }


@router.post(
    "/organisations/{organisation_id}/members",
    response={201: OrganisationMemberOut},
    summary="Give a person a role in the organisation (its admins)",
    description="By their sign-in address; they need an account. 422 for an address without "
    "one or a role held already.",
)
def care_organisation_add_member(
    request: AuthenticatedHttpRequest, organisation_id: int, payload: OrganisationMemberIn
) -> Status[dict[str, Any]]:
    membership = organisations.add_member_by_email(
        request.user, organisation_id, payload.email, payload.role
    )
    return Status(201, _member(membership))


@router.delete(
    "/organisations/{organisation_id}/members/{membership_id}",
    response={204: None},
    summary="Take a role away (its admins)",
    description="422 for the organisation's only admin.",
)
def care_organisation_remove_member(
    request: AuthenticatedHttpRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    organisations.remove_membership(request.user, organisation_id, membership_id)
    return HttpResponse(status=204)


@router.post(
    "/organisations/{organisation_id}/assignments",
    response={201: RelationshipOut, 429: CareErrorOut},
    summary="Ask a clinician to follow a member (its admins)",
    description="An invitation from the clinician, emailed to the member, who still accepts it "
    "with its code; the code is not in this answer. 429 after too many invitations in an hour.",
)
def care_organisation_assign(
    request: AuthenticatedHttpRequest, organisation_id: int, payload: OrganisationAssignIn
) -> Status[dict[str, Any]]:
    organisations.organisation_for_admin(request.user, organisation_id)
    if not ratelimit.consume(request, action="care_invite", user=request.user):
        raise HttpError(429, TOO_MANY)
    relationship = organisations.assign(
        request.user, organisation_id, payload.person_id, payload.clinician_id
    )
    return Status(201, relationship_body(relationship))


@router.get(
    "/organisations/{organisation_id}/roster",
    response=list[RosterEntryOut],
    summary="The organisation's roster (its admins)",
)
@paginate
def care_organisation_roster(request: AuthenticatedHttpRequest, organisation_id: int) -> Any:
    return organisations.roster(request.user, organisation_id)


@router.post(
    "/organisations/{organisation_id}/roster",
    response={200: RosterReportOut, 422: RosterProblemsOut, 429: CareErrorOut},
    summary="Upload a roster CSV in place of the roster (its admins)",
    description="Columns email, member_id (at least one), name, date_of_birth (year-month-day). "
    "All or nothing: with any problem nothing is saved and the answer is 422 with each "
    "problem's line and column. 413 when the file is larger than CRAMPCARE_ROSTER_MAX_BYTES, "
    "429 after too many uploads in an hour.",
)
def care_organisation_upload_roster(
    request: AuthenticatedHttpRequest, organisation_id: int, roster: File[UploadedFile]
) -> Status[dict[str, Any]]:
    organisations.organisation_for_admin(request.user, organisation_id)
    if not ratelimit.consume(request, action="care_roster", user=request.user):
        raise HttpError(429, TOO_MANY)
    if roster.file is None:  # ninja always hands over an opened upload
        raise HttpError(400, "roster: is not a file")
    report = organisations.upload_roster(request.user, organisation_id, roster.file, roster.size)
    if report.too_large:
        raise HttpError(413, f"roster: {report.problems[0].message}")
    body: dict[str, Any] = {
        "saved": report.saved,
        "entries": report.entries,
        "replaced": report.replaced,
        "still_enrolled": report.still_enrolled,
        "problems": [asdict(problem) for problem in report.problems],
        "detail": report.summary(),
    }
    if report.saved:
        return Status(200, body)
    body["errors"] = [
        {
            "field": ":".join(str(part) for part in ("roster", p.line, p.column) if part),
            "message": p.message,
        }
        for p in report.problems
    ]
    return Status(422, body)
