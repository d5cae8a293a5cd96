"""The diary: cramp episodes, a morning check-in per night, and the day's possible triggers.

A *night* is named by its evening's date and worked out in the person's own time zone by
``crampcare.core.nights`` (a cramp at 02:00 belongs to the previous evening's night). Rows are
read and written only through ``crampcare.diary.services``, which sets ``night``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.ownership import OwnedModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SEVERITY_MAX = 10
MAX_CRAMPS_PER_NIGHT = 50
MAX_DURATION_MINUTES = 240


class Muscle(models.TextChoices):
    # The relief guide's areas, so "log it" from a relief page can pre-fill the muscle.
    CALF = "calf", _("Calf")
    HAMSTRING = "hamstring", _("Back of the thigh (hamstring)")
    QUADRICEPS = "quadriceps", _("Front of the thigh (quadriceps)")
    FOOT = "foot", _("Foot")
    OTHER = "other", _("Somewhere else")


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both")


class Relief(models.TextChoices):
    STRETCHING = "stretching", _("Stretching")
    WALKING = "walking", _("Walking")
    MASSAGE = "massage", _("Massage")
    HEAT = "heat", _("Heat")
    ICE = "ice", _("Ice")
    NOTHING = "nothing", _("Nothing helped")
    OTHER = "other", _("Something else")


class Intensity(models.TextChoices):
    NONE = "none", _("No exercise")
    LIGHT = "light", _("Light")
    MODERATE = "moderate", _("Moderate")
    INTENSE = "intense", _("Hard")


class Footwear(models.TextChoices):
    SUPPORTIVE = "supportive", _("Supportive shoes")
    UNSUPPORTIVE = "unsupportive", _("Flat or unsupportive shoes")
    HIGH_HEELS = "high_heels", _("High heels")
    BAREFOOT = "barefoot", _("Mostly barefoot")


def validate_relief(value: object) -> None:
    """``helped`` is a JSON list of distinct Relief ids, in any order."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(
            _("Choose from the list of things that helped."), code="not_a_relief_list"
        )
    unknown = [item for item in value if item not in Relief.values]
    if unknown:
        raise ValidationError(
            _("%(items)s is not one of the choices."),
            params={"items": ", ".join(unknown)},
            code="unknown_relief",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each choice can be picked only once."), code="repeated_relief")


def _score(verbose_name: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(SEVERITY_MAX)],
    )


