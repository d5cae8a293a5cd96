"""The care team's actions, one function each: the only code that writes the care tables.

Pages and the API call these. Who may do what:

- an organisation is created by a staff member of the install (its owner), who becomes its
  admin; an admin adds members with a role;
- a clinician of an organisation invites a person by email: a short code, valid once, for
  ``INVITATION_DAYS`` days, sent in an email that names the clinician and nothing about health;
- any signed-in person holding a valid code may accept it (the code is the invitation, like a
  password reset link; the page names the clinician before the person says yes), except the
  clinician who made it and someone already in that clinician's care;
- the person or the clinician ends the relationship whenever they like; access stops at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import task

from crampcare.accounts.models import User
from crampcare.accounts.request import speaking
from crampcare.background import enqueue_on_commit, seal, unseal
from crampcare.care.models import (
    AuditRecord,
    CareRelationship,
    Membership,
    Organisation,
    Role,
    Status,
)

INVITATION_DAYS = 14
MAX_ID = 2**63 - 1  # the largest id a 64-bit integer column holds
# No 0/O, 1/I/L or U: easy to read aloud and to type from a phone. 10 characters of 31 are
# about 50 bits, shown as two groups of five.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


# -- organisations --------------------------------------------------------------------------------


def create_organisation(actor: User, name: str, kind: str) -> Organisation:
    """A new organisation, with ``actor`` (a staff member of this install) as its admin."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the people who run this server can create organisations."))
    return create_organisation_for(actor, name, kind)


def create_organisation_for(admin: User, name: str, kind: str) -> Organisation:
    """A new organisation with ``admin`` as its admin, asking nobody's permission: for the
    server's own commands (``crampcare demo``), whose runner already holds the keys."""
    organisation = Organisation(name=name.strip(), kind=kind)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        Membership.objects.create(organisation=organisation, user=admin, role=Role.ADMIN)
    return organisation


