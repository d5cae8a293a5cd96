"""A person's nightly program, its change history, their sessions and the reminders sent.

Rows are read and written only through ``crampcare.programs.services`` (and ``sessions``,
``calendar``, ``reminders``), which go through the owner-scoped chokepoint. The plan itself is the
pure core's ``Plan`` stored as JSON (``Plan.model_validate(program.plan)`` reads it back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.ownership import OwnedModel
from crampcare.programs.plan import Plan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCORE_MAX = 10
REMINDER_MAX_MINUTES = 240


class Phase(models.TextChoices):
    ACTIVE = "active", _("Six-week program")
    MAINTENANCE = "maintenance", _("Keeping it up")


class Program(OwnedModel):
    plan = models.JSONField(_("plan"))
    profile = models.JSONField(_("profile"))
    # The "about you" answers and preferences the profile was built from (assessment answers,
    # when there are any, are read from the assessment itself).
    preferences = models.JSONField(_("preferences"), default=dict, blank=True)
    started_on = models.DateField(_("first night"))
    # First night of the current program week; moves on by 7 each week and by the length of a
    # pause, so paused nights never count against the person.
    week_started_on = models.DateField(_("first night of this week"))
    week = models.PositiveSmallIntegerField(_("week"), default=1)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase, default=Phase.ACTIVE)
    bedtime = models.TimeField(_("bedtime"))
    reminder_minutes_before = models.PositiveSmallIntegerField(
        _("reminder (minutes before bedtime)"),
        default=15,
        validators=[MaxValueValidator(REMINDER_MAX_MINUTES)],
    )
    email_reminders = models.BooleanField(_("email reminders"), default=False)
    # Quiet hours for reminders on the phone (Web Push): a reminder that falls between these
    # local times is not sent, even at the person's own bedtime. Both blank: no quiet hours.
    push_quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    push_quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    # Off by default: the trial's dose for all six weeks. Longer holds and more exercises at
    # bedtime only when the person asks for them.
    progression_opt_in = models.BooleanField(_("progression asked for"), default=False)
    paused = models.BooleanField(_("paused"), default=False)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_on = models.DateField(_("first paused night"), null=True, blank=True)
    swaps = models.JSONField(_("swaps"), default=dict, blank=True)
    # The outcome of the last weekly check ({"week", "change", "reason"}), shown the next week.
    last_step = models.JSONField(_("last weekly step"), null=True, blank=True)
    maintenance_offered_on = models.DateField(_("maintenance offered on"), null=True, blank=True)
    # The calendar feed's secret is never kept: only its SHA-256 digest, to find the program.
    calendar_token_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    calendar_token_prefix = models.CharField(max_length=16, blank=True, editable=False)
    # The random half of the secret (see calendar.py), so its owner can be shown the link again.
    calendar_token_nonce = models.CharField(max_length=64, blank=True, editable=False)
    # iCalendar SEQUENCE: goes up with every change, so calendar apps replace the event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("program")
        constraints = [
            models.UniqueConstraint(fields=("owner",), name="programs_one_program_per_person"),
        ]

    # Not a column. Set on a program as shown with weekly steps that are due but not recorded yet
    # (services.current_program): the changes those steps will record. Such a copy is for
    # reading only; saving it would skip the history, so it refuses.
    unrecorded_changes: list[ProgramChange] | None = None

    def __str__(self) -> str:
        return f"program week {self.week}, level {self.level}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.unrecorded_changes is not None:
            raise RuntimeError(
                "This program shows weekly steps not recorded yet: record them with "
                "services.advance_program() and save the program read again."
            )
        super().save(*args, **kwargs)

    def get_plan(self) -> Plan:
        return Plan.model_validate(self.plan)


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Program started")
    PROFILE = "profile", _("Plan updated from your answers")
    SWAP = "swap", _("Exercise swapped")
    BEDTIME = "bedtime", _("Bedtime changed")
    REMINDER = "reminder", _("Reminder changed")
    PAUSE = "pause", _("Paused")
    RESUME = "resume", _("Resumed")
    STEP_UP = "step_up", _("Stepped up")
    STEP_DOWN = "step_down", _("Stepped back")
    PROGRESSION = "progression", _("Progression changed")
    MAINTENANCE = "maintenance", _("Switched to keeping it up")
    CLEARED = "cleared", _("Checked by a clinician")
    # Made by a clinician tailoring the plan (programs/clinician.py); SWAP and BEDTIME too.
    ADD = "add", _("Exercise added")
    REMOVE = "remove", _("Exercise taken out")
    HOLD = "hold", _("Exercise on hold")
    RELEASE = "release", _("Exercise back in the plan")
    DOSE = "dose", _("Amount changed")
    NIGHTS = "nights", _("Nights changed")


# The longest note a clinician (or the person, with a clearance) may leave with a change.
NOTE_MAX_LENGTH = 500


class ProgramChange(OwnedModel):
    """One change to a program, with what it was before and after: the care team's history."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("what changed"), max_length=12, choices=ChangeKind)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # Who made the change when it was not the person: a clinician of their care team. Kept (empty)
    # when that account is deleted, with the name they had at the time.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    changed_by_name = models.CharField(_("changed by"), max_length=254, blank=True, default="")
    # The clinician's words to the person about the change (shown with it).
    note = models.TextField(_("note"), blank=True, default="", max_length=NOTE_MAX_LENGTH)

    @property
    def by_care_team(self) -> bool:
        return bool(self.changed_by_name) or self.changed_by_id is not None

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("program change")
        indexes = [models.Index(fields=("owner", "-at"), name="programs_change_owner_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def _score(verbose_name: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
    )


class Session(OwnedModel):
    """One night's stretching session, saved as it goes so it can resume after a reload."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    night = models.DateField(_("night"))
    # The program week the session counts towards (for the weekly step).
    week = models.PositiveSmallIntegerField(_("program week"))
    # Tonight's items as they were when the session started, so a plan edit mid-session cannot
    # move the player to a different exercise.
    items = models.JSONField(_("exercises"), default=list)
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Reached the end having skipped every exercise: recorded, but not counted as done.
    skipped = models.BooleanField(_("every exercise skipped"), default=False)
    difficulty = _score(_("how hard it felt (0 to 10)"))
    pain = _score(_("how much it hurt (0 to 10)"))

    class Meta:
        ordering = ("-night",)
        verbose_name = _("stretching session")
        constraints = [
            models.UniqueConstraint(
                fields=("owner", "night"), name="programs_one_session_per_night"
            ),
        ]
        indexes = [models.Index(fields=("program", "week"), name="programs_session_week")]

    def __str__(self) -> str:
        return f"session {self.night}"

    @property
    def done(self) -> bool:
        return self.completed_at is not None

    @property
    def rated(self) -> bool:
        return self.difficulty is not None and self.pain is not None


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PUSH = "push", _("Notification on the phone")


class ReminderSent(OwnedModel):
    """A reminder that went out. The unique constraint is what makes sending idempotent: a
    second run (or a concurrent one) cannot claim the same night and channel again."""

    night = models.DateField(_("night"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ("-night",)
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=("owner", "night", "channel"), name="programs_one_reminder_per_night"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} reminder {self.night}"
