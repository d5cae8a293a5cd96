"""Diary actions shared by the pages, the API, the import and the demo command.

Every write goes through here so that a cramp's ``night`` is always worked out the same way (in
the person's time zone, at save time, by ``core.nights.night_of``) and so that every rule
(no future entries, one check-in per night, one set of factors per day) is checked once.
Reading nights for the diary page (``diary_nights``) lives in ``crampcare.diary.overview`` and is
re-exported here; the statistics' nights (``nights_for``) are read by ``crampcare.insights.nights``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.accounts.datafiles.bulk import save_as_given
from crampcare.accounts.datafiles.checks import CLOCK_SLACK
from crampcare.accounts.models import User
from crampcare.accounts.ownership import OwnedModel, get_owned_or_404
from crampcare.api_types import EARLIEST_YEAR
from crampcare.core.nights import check_in_night, local_day, night_of
from crampcare.diary.health import check_imported
from crampcare.diary.models import CrampEpisode, DailyFactors, Muscle, NightCheckin
from crampcare.diary.overview import backfill_nights as backfill_nights
from crampcare.diary.overview import diary_nights as diary_nights

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

EPISODE_FIELDS = (
    "started_at",
    "muscle",
    "side",
    "severity",
    "duration_minutes",
    "woke_me",
    "helped",
    "notes",
)
CHECKIN_FIELDS = ("night", "cramp_count", "severity", "sleep_disruption", "notes")
FACTOR_FIELDS = (
    "date",
    "fluid_cups",
    "exercise_minutes",
    "exercise_intensity",
    "exercise_in_heat",
    "sitting_hours",
    "footwear",
    "alcohol_drinks",
    "medicine_change",
    "medicine_note",
)

M = TypeVar("M", bound=OwnedModel)


# -- time -----------------------------------------------------------------------------------------


def last_night(user: User, now: datetime | None = None) -> date:
    """The night a morning check-in asks about: the one that began yesterday evening."""
    return check_in_night(now or timezone.now(), user.time_zone)


def today(user: User, now: datetime | None = None) -> date:
    """The person's own calendar date (for the day's factors)."""
    return local_day(now or timezone.now(), user.time_zone)


def current_night(user: User, now: datetime | None = None) -> date:
    """The latest night that has begun: nothing can be recorded for a later one."""
    return night_of(now or timezone.now(), user.time_zone)


# -- cramps ---------------------------------------------------------------------------------------


def log_cramp(user: User, *, muscle: str = "", now: datetime | None = None) -> CrampEpisode:
    """The one-tap "I had a cramp": starting now, muscle if known, details later.

    A second tap within the same second (a double tap) returns the cramp already logged.
    """
    started = (now or timezone.now()).replace(microsecond=0)
    existing = CrampEpisode.objects.for_user(user).filter(started_at=started).first()
    if existing is not None:
        return existing
    return create_episode(
        user, started_at=started, muscle=muscle if muscle in Muscle.values else ""
    )


def create_episode(user: User, **fields: Any) -> CrampEpisode:
    return _save_episode(user, CrampEpisode(owner=user), fields)


def update_episode(user: User, episode_id: int, **fields: Any) -> CrampEpisode:
    return _save_episode(user, get_owned_or_404(CrampEpisode, user, pk=episode_id), fields)


def delete_episode(user: User, episode_id: int) -> None:
    get_owned_or_404(CrampEpisode, user, pk=episode_id).delete()


def _save_episode(user: User, episode: CrampEpisode, fields: dict[str, Any]) -> CrampEpisode:
    _assign(episode, fields, EPISODE_FIELDS)
    prepare_episode(user, episode)
    return _clean_and_save(episode)


def prepare_episode(user: User, episode: CrampEpisode) -> None:
    """Check the rules a model cannot check alone, and work out the cramp's night."""
    started = episode.started_at
    if not isinstance(started, datetime):
        raise ValidationError({"started_at": _("Say when the cramp started.")})
    if timezone.is_naive(started):
        raise ValidationError({"started_at": _("Give the time with its time zone.")})
    # In UTC to whole seconds: what the database returns anyway, and what the CSV export writes.
    if started.year < EARLIEST_YEAR:
        raise ValidationError({"started_at": _too_early()})
    episode.started_at = started.astimezone(UTC).replace(microsecond=0)
    if episode.started_at > timezone.now() + CLOCK_SLACK:
        raise ValidationError({"started_at": _("That time is in the future.")})
    if episode.helped is None:
        episode.helped = []
    episode.night = night_of(episode.started_at, user.time_zone)


