"""The public coverage check ("Is my program covered?") and enrolment.

A person types their email or member id and their date of birth. If an organisation's roster
holds both, the answer names the organisation and carries a signed token to enrol with; if not,
the answer is one neutral sentence, the same whatever the reason (nobody with that identifier,
another date of birth, a roster that no longer exists). Hit and miss do the same work as far as
practical: one query, every candidate compared in constant time, one token signed.

Enrolling takes the token, never the date of birth again: a signed-in person becomes a member of
the organisation and the roster entry links to them. The token names the organisation and the
identifier (not the date of birth); it is good for ``TOKEN_HOURS`` hours, and enrolling twice
changes nothing the second time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crampcare.accounts.models import User
from crampcare.care.models import Membership, Organisation, Role, RosterEntry
from crampcare.care.rosters import normalise_email, normalise_member_id

SALT = "crampcare.care.coverage"
TOKEN_HOURS = 24
# One identifier is on few rosters; a bound on what one check reads, whatever the data.
MAX_CANDIDATES = 20
IDENTIFIER_LENGTH = 254

NOT_CONFIRMED = gettext_lazy(
    "We could not confirm cover with these details. Check them and try again, or ask the "
    "organisation that offers you the program (your employer, clinic or health plan) which "
    "details they hold for you."
)
TOO_MANY = gettext_lazy(
    "Too many checks for now. Please wait, then try again: up to a minute from this device, "
    "or up to an hour for the same email or member id."
)
SESSION_KEY = "care.enrol_token"
"""Where an enrolment waits while the person signs up or signs in: the token, never the date of
birth."""


@dataclass(frozen=True)
class Offer:
    organisation: str
    token: str


@dataclass(frozen=True)
class Result:
    covered: bool
    offers: tuple[Offer, ...]


def identify(identifier: str) -> tuple[str, str]:
    """Which roster column an identifier as typed is for, and its normalised value: anything
    with an @ is an email address, anything else a member id."""
    text = identifier.strip()
    if "@" in text:
        return "email", normalise_email(text)
    return "member_id", normalise_member_id(text)


def rate_key(identifier: str) -> str:
    """The key the per-identifier rate limit counts by: the same for every way of typing it."""
    kind, value = identify(identifier)
    return f"{kind}:{value}"


def _token(organisation_id: int, kind: str, value: str) -> str:
    return signing.dumps({"o": organisation_id, "k": kind, "v": value}, salt=SALT)


def check(identifier: str, date_of_birth: date) -> Result:
    """Whether a roster covers this person; see the module docstring for what a miss says."""
    kind, value = identify(identifier)
    found = RosterEntry.objects.filter(**{kind: value}) if value else RosterEntry.objects.none()
    candidates = list(
        found.order_by("organisation__name", "pk").values_list(
            "organisation_id", "organisation__name", "date_of_birth"
        )[:MAX_CANDIDATES]
    )
    wanted = date_of_birth.isoformat().encode()
    offers: list[Offer] = []
    # Every candidate is compared and a token is signed for each, matching or not; a miss with
    # no candidate signs one too, so a hit and a miss cost about the same.
    for organisation_id, name, born in candidates or [(0, "", date.min)]:
        token = _token(organisation_id, kind, value)
        if hmac.compare_digest(born.isoformat().encode(), wanted) and organisation_id:
            offers.append(Offer(name, token))
    return Result(bool(offers), tuple(offers))


@dataclass(frozen=True)
class Enrolment:
    organisation: Organisation
    new: bool
    """False when this person had enrolled with this entry before (nothing changed)."""


def _expired() -> ValidationError:
    return ValidationError(
        {"token": _("This check has expired. Check your cover again, then enrol.")}
    )


def organisation_of(token: str) -> Organisation | None:
    """The organisation a still-valid token would enrol in, to name it before signing in."""
    try:
        return _entry(token).organisation
    except ValidationError:
        return None


def _entry(token: str) -> RosterEntry:
    try:
        data: Any = signing.loads(token, salt=SALT, max_age=TOKEN_HOURS * 3600)
    except signing.BadSignature as exc:
        raise _expired() from exc
    if not isinstance(data, dict) or data.get("k") not in ("email", "member_id"):
        raise _expired()
    value = data.get("v")
    if not isinstance(value, str) or not value or not isinstance(data.get("o"), int):
        raise _expired()
    entry = (
        RosterEntry.objects.filter(organisation_id=data["o"], **{data["k"]: value})
        .select_related("organisation")
        .first()
    )
    if entry is None:  # the roster changed since the check
        raise ValidationError(
            {"token": _("We could not confirm cover any more. Check your cover again.")}
        )
    return entry


def enrol(user: User, token: str) -> Enrolment:
    """``user`` enrols with the roster entry the token names: a member of its organisation, and
    the entry links to them. Idempotent. An entry another account enrolled with already is
    refused (one roster line, one person)."""
    entry = _entry(token)
    if entry.enrolled_user_id == user.pk:
        Membership.objects.get_or_create(
            organisation=entry.organisation, user=user, role=Role.MEMBER
        )
        return Enrolment(entry.organisation, new=False)
    with transaction.atomic():
        # One conditional UPDATE: of two accounts enrolling with one entry at once, one wins.
        claimed = RosterEntry.objects.filter(pk=entry.pk, enrolled_user__isnull=True).update(
            enrolled_user=user, enrolled_at=timezone.now()
        )
        if not claimed:
            raise ValidationError(
                {
                    "token": _(
                        "Another account has already enrolled with these details. If that was "
                        "not you, please contact %(organisation)s."
                    )
                    % {"organisation": entry.organisation}
                }
            )
        try:
            with transaction.atomic():
                Membership.objects.get_or_create(
                    organisation=entry.organisation, user=user, role=Role.MEMBER
                )
        except IntegrityError:  # made at the same moment by a second request: already there
            pass
    return Enrolment(entry.organisation, new=True)
