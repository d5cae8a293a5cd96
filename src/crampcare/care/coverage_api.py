"""The coverage check and enrolment on the API: ``POST /api/v1/coverage/check`` (anyone, no
sign-in) and ``POST /api/v1/coverage/enrol`` (signed in, with the token a hit gave)."""

# No ``from __future__ import annotations`` here: ninja reads these annotations at run time.
import datetime as dt
from typing import Any

from allauth.core import ratelimit
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import DiaryDate
from crampcare.care import coverage
from crampcare.care.api import CareErrorOut, CareStrict

router = Router(tags=["coverage"])


class CoverageCheckIn(CareStrict):
    identifier: str = Field(
        min_length=1,
        max_length=coverage.IDENTIFIER_LENGTH,
        description="Your email address or member id, as your organisation holds it.",
    )
    date_of_birth: DiaryDate

    @field_validator("date_of_birth")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise ValueError("A date of birth cannot be in the future.")
        return value


class CoverageOfferOut(Schema):
    organisation: str
    enrol_token: str = Field(description="For POST /api/v1/coverage/enrol, within 24 hours.")


class CoverageCheckOut(Schema):
    covered: bool
    offers: list[CoverageOfferOut] = Field(
        description="Who covers you: empty when cover is not confirmed."
    )
    detail: str


class CoverageEnrolIn(CareStrict):
    token: str = Field(min_length=1, max_length=1000)


class CoverageEnrolOut(Schema):
    organisation: str
    new: bool = Field(description="False when you had enrolled already (nothing changed).")
    detail: str


@router.post(
    "/check",
    response={200: CoverageCheckOut, 403: CareErrorOut, 429: CareErrorOut},
    auth=None,
    summary="Is my program covered?",
    description="A miss answers the same whatever the reason: 200, covered false, no offers. "
    "Rate-limited per address and per identifier (429). 403 when the server cannot tell the "
    "client's address (a proxy set-up that does not pass it on; see CRAMPCARE_CLIENT_IP_HEADER), "
    "since the limit per address could not be counted.",
)
def coverage_check(request: Any, payload: CoverageCheckIn) -> Any:
    identifier = payload.identifier.strip()
    if not identifier:
        raise HttpError(422, "identifier: Enter your email address or member id.")
    if not ratelimit.consume(request, action="coverage_check", key=coverage.rate_key(identifier)):
        raise HttpError(429, str(coverage.TOO_MANY))
    result = coverage.check(identifier, payload.date_of_birth)
    offers = [
        {"organisation": offer.organisation, "enrol_token": offer.token} for offer in result.offers
    ]
    detail = (
        "You are covered. Enrol with the token to become a member."
        if result.covered
        else str(coverage.NOT_CONFIRMED)
    )
    return {"covered": result.covered, "offers": offers, "detail": detail}


@router.post(
    "/enrol",
    response=CoverageEnrolOut,
    auth=session_or_token,
    summary="Enrol with the organisation that covers you",
    description="With a token from a hit of /coverage/check. Enrolling twice changes nothing. "
    "422 for an expired or invalid token.",
)
def coverage_enrol(request: AuthenticatedHttpRequest, payload: CoverageEnrolIn) -> Any:
    enrolment = coverage.enrol(request.user, payload.token)
    return {
        "organisation": str(enrolment.organisation),
        "new": enrolment.new,
        "detail": f"You are a member of {enrolment.organisation}.",
    }
