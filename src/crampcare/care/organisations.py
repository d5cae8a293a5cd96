"""Running an organisation: its admins see who belongs to it, add and remove roles, assign a
member to a clinician (an invitation the member still accepts), and upload its roster.

Only admins of the organisation: for anyone else an organisation's id answers 404, as a missing
one does. Admins see who is a member, with which role, and whether a care relationship exists
between a member and a clinician; never anyone's health data (the reader door, care/access.py,
grants admins nothing) and never the codes of invitations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from crampcare.accounts.models import User
from crampcare.care import rosters, services
from crampcare.care.models import (
    CareRelationship,
    Membership,
    Organisation,
    Role,
    RosterEntry,
    Status,
)

ROLE_ORDER = (Role.ADMIN, Role.CLINICIAN, Role.MEMBER)


def administered(user: Any) -> models.QuerySet[Organisation]:
    """The organisations ``user`` is an admin of, by name, with how many hold each role and how
    many people the roster holds."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    mine = Membership.objects.filter(user=user, role=Role.ADMIN).values("organisation")
    # Each count its own subquery: joining memberships and the roster in one query would make
    # a row for every member times every roster entry.
    return (
        Organisation.objects.filter(pk__in=mine)
        .annotate(
            admins=_count(Membership.objects.filter(role=Role.ADMIN)),
            clinicians=_count(Membership.objects.filter(role=Role.CLINICIAN)),
            members=_count(Membership.objects.filter(role=Role.MEMBER)),
            roster_size=_count(RosterEntry.objects.all()),
        )
        .order_by("name", "pk")
    )


def _count(rows: models.QuerySet[Any]) -> Coalesce:
    """How many of ``rows`` belong to the outer query's organisation."""
    counted = (
        rows.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def organisation_for_admin(user: Any, organisation_id: int) -> Organisation:
    """The organisation if ``user`` is one of its admins; 404 alike for anyone else and for an
    id that does not exist."""
    found = administered(user).filter(pk=organisation_id).first()
    if found is None:
        raise Http404(_("No such organisation."))
    return found


@dataclass
class Person:
    """One person of an organisation as its admin sees them: who, and their roles there."""

    user: User
    memberships: dict[str, Membership] = field(default_factory=dict)
    following: list[CareRelationship] = field(default_factory=list)
    """As a clinician: the relationships made in this organisation that have not ended, with a
    member of it (invited or active)."""
    following_others: int = 0
    """As a clinician: how many more, with people who are not members here (never named)."""
    followed_by: list[CareRelationship] = field(default_factory=list)
    """As a member: the same relationships, seen from the member's side."""


@dataclass
class Overview:
    organisation: Organisation
    by_role: dict[str, list[Person]]
    roster_size: int
    enrolled: int

    @property
    def clinicians(self) -> list[Person]:
        return self.by_role[Role.CLINICIAN]

    @property
    def members(self) -> list[Person]:
        return self.by_role[Role.MEMBER]


def overview(admin: Any, organisation_id: int) -> Overview:
    """Who belongs to the organisation, by role, and which members each clinician follows (or
    has invited). Four queries whatever the organisation's size."""
    organisation = organisation_for_admin(admin, organisation_id)
    people: dict[int, Person] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__display_name", "user__email", "pk")
    )
    for membership in memberships:
        person = people.setdefault(membership.user_id, Person(membership.user))
        person.memberships[membership.role] = membership
    open_relationships = CareRelationship.objects.filter(
        organisation=organisation, status__in=(Status.INVITED, Status.ACTIVE)
    ).select_related("clinician", "person")
    # Only relationships with the organisation's members are named: an invitation to an address
    # that is no member's stays the clinician's and that person's business (only counted).
    members = {uid: p for uid, p in people.items() if Role.MEMBER in p.memberships}
    by_email = {p.user.email.lower(): p for p in members.values()}
    for relationship in open_relationships:
        if relationship.person_id is not None:
            member = members.get(relationship.person_id)
        else:
            member = by_email.get(relationship.invited_email.lower())
        clinician = people.get(relationship.clinician_id)
        if member is None:
            if clinician is not None:
                clinician.following_others += 1
            continue
        member.followed_by.append(relationship)
        if clinician is not None:
            clinician.following.append(relationship)
    by_role: dict[str, list[Person]] = {role: [] for role in ROLE_ORDER}
    for person in people.values():
        for role in ROLE_ORDER:
            if role in person.memberships:
                by_role[role].append(person)
    roster = RosterEntry.objects.filter(organisation=organisation).aggregate(
        size=Count("pk"), enrolled=Count("pk", filter=Q(enrolled_user__isnull=False))
    )
    return Overview(organisation, by_role, roster["size"], roster["enrolled"])


