"""Organisations, their members, care relationships and the audit trail of clinicians' reads.

A person using crampcare on their own needs none of these: every other app works with no
organisation at all. A clinician sees a person's data only while a care relationship between
them is active (``CareRelationship.objects.with_access()``), and every such read leaves an
``AuditRecord`` in the person's access log (``care/access.py``).
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.ownership import OwnedManager, OwnedModel, OwnedQuerySet


class Organisation(models.Model):
    """A clinic, an employer or a health plan that offers the program."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("clinic")
        EMPLOYER = "employer", _("employer")
        HEALTH_PLAN = "health_plan", _("health plan")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("admin")
    CLINICIAN = "clinician", _("clinician")
    MEMBER = "member", _("member")


class Membership(models.Model):
    """One role of one person in one organisation. A person may hold several roles and belong to
    several organisations; each pair of organisation and role at most once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="care_membership_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class Status(models.TextChoices):
    INVITED = "invited", _("invited")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class CareRelationshipQuerySet(models.QuerySet["CareRelationship"]):
    def with_access(self) -> CareRelationshipQuerySet:
        """The relationships that let their clinician read their person's data now: active, and
        the clinician still a clinician of the organisation it was made in. Leaving the
        organisation (or its deletion) stops the access as ending the relationship does."""
        still_a_clinician = Membership.objects.filter(
            organisation=OuterRef("organisation"), user=OuterRef("clinician"), role=Role.CLINICIAN
        )
        return self.filter(Exists(still_a_clinician), status=Status.ACTIVE)

    def involving(self, user: Any) -> CareRelationshipQuerySet:
        """The relationships this person is a party to, as the clinician or as the person."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(clinician=user) | Q(person=user))


class CareRelationship(models.Model):
    """A clinician following a person: invited (a code sent by email), then active once the
    person accepts, until either of them ends it. The clinician reads the person's data through
    the door (``for_reader``); they never sign in as the person."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Empty until the invitation is accepted: the address invited may have no account yet.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    # Kept (empty) when the organisation is deleted, so both people still see that it existed;
    # access needs the organisation (``with_access``).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_email = models.EmailField(_("email address invited"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    invited_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A SHA-256 digest of the invitation code (never the code itself), cleared once the code is
    # used or the invitation ends, so a code works once.
    code_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    # When the clinician last opened the person's page (care:patient): the dashboard's "new red
    # flag" is one saved after it. Empty until they first do.
    clinician_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CareRelationshipQuerySet.as_manager()

    class Meta:
        ordering = ("-invited_at", "-id")
        verbose_name = _("care relationship")
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "person"],
                condition=~Q(status="ended"),
                name="care_one_open_relationship_per_pair",
                violation_error_message=_("This person is already in your care."),
            ),
            models.UniqueConstraint(
                fields=["code_digest"],
                condition=~Q(code_digest=""),
                name="care_invitation_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} → {self.person or self.invited_email} ({self.status})"


class AuditAction(models.TextChoices):
    READ = "read", _("read")
    CHANGE = "change", _("change")


class AppendOnly(Exception):
    """An audit record was about to be changed or deleted."""


class AuditQuerySet(OwnedQuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit records cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnly("Audit records cannot be deleted.")


class AuditManager(OwnedManager):
    _queryset_class = AuditQuerySet


class AuditRecord(OwnedModel):
    """One read (or, later, change) of a person's data by someone else, kept in that person's
    access log: the owner is the person whose data it was (the subject), so the log reads
    through ``for_user``. Append-only: saving an existing record or deleting one raises
    ``AppendOnly``, and the queryset refuses ``update()`` and ``delete()``. The log goes with
    the person's account when they erase it."""

    # Kept when the reader's account is deleted, with their name as it was at the time.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=254)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    # A model's label ("diary.CrampEpisode") or an action's name.
    what = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)
    # Where the read came from: a route's name ("api:care_patient_episodes"), never an address.
    origin = models.CharField(max_length=200, blank=True)

    objects: ClassVar[AuditManager] = AuditManager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("access record")
        # Nothing may be added, changed or deleted through an admin: only viewed.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["owner", "-at"], name="care_audit_owner_at")]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.what} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def subject_id(self) -> int:
        return self.owner_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit records cannot be changed.")
        # Always an INSERT: a new instance given an existing record's id must not overwrite it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit records cannot be deleted.")


