from __future__ import annotations

import zoneinfo
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.ownership import OwnedModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a time zone we know."), params={"value": value})


def validate_language(value: str) -> None:
    if value and value not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a language from the list."))


def default_time_zone() -> str:
    return settings.DEFAULT_USER_TIME_ZONE


def add_email_address(user: User, using: str | None = None) -> None:
    """The sign-in address as allauth keeps it, for an account made without signing up (the
    owner by ``createsuperuser``, the demo): as allauth's email page would add it on the first
    visit (not primary, not verified), so that reading the page never writes."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.using(using).get_or_create(
        user=user, email=user.email, defaults={"primary": False, "verified": False}
    )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        add_email_address(user, using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class TextSize(models.TextChoices):
    STANDARD = "standard", _("Standard")
    LARGE = "large", _("Large")
    LARGEST = "largest", _("Largest")


class User(AbstractBaseUser, PermissionsMixin):
    """A person using crampcare. Signs in with an email address; there are no usernames."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("what should we call you?"), max_length=80, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    # ISO 3166-1 alpha-2; picks the emergency numbers shown (knowledge/emergency.py). Blank: from
    # the browser's language region.
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        default="",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Choose a country from the list."))],
    )
    # Reading comfort, remembered per person (docs/app.md): the size of all text, and stronger
    # colours and outlines.
    text_size = models.CharField(
        _("text size"), max_length=8, choices=TextSize.choices, default=TextSize.STANDARD
    )
    high_contrast = models.BooleanField(_("high contrast"), default=False)
    # The interface language (settings.LANGUAGES), remembered per person and applied on every
    # page (accounts.middleware.LanguageMiddleware) and in their emails. Blank: the browser's.
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", validators=[validate_language]
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def display_classes(self) -> str:
        """The classes on ``<html>`` that carry the person's reading comfort (crampcare.css)."""
        classes = []
        if self.text_size != TextSize.STANDARD:
            classes.append(f"text-{self.text_size}")
        if self.high_contrast:
            classes.append("contrast-high")
        return " ".join(classes)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class AccessToken(OwnedModel):
    """A personal access token for the API. Only a SHA-256 digest of the secret is stored."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("access token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# The Web Push limits: an endpoint is a URL the browser's push service hands out (about 200
# characters in practice); the keys are the browser's P-256 public key (an uncompressed point,
# 65 bytes) and its 16-byte authentication secret, both base64url (RFC 8291).
PUSH_ENDPOINT_MAX_LENGTH = 1000
PUSH_P256DH_BYTES = 65
PUSH_AUTH_BYTES = 16
PUSH_LABEL_MAX_LENGTH = 80


class PushSubscription(OwnedModel):
    """One browser that asked for reminders by Web Push (accounts/push.py).

    A device's secret, like an access token: never exported, never shown to the care team, gone
    with the account. An endpoint belongs to one browser, so it is unique: subscribing it again
    keeps the one row (and moves it to whoever subscribed it last)."""

    endpoint = models.URLField(_("endpoint"), max_length=PUSH_ENDPOINT_MAX_LENGTH, unique=True)
    p256dh = models.CharField(_("browser public key"), max_length=100)
    auth = models.CharField(_("authentication secret"), max_length=40)
    # "Chrome on Android": enough for the person to tell their devices apart, nothing more.
    label = models.CharField(_("device"), max_length=PUSH_LABEL_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last reminder delivered"), null=True, blank=True)
    # Failures in a row (a success sets it back to 0); too many and the subscription is dropped.
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("push subscription")

    def __str__(self) -> str:
        return self.label or str(_("A browser"))


# A running task writes its progress a few times a second and a queued one is taken within
# seconds by a live worker: this long without a word means no worker will finish it.
TASK_STALLED_AFTER = timedelta(minutes=15)


class TaskProgress(OwnedModel):
    """How far one of a person's background tasks has come (accounts/progress.py): an import's
    bytes or rows, shown on the page while a worker runs it. Any process reads it, so a page
    served by one app process shows what a worker on another machine wrote."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    done = models.BigIntegerField(_("done"), default=0)
    total = models.BigIntegerField(_("total"), default=0)
    # What the task needs and cannot take as a JSON argument (an uploaded file), emptied when
    # the task starts; and what it answered, for the page to show.
    payload = models.BinaryField(_("input"), null=True, blank=True, editable=False)
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("task progress")

    def __str__(self) -> str:
        return f"{self.kind} ({self.state})"

    @property
    def stalled(self) -> bool:
        """Waiting or running, but not a word from a worker for ``TASK_STALLED_AFTER``: the
        worker stopped (a crash, a restart mid-import) and the task will not finish. Shown as
        failed, so a page does not wait for ever; the worker's daily clean-up records it so."""
        if self.state not in {self.State.QUEUED, self.State.RUNNING}:
            return False
        return timezone.now() - self.updated_at > TASK_STALLED_AFTER

    @property
    def failed(self) -> bool:
        return self.state == self.State.FAILED or self.stalled

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED} or self.stalled

    @property
    def shown_state(self) -> str:
        """The state as a page or the API tells it: a stalled task has failed."""
        return str(self.State.FAILED) if self.stalled else str(self.state)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if self.total <= 0:
            return 0
        return min(99, self.done * 100 // self.total)
