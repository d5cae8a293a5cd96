"""Dates, times and scalars the API and the forms accept: plausible and strictly typed.

A diary is about real nights: nothing before 1900 and nothing later than now (plus a day of slack
for clocks that run ahead or a night logged in a zone east of the server). Year 1 or 9999 with an
offset used to overflow when turned into UTC and answered 500; now it is a 4xx naming the field.

The API takes dates and instants as ISO 8601 strings only: a bare number (``?start=0``, a Unix
timestamp in a body) is refused, not read as 1970. Booleans and integers in JSON bodies are
strict too (``0``/``1``/``"true"`` are not booleans, ``"5"`` is not an integer).

A field the API writes to a model takes its limits from the model
(``Annotated[StrictInt | None, limited_by(CrampEpisode, "severity")]``), so the schema, the API's
checks and the model's own validation cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictFloat, StrictInt

EARLIEST_YEAR = 1900
CLOCK_SLACK = dt.timedelta(days=1)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def latest_allowed() -> dt.datetime:
    return timezone.now() + CLOCK_SLACK


def plausibility_problem(value: dt.date | dt.datetime) -> str | None:
    """Why ``value`` cannot be a diary date, or None when it can (no arithmetic that overflows)."""
    latest = latest_allowed()
    if value.year < EARLIEST_YEAR:
        return _("must be in %(year)s or later") % {"year": EARLIEST_YEAR}
    if value.year > latest.year + 1:
        return _("cannot be in the future")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return _("Give the time with its time zone.")
        if value > latest:
            return _("cannot be in the future")
    # A date a little ahead (tomorrow, in some zone) is the services' call: they know the zone.
    return None


def _check(value: Any) -> Any:
    problem = plausibility_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _iso_date_text(value: Any) -> Any:
    if isinstance(value, dt.datetime) or not (
        isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value))
    ):
        raise ValueError(_("must be a date written as YYYY-MM-DD"))
    return value


def _iso_datetime_text(value: Any) -> Any:
    if not (
        isinstance(value, dt.datetime)
        or (isinstance(value, str) and _ISO_DATETIME.match(value.strip()))
    ):
        raise ValueError(_("must be a date and time written as ISO 8601, with its UTC offset"))
    return value


# A night or a day of the diary: "2024-06-05", 1900 up to tomorrow.
DiaryDate = Annotated[dt.date, BeforeValidator(_iso_date_text), AfterValidator(_check)]
# An instant with its offset: "2024-06-05T02:14+01:00", 1900 up to a day from now.
DiaryDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime_text), AfterValidator(_check)]
# A date parameter that need not be a diary date (still ISO only and inside 1900 … tomorrow).
QueryDate = DiaryDate


def validate_plausible_date(value: dt.date | dt.datetime | None) -> None:
    """The forms' validator: the same rule as the API's, as a Django ValidationError."""
    if value is None:
        return
    problem = plausibility_problem(value)
    if problem:
        raise ValidationError(problem.capitalize() + ".", code="implausible_date")


def model_limits(model: type[models.Model], name: str) -> dict[str, Any]:
    """The limits the model puts on a field, as pydantic ``Field`` arguments: ``ge``/``le`` from
    its value validators (the tightest, including the database's integer range) and
    ``max_length``."""
    field = model._meta.get_field(name)
    validators = getattr(field, "validators", [])
    lows = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
    limits: dict[str, Any] = {}
    if lows:
        limits["ge"] = max(lows)
    if highs:
        limits["le"] = min(highs)
    max_length = getattr(field, "max_length", None)
    if max_length is not None:
        limits["max_length"] = max_length
    return limits


def limited_by(model: type[models.Model], name: str) -> Any:
    """The model field's limits as pydantic metadata: ``Annotated[str, limited_by(M, "notes")]``."""
    return Field(**model_limits(model, name))


__all__ = [
    "DiaryDate",
    "DiaryDateTime",
    "Field",
    "QueryDate",
    "StrictBool",
    "StrictFloat",
    "StrictInt",
    "limited_by",
    "model_limits",
    "validate_plausible_date",
]