# -- messages -------------------------------------------------------------------------------------


class Thread(OwnedModel):
    """A conversation between a person and one clinician, within one care relationship.

    Owned by the person: the person reads it through ``for_user``, the clinician through
    ``for_reader`` (``care/access.py`` grants only the threads of their own relationship with
    access, and audits the read). When the relationship ends the clinician reads it no more; the
    person keeps it. If the clinician's account is deleted the relationship goes and the thread
    stays, with the clinician's name and organisation as they were when it began."""

    relationship = models.ForeignKey(
        CareRelationship, on_delete=models.SET_NULL, null=True, related_name="threads"
    )
    clinician_name = models.CharField(max_length=254)
    organisation_name = models.CharField(max_length=120, blank=True)
    subject = models.CharField(_("subject"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    # Each side's read marker: messages from the other side sent after it are unread.
    person_read_at = models.DateTimeField(null=True, blank=True)
    clinician_read_at = models.DateTimeField(null=True, blank=True)
    # When each side was last told of a new message by email (at most one an hour per thread).
    person_emailed_at = models.DateTimeField(null=True, blank=True)
    clinician_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-last_message_at", "-id")
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [models.Index(fields=["owner", "-last_message_at"], name="care_thread_owner")]

    def __str__(self) -> str:
        return self.subject


class Message(OwnedModel):
    """One message in a thread, owned (like its thread) by the person. ``by_person`` says which
    side wrote it; the author's name is kept as it was, so a deleted clinician's messages still
    read as theirs."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=254)
    by_person = models.BooleanField()
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("sent_at", "id")
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["thread", "sent_at"], name="care_message_thread_at")]

    def __str__(self) -> str:
        return f"{self.author_name} at {self.sent_at:%Y-%m-%d %H:%M}"


class MessageSettings(models.Model):
    """A person's choice about message emails. No row means the default: emails on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    email_new_messages = models.BooleanField(_("email me when a message arrives"), default=True)

    def __str__(self) -> str:
        return f"{self.user}: emails {'on' if self.email_new_messages else 'off'}"


class OrganisationAuditQuerySet(models.QuerySet["OrganisationAuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit records cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnly("Audit records cannot be deleted.")


class OrganisationAuditRecord(models.Model):
    """One read of numbers about an organisation's members as a group (its outcomes), by one of
    its admins: the organisation's own audit trail. No person's access log gets a line for it,
    as no person's records were shown, only counts and medians over many people. Append-only,
    like ``AuditRecord``; kept (with the names as they were) when the admin's account or the
    organisation is deleted."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="audit_records"
    )
    organisation_name = models.CharField(max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=254)
    # Which numbers: "outcomes".
    what = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)
    # Where the read came from: a route's name ("care:outcomes"), never an address.
    origin = models.CharField(max_length=200, blank=True)

    objects = OrganisationAuditQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("organisation access record")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["organisation", "-at"], name="care_orgaudit_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.what} of {self.organisation_name}, {self.at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit records cannot be deleted.")


class RosterEntry(models.Model):
    """One person an organisation covers, from the roster CSV its admin uploaded: the
    organisation's own data. The date of birth is personal data: only the organisation's admins
    see it (on the roster page), and the coverage check compares it without ever showing it.
    ``enrolled_user`` is the account that enrolled with this entry (empty until then)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roster")
    # Normalised (``care.rosters.normalise_email`` / ``normalise_member_id``); at least one.
    email = models.CharField(_("email address"), max_length=254, blank=True, default="")
    member_id = models.CharField(_("member id"), max_length=64, blank=True, default="")
    name = models.CharField(_("name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"))
    enrolled_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    line = models.PositiveIntegerField(_("line in the file"), default=0)

    class Meta:
        ordering = ("organisation", "line", "id")
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(member_id=""), name="care_roster_has_identifier"
            ),
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=~Q(email=""),
                name="care_roster_email_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "member_id"],
                condition=~Q(member_id=""),
                name="care_roster_member_id_once",
            ),
        ]
        # The coverage check looks an identifier up across every organisation.
        indexes = [
            models.Index(fields=["email"], name="care_roster_email"),
            models.Index(fields=["member_id"], name="care_roster_member_id"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