class CrampEpisode(OwnedModel):
    started_at = models.DateTimeField(_("when it started"))
    night = models.DateField(_("night"), editable=False)
    muscle = models.CharField(_("muscle"), max_length=12, choices=Muscle, blank=True)
    side = models.CharField(_("side"), max_length=5, choices=Side, blank=True)
    severity = _score(_("how painful (0 to 10)"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    woke_me = models.BooleanField(_("it woke me up"), null=True, blank=True)
    helped = models.JSONField(
        _("what helped"), default=list, blank=True, validators=[validate_relief]
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ("-started_at", "-id")
        verbose_name = _("cramp")
        verbose_name_plural = _("cramps")
        constraints = [
            # One cramp per instant: an import or a double tap updates instead of doubling.
            models.UniqueConstraint(
                fields=("owner", "started_at"),
                name="diary_one_cramp_per_instant",
                violation_error_message=_("You already logged a cramp at exactly this time."),
            ),
        ]
        indexes = [models.Index(fields=("owner", "night"), name="diary_cramp_owner_night")]

    def __str__(self) -> str:
        return f"{self.get_muscle_display() or _('cramp')} {self.started_at:%Y-%m-%d %H:%M}"

    def helped_labels(self) -> list[str]:
        labels = dict(Relief.choices)
        return [str(labels[item]) for item in self.helped if item in labels]


class NightCheckin(OwnedModel):
    """What the person said about one night in the morning, including "no cramps at all"."""

    night = models.DateField(_("night"))
    cramp_count = models.PositiveSmallIntegerField(
        _("number of cramps"), validators=[MaxValueValidator(MAX_CRAMPS_PER_NIGHT)]
    )
    severity = _score(_("how painful, on the whole (0 to 10)"))
    sleep_disruption = _score(_("how much they spoiled your sleep (0 to 10)"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ("-night",)
        verbose_name = _("morning check-in")
        constraints = [
            models.UniqueConstraint(
                fields=("owner", "night"),
                name="diary_one_checkin_per_night",
                violation_error_message=_("You already have a check-in for this night."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.night}: {self.cramp_count}"

    @property
    def no_cramps(self) -> bool:
        return self.cramp_count == 0


class DailyFactors(OwnedModel):
    """Things on one day that might be linked to cramps that night. Blank means "not answered"."""

    date = models.DateField(_("day"))
    fluid_cups = models.DecimalField(
        _("drinks (cups)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    exercise_minutes = models.PositiveSmallIntegerField(
        _("exercise (minutes)"), null=True, blank=True, validators=[MaxValueValidator(1440)]
    )
    exercise_intensity = models.CharField(
        _("how hard was the exercise?"), max_length=8, choices=Intensity, blank=True
    )
    exercise_in_heat = models.BooleanField(_("exercise in the heat"), null=True, blank=True)
    sitting_hours = models.DecimalField(
        _("sitting (hours)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    footwear = models.CharField(_("footwear"), max_length=12, choices=Footwear, blank=True)
    alcohol_drinks = models.DecimalField(
        _("alcoholic drinks"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    medicine_change = models.BooleanField(_("a new or changed medicine"), default=False)
    medicine_note = models.CharField(_("which medicine?"), max_length=200, blank=True)
    imported = models.JSONField(
        _("answers imported from a health app"), default=list, blank=True, editable=False
    )
    """The fields above whose value came from a health app import (``fluid_cups``, ...), not
    from the person: a new import may replace those, never the others; the person's own edit
    of one takes it off this list (``diary.services``)."""

    class Meta:
        ordering = ("-date",)
        verbose_name = _("day's factors")
        verbose_name_plural = _("days' factors")
        constraints = [
            models.UniqueConstraint(
                fields=("owner", "date"),
                name="diary_one_factors_per_day",
                violation_error_message=_("You already logged this day."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.date)


class HealthDay(OwnedModel):
    """What a health app (Apple Health) measured on one day and the night that followed it.

    Imported, never typed: a new import of the same day replaces the row. ``date`` names the day
    and, as everywhere in the diary, the night that begins that evening, so ``sleep_minutes``
    and ``awakenings`` are about the night of ``date`` (``crampcare.core.nights``). What fits
    the day's factors (drinks, exercise, heat) is also written there, marked as imported
    (``DailyFactors.imported``), unless the person typed it. See docs/apple-health.md.
    """

    date = models.DateField(_("day"))
    steps = models.PositiveIntegerField(_("steps"), null=True, blank=True)
    steps_source = models.CharField(_("steps counted by"), max_length=200, blank=True)
    water_cups = models.DecimalField(
        _("water (cups)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    standing_minutes = models.PositiveSmallIntegerField(
        _("standing (minutes)"), null=True, blank=True
    )
    workouts = models.PositiveSmallIntegerField(_("workouts"), default=0)
    workout_minutes = models.PositiveSmallIntegerField(
        _("workouts (minutes)"), null=True, blank=True
    )
    workout_intensity = models.CharField(
        _("hardest workout"), max_length=8, choices=Intensity, blank=True
    )
    workout_in_heat = models.BooleanField(_("a workout in the heat"), null=True, blank=True)
    last_workout_end = models.TimeField(_("last workout ended"), null=True, blank=True)
    sleep_minutes = models.PositiveSmallIntegerField(
        _("asleep that night (minutes)"), null=True, blank=True
    )
    awakenings = models.PositiveSmallIntegerField(_("awakenings that night"), null=True, blank=True)
    source = models.CharField(_("imported from"), max_length=20, default="apple_health")

    class Meta:
        ordering = ("-date",)
        verbose_name = _("health app day")
        verbose_name_plural = _("health app days")
        constraints = [
            models.UniqueConstraint(fields=("owner", "date"), name="diary_one_health_day"),
        ]

    def __str__(self) -> str:
        return str(self.date)