def _too_early() -> str:
    # The diary is about real nights: the same floor as the API's dates (api_types).
    return _("must be in %(year)s or later") % {"year": EARLIEST_YEAR}


# -- morning check-ins ----------------------------------------------------------------------------


def record_checkin(user: User, night: date, **fields: Any) -> tuple[NightCheckin, bool]:
    """Save what the person says about a night, updating the check-in it already has.

    Fields not given keep their saved values, so tapping "2" again does not wipe the notes.
    Returns the check-in and whether it is new.
    """
    existing = NightCheckin.objects.for_user(user).filter(night=night).first()
    checkin = existing or NightCheckin(owner=user, night=night)
    _assign(checkin, fields, CHECKIN_FIELDS)
    prepare_checkin(user, checkin)
    return _clean_and_save(checkin), existing is None


def update_checkin(user: User, checkin_id: int, **fields: Any) -> NightCheckin:
    checkin = get_owned_or_404(NightCheckin, user, pk=checkin_id)
    _assign(checkin, fields, CHECKIN_FIELDS)
    prepare_checkin(user, checkin)
    return _clean_and_save(checkin)


def delete_checkin(user: User, checkin_id: int) -> None:
    get_owned_or_404(NightCheckin, user, pk=checkin_id).delete()


def prepare_checkin(user: User, checkin: NightCheckin) -> None:
    """Check the rules a model cannot check alone: the night must have begun."""
    night = checkin.night
    if not isinstance(night, date):
        raise ValidationError({"night": _("Say which night this is about.")})
    if night.year < EARLIEST_YEAR:
        raise ValidationError({"night": _too_early()})
    if night > current_night(user):
        raise ValidationError({"night": _("That night has not happened yet.")})


# -- the day's factors ----------------------------------------------------------------------------


def record_factors(user: User, day: date, **fields: Any) -> tuple[DailyFactors, bool]:
    """Save a day's factors, updating that day's record if there is one (given fields only)."""
    existing = DailyFactors.objects.for_user(user).filter(date=day).first()
    factors = existing or DailyFactors(owner=user, date=day)
    _assign_factors(factors, fields)
    prepare_factors(user, factors)
    return _clean_and_save(factors), existing is None


def update_factors(user: User, factors_id: int, **fields: Any) -> DailyFactors:
    factors = get_owned_or_404(DailyFactors, user, pk=factors_id)
    _assign_factors(factors, fields)
    prepare_factors(user, factors)
    return _clean_and_save(factors)


def _assign_factors(factors: DailyFactors, fields: dict[str, Any]) -> None:
    """The person's own answers: a value they change is theirs from now on, no longer one a
    health app import may replace (``DailyFactors.imported``)."""
    changed = {name for name, value in fields.items() if getattr(factors, name, None) != value}
    _assign(factors, fields, FACTOR_FIELDS)
    if factors.imported and changed:
        factors.imported = [name for name in factors.imported if name not in changed]


def delete_factors(user: User, factors_id: int) -> None:
    get_owned_or_404(DailyFactors, user, pk=factors_id).delete()


def prepare_factors(user: User, factors: DailyFactors) -> None:
    """Check the rules a model cannot check alone: the day must have begun."""
    day = factors.date
    if not isinstance(day, date):
        raise ValidationError({"date": _("Say which day this is about.")})
    if day.year < EARLIEST_YEAR:
        raise ValidationError({"date": _too_early()})
    if day > today(user):
        raise ValidationError({"date": _("That day has not happened yet.")})
    check_imported(factors)


# -- import (crampcare.portability) --------------------------------------------------------------
# Each takes records that ``prepare_*`` (the same rules as every single save above) and the
# model's own checks have passed; new records (``update_fields`` None) are inserted in bulk, or
# those fields of existing records are updated in bulk.


def import_episodes(
    user: User, episodes: list[CrampEpisode], update_fields: list[str] | None = None
) -> None:
    save_as_given(CrampEpisode, user, episodes, update_fields)


def import_checkins(
    user: User, checkins: list[NightCheckin], update_fields: list[str] | None = None
) -> None:
    save_as_given(NightCheckin, user, checkins, update_fields)


