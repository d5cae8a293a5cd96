"""Days measured by a health app (Apple Health): saving an import, and reading them back.

Written only by an import (``portability.apple_health``), in the caller's transaction. Two rules:

- A ``HealthDay`` is the import's own: importing the same day again replaces its values (a
  second import of the same or an overlapping export changes nothing).
- What fits the day's factors (drinks, exercise minutes, how hard, in the heat) is written there
  too, but only into answers the person left blank or that an earlier import wrote
  (``DailyFactors.imported``); what the person typed is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crampcare.accounts.datafiles.bulk import save_as_given
from crampcare.diary.models import DailyFactors, HealthDay

if TYPE_CHECKING:
    from crampcare.accounts.models import User
    from crampcare.accounts.ownership import AnyUser

HEALTH_FIELDS = (
    "steps",
    "steps_source",
    "water_cups",
    "standing_minutes",
    "workouts",
    "workout_minutes",
    "workout_intensity",
    "workout_in_heat",
    "last_workout_end",
    "sleep_minutes",
    "awakenings",
)
IMPORTABLE_FACTORS = ("fluid_cups", "exercise_minutes", "exercise_intensity", "exercise_in_heat")
_BLANK: dict[str, Any] = {"steps_source": "", "workout_intensity": "", "workouts": 0}


@dataclass
class Saved:
    created: int = 0
    updated: int = 0
    factors_filled: int = 0
    """Answers of the day's factors written by this import."""
    factors_kept: int = 0
    """Answers the import had a value for but left as the person typed them."""


def save_health_days(user: User, days: dict[date, dict[str, Any]]) -> Saved:
    """Insert or replace ``user``'s health days: each day's values replace the stored ones whole
    (a field the import has no value for becomes blank). A day whose values are the same is not
    written at all, so importing the same export again writes nothing. Call inside a
    transaction."""
    saved = Saved()
    owned = HealthDay.objects.for_user(user)
    existing = {row.date: row for row in owned.filter(date__in=list(days))}
    new: list[HealthDay] = []
    changed: list[HealthDay] = []
    for day, values in days.items():
        row = existing.get(day)
        if row is not None and all(
            getattr(row, name) == values.get(name, _BLANK.get(name)) for name in HEALTH_FIELDS
        ):
            saved.updated += 1  # the same again: nothing to write
            continue
        row = row or HealthDay(owner=user, date=day)
        for name in HEALTH_FIELDS:
            setattr(row, name, values.get(name, _BLANK.get(name)))
        row.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
        (changed if row.pk else new).append(row)
    if changed:
        # Replaced whole, keeping their ids: a delete and an insert are two queries, where
        # bulk_update's CASE per field and row costs seconds for a few thousand days.
        owned.filter(pk__in=[row.pk for row in changed]).delete()
    owned.bulk_create([*changed, *new], batch_size=500)
    saved.created = len(new)
    saved.updated += len(changed)
    return saved


def fill_factors(user: User, days: dict[date, dict[str, Any]], saved: Saved) -> None:
    """Write the imported answers into the day's factors where the person has not answered
    (see the module docstring). Call inside a transaction."""
    owned = DailyFactors.objects.for_user(user)
    existing = {row.date: row for row in owned.filter(date__in=list(days))}
    new: list[DailyFactors] = []
    changed: list[DailyFactors] = []
    for day, values in days.items():
        row = existing.get(day)
        if row is None:
            row = DailyFactors(owner=user, date=day, imported=[])
        snapshot = _answers(row)
        touched = False
        imported = list(row.imported or [])
        for name in IMPORTABLE_FACTORS:
            if name not in values:
                continue
            current = getattr(row, name)
            if current not in (None, "") and name not in imported:
                saved.factors_kept += 1
                continue
            setattr(row, name, values[name])
            if name not in imported:
                imported.append(name)
            saved.factors_filled += 1
            touched = True
        if not touched or (row.pk and snapshot == _answers(row) and imported == row.imported):
            continue
        row.imported = imported
        row.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
        (changed if row.pk else new).append(row)
    owned.bulk_create(new, batch_size=500)
    owned.bulk_update(changed, [*IMPORTABLE_FACTORS, "imported"], batch_size=500)


def _answers(row: DailyFactors) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in IMPORTABLE_FACTORS)


def health_days(actor: AnyUser, subject: User, start: date, end: date) -> dict[date, HealthDay]:
    """``subject``'s health days from ``start`` to ``end``, read by ``actor`` (the door)."""
    rows = HealthDay.objects.for_reader(actor, subject).filter(date__range=(start, end))
    return {row.date: row for row in rows}


def prepare_health_day(user: User, row: HealthDay) -> None:
    """The rules an export's health_days.csv row must pass (the day must have begun)."""
    from crampcare.diary.services import prepare_factors

    prepare_factors(user, DailyFactors(owner=user, date=row.date))


def import_health_days(
    user: User, rows: list[HealthDay], update_fields: list[str] | None = None
) -> None:
    """The export's bulk entry point (``portability``): rows ``prepare_health_day`` passed."""
    save_as_given(HealthDay, user, rows, update_fields)


def check_imported(factors: DailyFactors) -> None:
    """``DailyFactors.imported`` names only answers an import can give, each once."""
    names = factors.imported
    if not isinstance(names, list) or any(name not in IMPORTABLE_FACTORS for name in names):
        raise ValidationError(
            {
                "imported": _("Only %(names)s can come from a health app.")
                % {"names": ", ".join(IMPORTABLE_FACTORS)}
            }
        )
    if len(set(names)) != len(names):
        raise ValidationError({"imported": _("Each answer can be named only once.")})