def add_member_by_email(admin: User, organisation_id: int, email: str, role: str) -> Membership:
    """Give the person with this sign-in address a role in the organisation.

    **Decision:** they must have an account already; the answer says so when they do not (an
    organisation's admin is trusted with who uses the server for it). A role held already is
    refused with a message."""
    organisation = organisation_for_admin(admin, organisation_id)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid email address.")}) from exc
    if role not in Role.values:
        raise ValidationError({"role": _("Choose clinician, admin or member.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "Nobody with this address has an account here yet. Ask them to create one, "
                    "then add them."
                )
            }
        )
    if Membership.objects.filter(organisation=organisation, user=user, role=role).exists():
        raise ValidationError(
            {
                "role": _("%(name)s is already a %(role)s here.")
                % {"name": user, "role": Role(role).label}
            }
        )
    return services.add_member(admin, organisation, user, role)


def membership_for_admin(admin: Any, organisation_id: int, membership_id: int) -> Membership:
    """One role in the organisation, for its admin; 404 alike for anything else."""
    organisation = organisation_for_admin(admin, organisation_id)
    found = (
        Membership.objects.filter(organisation=organisation, pk=membership_id)
        .select_related("user", "organisation")
        .first()
    )
    if found is None:
        raise Http404(_("No such member."))
    return found


def remove_membership(admin: User, organisation_id: int, membership_id: int) -> Membership:
    """Take one role away. A clinician who loses their role stops seeing the organisation's
    people at once (``with_access``). The last admin cannot be removed: nobody could run the
    organisation after."""
    membership = membership_for_admin(admin, organisation_id, membership_id)
    with transaction.atomic():
        if membership.role == Role.ADMIN:
            admins = Membership.objects.select_for_update().filter(
                organisation_id=membership.organisation_id, role=Role.ADMIN
            )
            if admins.count() <= 1:
                raise ValidationError(
                    _("This is the organisation's only admin. Add another admin first.")
                )
        membership.delete()
    return membership


def assign(
    admin: User, organisation_id: int, person_id: int, clinician_id: int, *, notify: bool = True
) -> CareRelationship:
    """An admin asks a clinician of the organisation to follow one of its members: an
    invitation from that clinician to that person (``services.invite``), emailed to the
    person, who still accepts it with its code. Nothing is shared until they do."""
    organisation = organisation_for_admin(admin, organisation_id)
    roles = Membership.objects.filter(organisation=organisation)
    person = roles.filter(user_id=person_id, role=Role.MEMBER).select_related("user").first()
    if person is None:
        raise ValidationError({"person_id": _("Choose a member of this organisation.")})
    clinician = (
        roles.filter(user_id=clinician_id, role=Role.CLINICIAN).select_related("user").first()
    )
    if clinician is None:
        raise ValidationError({"clinician_id": _("Choose a clinician of this organisation.")})
    if person.user_id == clinician.user_id:
        raise ValidationError({"person_id": _("A clinician cannot follow themselves.")})
    waiting = CareRelationship.objects.filter(
        clinician=clinician.user, person=person.user, status=Status.ACTIVE
    )
    if waiting.exists():
        raise ValidationError(
            {
                "person_id": _("%(person)s is already in %(clinician)s's care.")
                % {"person": person.user, "clinician": clinician.user}
            }
        )
    invitation = services.invite(clinician.user, person.user.email, organisation.pk, notify=notify)
    return invitation.relationship


# -- the roster ---------------------------------------------------------------------------------


def roster(admin: Any, organisation_id: int) -> models.QuerySet[RosterEntry]:
    """The roster its admin uploaded, in the file's order, with who enrolled."""
    organisation = organisation_for_admin(admin, organisation_id)
    return (
        RosterEntry.objects.filter(organisation=organisation)
        .select_related("enrolled_user")
        .order_by("line", "pk")
    )


def upload_roster(
    admin: User, organisation_id: int, source: IO[bytes], size: int | None
) -> rosters.RosterReport:
    """Check the CSV and, only if every line is good, put it in place of the roster.

    **Decision:** all or nothing, and a new file replaces the roster (it is the organisation's
    list of who it covers now, not an addition to the last one). People who enrolled and are
    still on it keep their link; someone left off loses their cover, not their membership (an
    admin removes that role on the organisation page)."""
    organisation = organisation_for_admin(admin, organisation_id)
    report = rosters.RosterReport()
    if rosters.refuse_if_too_large(size, report):
        return report
    return rosters.replace_roster(organisation, source)