def is_admin(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(organisation=organisation, user=user, role=Role.ADMIN).exists()


def add_member(actor: User, organisation: Organisation, user: User, role: str) -> Membership:
    """Give ``user`` a role in the organisation; only its admins may."""
    if not is_admin(actor, organisation):
        raise PermissionDenied(_("Only an admin of this organisation can add members."))
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    membership.save()
    return membership


def clinician_organisations(user: Any) -> models.QuerySet[Organisation]:
    """The organisations in which ``user`` is a clinician."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.CLINICIAN
    ).distinct()


def is_clinician(user: Any) -> bool:
    return clinician_organisations(user).exists()


# -- invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    relationship: CareRelationship
    code: str  # shown to the clinician once, and sent in the email; only its digest is stored
    link: str


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed ("k7qm4-xptab ", "K7QM4XPTAB") in the form its digest is made from."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def accept_link(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('care:accept')}?{urlencode({'code': code})}"


def _organisation_for(clinician: User, organisation_id: int | None) -> Organisation:
    mine = list(clinician_organisations(clinician))
    if not mine:
        raise PermissionDenied(_("Only a clinician of an organisation can invite people."))
    if organisation_id is None:
        if len(mine) > 1:
            raise ValidationError(
                {"organisation_id": _("You work for several organisations: choose one.")}
            )
        return mine[0]
    for organisation in mine:
        if organisation.pk == organisation_id:
            return organisation
    raise ValidationError({"organisation_id": _("You are not a clinician of this organisation.")})


def invite(
    clinician: User, email: str, organisation_id: int | None = None, *, notify: bool = True
) -> Invitation:
    """Invite the person at ``email`` into ``clinician``'s care, and email them the code.

    Inviting the same address again withdraws the earlier invitation (its code stops working)
    and sends a new code. ``notify=False`` sends no email (the demo's made-up people)."""
    organisation = _organisation_for(clinician, organisation_id)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid email address.")}) from exc
    if email == clinician.email.lower():
        raise ValidationError({"email": _("You cannot invite yourself.")})
    already = CareRelationship.objects.filter(
        clinician=clinician, person__email__iexact=email, status=Status.ACTIVE
    )
    if already.exists():
        raise ValidationError({"email": _("This person is already in your care.")})
    code = _new_code()
    now = timezone.now()
    with transaction.atomic():
        _end(
            CareRelationship.objects.filter(
                clinician=clinician, invited_email=email, status=Status.INVITED
            ),
            clinician,
            now,
        )
        relationship = CareRelationship.objects.create(
            clinician=clinician,
            organisation=organisation,
            invited_email=email,
            invited_at=now,
            code_digest=_digest(code),
            code_expires_at=now + timedelta(days=INVITATION_DAYS),
        )
    link = accept_link(code)
    if notify:
        # By the worker once the invitation is stored; the code travels sealed (the database
        # keeps only its digest, and the queue must not hold it in clear either).
        enqueue_on_commit(send_invitation, relationship.pk, seal(code))
    return Invitation(relationship, code, link)


@task()
def send_invitation(relationship_id: int, sealed_code: str) -> bool:
    """Email an invitation that is still open with this code; a withdrawn, accepted or replaced
    invitation is not sent. Returns whether it was."""
    code = unseal(sealed_code)
    relationship = (
        CareRelationship.objects.select_related("clinician", "organisation")
        .filter(pk=relationship_id, status=Status.INVITED, code_digest=_digest(code))
        .first()
    )
    if relationship is None:
        return False
    _send_invitation(relationship, code, accept_link(code))
    return True


def _send_invitation(relationship: CareRelationship, code: str, link: str) -> None:
    """The invitation email: who invites, the code and the link. Nothing about anyone's health:
    an email can be read by others, and this one goes to an address the clinician typed."""
    context = {
        "clinician": str(relationship.clinician),
        "organisation": str(relationship.organisation or ""),
        "code": code,
        "link": link,
        "expires_at": relationship.code_expires_at,
        "days": INVITATION_DAYS,
    }
    # In the language of the invited person's account if they have one, else the clinician's:
    # the worker sends it, outside anyone's request.
    invited = User.objects.filter(email__iexact=relationship.invited_email).first()
    with speaking(invited if invited is not None and invited.language else relationship.clinician):
        subject = render_to_string("care/email/invitation_subject.txt", context).strip()
        body = render_to_string("care/email/invitation.txt", context)
    EmailMessage(subject=subject, body=body, to=[relationship.invited_email]).send()


def find_invitation(code: str) -> CareRelationship | None:
    """The open invitation this code belongs to, or None: unknown, used, withdrawn and expired
    codes all answer None alike."""
    if not normalise_code(code):
        return None
    return (
        CareRelationship.objects.select_related("clinician", "organisation")
        .filter(
            code_digest=_digest(code), status=Status.INVITED, code_expires_at__gt=timezone.now()
        )
        .first()
    )


def _invalid_code() -> ValidationError:
    return ValidationError({"code": _("This code is not valid. It may have expired or been used.")})


def accept(person: User, code: str) -> CareRelationship:
    """``person`` accepts the invitation with this code: the relationship becomes active and the
    clinician may read their data from now on. The code works once."""
    found = find_invitation(code)
    if found is None:
        raise _invalid_code()
    if found.clinician_id == person.pk:
        raise ValidationError({"code": _("You cannot accept your own invitation.")})
    now = timezone.now()
    try:
        with transaction.atomic():
            # One conditional UPDATE: of two people using the same code at once, one wins.
            taken = CareRelationship.objects.filter(
                pk=found.pk, status=Status.INVITED, code_digest=found.code_digest
            ).update(status=Status.ACTIVE, person=person, accepted_at=now, code_digest="")
            if not taken:
                raise _invalid_code()
    except IntegrityError as exc:
        # An open relationship with this clinician already exists (the constraint).
        raise ValidationError({"code": _("You are already in this clinician's care.")}) from exc
    found.refresh_from_db()
    return found


# -- ending ---------------------------------------------------------------------------------------


def _end(relationships: models.QuerySet[CareRelationship], actor: User, now: datetime) -> int:
    return relationships.exclude(status=Status.ENDED).update(
        status=Status.ENDED, ended_at=now, ended_by=actor, code_digest=""
    )


def relationship_for(actor: Any, relationship_id: int) -> CareRelationship:
    """A relationship ``actor`` is a party to, or 404 alike for someone else's and a missing one."""
    try:
        return (
            CareRelationship.objects.involving(actor)
            .select_related("clinician", "person", "organisation")
            .get(pk=relationship_id)
        )
    except (CareRelationship.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such care relationship.")) from exc


def end(actor: User, relationship_id: int) -> CareRelationship:
    """The person or the clinician ends the relationship (or the clinician withdraws an
    invitation). The clinician's next read is refused. Ending an ended one changes nothing."""
    relationship = relationship_for(actor, relationship_id)
    _end(CareRelationship.objects.filter(pk=relationship.pk), actor, timezone.now())
    relationship.refresh_from_db()
    return relationship


# -- who sees whom --------------------------------------------------------------------------------


def sent_invitations(clinician: Any) -> models.QuerySet[CareRelationship]:
    """The clinician's invitations still waiting for an answer (not accepted, withdrawn or
    expired), newest first: only their own, and only the address they typed."""
    if not getattr(clinician, "is_authenticated", False):
        return CareRelationship.objects.none()
    return (
        CareRelationship.objects.filter(
            clinician=clinician, status=Status.INVITED, code_expires_at__gt=timezone.now()
        )
        .select_related("organisation")
        .order_by("-invited_at", "-pk")
    )


def patients(clinician: Any) -> models.QuerySet[CareRelationship]:
    """The clinician's people: the relationships that give them access now, by name."""
    if not getattr(clinician, "is_authenticated", False):
        return CareRelationship.objects.none()
    return (
        CareRelationship.objects.with_access()
        .filter(clinician=clinician)
        .select_related("person", "organisation")
        .order_by("person__display_name", "person__email", "pk")
    )


def patient(clinician: Any, person_id: int) -> User:
    """One of the clinician's people, or 404 alike for anyone else and nobody: an id reveals
    nothing about who uses this server."""
    person = patient_relationship(clinician, person_id).person
    assert person is not None
    return person


def patient_relationship(clinician: Any, person_id: int) -> CareRelationship:
    """The relationship that gives ``clinician`` access to this person now, or 404 alike for
    anyone else and nobody."""
    # An id no database column can hold (the API takes any integer) names nobody either.
    if not 0 < person_id <= MAX_ID:
        raise Http404(_("No such person."))
    found = patients(clinician).filter(person_id=person_id).first()
    if found is None or found.person is None:
        raise Http404(_("No such person."))
    return found


def readers(person: Any) -> models.QuerySet[CareRelationship]:
    """Who can see ``person``'s data now: the relationships that give access, oldest first."""
    if not getattr(person, "is_authenticated", False):
        return CareRelationship.objects.none()
    return (
        CareRelationship.objects.with_access()
        .filter(person=person)
        .select_related("clinician", "organisation")
        .order_by("accepted_at", "pk")
    )


def pending_invitations(person: Any) -> models.QuerySet[CareRelationship]:
    """Open invitations sent to ``person``'s sign-in address (accepting still takes the code)."""
    if not getattr(person, "is_authenticated", False):
        return CareRelationship.objects.none()
    return (
        CareRelationship.objects.filter(
            invited_email__iexact=person.email,
            status=Status.INVITED,
            code_expires_at__gt=timezone.now(),
        )
        .exclude(clinician=person)
        .select_related("clinician", "organisation")
        .order_by("-invited_at", "-pk")
    )


def past_relationships(person: Any) -> models.QuerySet[CareRelationship]:
    """``person``'s care relationships that have ended, newest first."""
    if not getattr(person, "is_authenticated", False):
        return CareRelationship.objects.none()
    return (
        CareRelationship.objects.filter(person=person, status=Status.ENDED)
        .select_related("clinician", "organisation")
        .order_by("-ended_at", "-pk")
    )


def access_log(person: Any) -> models.QuerySet[AuditRecord]:
    """``person``'s own access log: every read of their data by someone else, newest first."""
    return AuditRecord.objects.for_user(person).order_by("-at", "-pk")