def import_factors(
    user: User, factors: list[DailyFactors], update_fields: list[str] | None = None
) -> None:
    save_as_given(DailyFactors, user, factors, update_fields)


# -- lists for the API ----------------------------------------------------------------------------


def episodes(
    actor: AnyUser, subject: User, start: date | None = None, end: date | None = None
) -> models.QuerySet[CrampEpisode]:
    """The cramps of ``subject`` as ``actor`` reads them (``ownership.for_reader``), newest
    first, optionally only those of nights ``start``..``end``."""
    return _between(CrampEpisode.objects.for_reader(actor, subject), "night", start, end)


def checkins(
    actor: AnyUser, subject: User, start: date | None = None, end: date | None = None
) -> models.QuerySet[NightCheckin]:
    return _between(NightCheckin.objects.for_reader(actor, subject), "night", start, end)


def factors(
    actor: AnyUser, subject: User, start: date | None = None, end: date | None = None
) -> models.QuerySet[DailyFactors]:
    return _between(DailyFactors.objects.for_reader(actor, subject), "date", start, end)


@dataclass(frozen=True)
class DiaryGlance:
    """One person's diary at a glance, for a list of many people (a clinician's)."""

    # Cramps of each recorded night in the range asked for: the larger of the check-in's count
    # and the cramps logged one by one (as the diary page and the statistics count them).
    cramps: dict[date, int]
    last_cramp_at: datetime | None  # when the latest logged cramp started
    last_checkin_night: date | None  # the night of the latest morning check-in


def glance_for_each(
    actor: AnyUser, subjects: Iterable[AnyUser], start: date, end: date
) -> dict[int, DiaryGlance]:
    """``DiaryGlance`` of each of ``subjects`` as ``actor`` reads them, through the batch door
    (``for_readers``: one audit record each for cramps and check-ins); people ``actor`` may not
    read are left out. Four queries however many people."""
    people = list(subjects)
    cramps = CrampEpisode.objects.for_readers(actor, people, drop_refused=True)
    checkins = NightCheckin.objects.for_readers(actor, people, drop_refused=True)
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for owner, night, logged in (
        cramps.filter(night__range=(start, end))
        .order_by()
        .values("owner_id", "night")
        .annotate(logged=Count("id"))
        .values_list("owner_id", "night", "logged")
    ):
        counts[owner][night] = logged
    for owner, night, said in checkins.filter(night__range=(start, end)).values_list(
        "owner_id", "night", "cramp_count"
    ):
        counts[owner][night] = max(said, counts[owner].get(night, 0))
    last_cramp = dict(
        cramps.order_by()
        .values("owner_id")
        .annotate(at=Max("started_at"))
        .values_list("owner_id", "at")
    )
    last_checkin = dict(
        checkins.order_by()
        .values("owner_id")
        .annotate(at=Max("night"))
        .values_list("owner_id", "at")
    )
    # Someone with nothing in their diary has no glance (the caller shows an empty one).
    return {
        owner: DiaryGlance(counts.get(owner, {}), last_cramp.get(owner), last_checkin.get(owner))
        for owner in last_cramp.keys() | last_checkin.keys()
    }


def _between(
    rows: models.QuerySet[M], field: str, start: date | None, end: date | None
) -> models.QuerySet[M]:
    if start is not None and end is not None and end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    if start is not None:
        rows = rows.filter(**{f"{field}__gte": start})
    if end is not None:
        rows = rows.filter(**{f"{field}__lte": end})
    return rows


# -- shared ---------------------------------------------------------------------------------------


def _assign(record: models.Model, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        # A programming error, not bad input: callers pass fields they have already parsed.
        raise TypeError(f"unknown fields for {type(record).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(record, name, value)


def _clean_and_save(record: M) -> M:
    """Validate the fields, then insert or update; the database enforces uniqueness and the
    owner's key, so they are not queried first (two queries fewer on every write)."""
    record.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    connection = transaction.get_connection()
    # Inside a caller's transaction a savepoint keeps it usable after a refusal; on its own a
    # single-row save needs no transaction around it (one round trip fewer).
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            record.save()
    except IntegrityError as error:
        # Say which rule it broke, as full_clean would have (only on this rare path).
        record.validate_unique()
        record.validate_constraints()
        raise ValidationError(_("This entry already exists; refresh and try again.")) from error
    return record
