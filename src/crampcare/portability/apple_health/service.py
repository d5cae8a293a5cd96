"""``import_apple_health``: an Apple Health export into a person's diary, all or nothing.

The one service behind the data page, the command (``crampcare import apple-health``) and, later,
a background task: it reads the file as a stream (``reading``, ``parsing``), adds it up per day
and night in the person's time zone, and saves it in one transaction. A bad file saves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.accounts.models import User
from crampcare.api_types import EARLIEST_YEAR
from crampcare.core.nights import zone
from crampcare.diary import health
from crampcare.diary.models import Intensity
from crampcare.diary.services import today
from crampcare.portability.apple_health import parsing
from crampcare.portability.apple_health.reading import (
    Counted,
    check_prolog,
    health_limits,
    open_export,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
"""Called as the file is read with the bytes of export.xml read so far and its size, when the
zip says (a claim, for display only)."""

MOST_CUPS = 40
"""The day's factors take up to 40 cups (``DailyFactors.fluid_cups``); a day above that keeps
its water in the health day only."""
_INTENSITY = {
    parsing.LIGHT: Intensity.LIGHT,
    parsing.MODERATE: Intensity.MODERATE,
    parsing.VIGOROUS: Intensity.INTENSE,
}
_MINUTES_A_DAY = 1440


@dataclass
class Report:
    """What an import did, or the one reason it did nothing."""

    saved: bool = False
    problem: str = ""
    line: int | None = None
    records: int = 0
    days: int = 0
    """Days with steps, water, standing or workouts."""
    nights: int = 0
    """Nights with sleep."""
    workouts: int = 0
    created: int = 0
    updated: int = 0
    factors_filled: int = 0
    factors_kept: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """The problem, with its line in export.xml when known."""
        if not self.problem:
            return ""
        if self.line is not None:
            return _("export.xml, line %(line)d: %(problem)s") % {
                "line": self.line,
                "problem": self.problem,
            }
        return self.problem

    @property
    def sentence(self) -> str:
        """The problem as a sentence of its own, for a page."""
        text = self.message
        if not text:
            return ""
        text = text[0].upper() + text[1:]
        return text if text.endswith((".", ")")) else text + "."

    def summary(self) -> str:
        if not self.saved:
            return _("Nothing was imported: %(problem)s") % {"problem": self.message}
        return _("Imported from Apple Health: %(days)s, %(nights)s and %(workouts)s.") % {
            "days": ngettext("%(count)d day", "%(count)d days", self.days) % {"count": self.days},
            "nights": ngettext("%(count)d night", "%(count)d nights", self.nights)
            % {"count": self.nights},
            "workouts": ngettext("%(count)d workout", "%(count)d workouts", self.workouts)
            % {"count": self.workouts},
        }


def import_apple_health(
    user: User, fileobj: IO[bytes], *, progress: Progress | None = None
) -> Report:
    """Import Apple Health's export.zip (or its export.xml) into ``user``'s diary.

    ``fileobj`` is a seekable binary file (an upload or a file on disk). Idempotent: each day's
    imported values replace those of an earlier import of that day, so importing the same or an
    overlapping export again changes nothing. What the person typed in the day's factors is kept.
    """
    report = Report()
    try:
        days, nights, workouts, records = _read(user, fileobj, progress)
    except parsing.HealthFileError as error:
        report.problem, report.line = error.message, error.line
        return report
    report.records = records
    values, factors = _rows(user, days, nights, report)
    report.days, report.nights, report.workouts = len(days), len(nights), workouts
    if not values:
        report.problem = _("the export holds no steps, water, standing, sleep or workouts")
        return report
    try:
        with transaction.atomic():
            saved = health.save_health_days(user, values)
            health.fill_factors(user, factors, saved)
    except ValidationError as error:
        report.problem = _("a value could not be stored: %(error)s") % {
            "error": "; ".join(error.messages)
        }
        return report
    report.saved = True
    report.created, report.updated = saved.created, saved.updated
    report.factors_filled, report.factors_kept = saved.factors_filled, saved.factors_kept
    if saved.factors_kept:
        report.notes.append(
            ngettext(
                "%(count)d answer you typed in your day's factors was kept as it was.",
                "%(count)d answers you typed in your day's factors were kept as they were.",
                saved.factors_kept,
            )
            % {"count": saved.factors_kept}
        )
    return report


def _read(
    user: User, fileobj: IO[bytes], progress: Progress | None
) -> tuple[dict[date, dict[str, Any]], dict[date, parsing.Night], int, int]:
    limits = health_limits()
    opened = open_export(fileobj)
    total = opened.size

    def counted(report_progress: bool) -> IO[bytes]:
        stream = Counted(
            opened.open(),
            most=limits.xml_bytes,
            compressed=opened.compressed,
            ratio=limits.ratio,
            progress=(lambda done: progress(done, total))
            if progress is not None and report_progress
            else None,
        )
        return cast(IO[bytes], stream)

    check_prolog(counted(False))
    stream = counted(True)
    try:
        totals = parsing.aggregate(stream, zone(user.time_zone))
    except (OSError, EOFError, RuntimeError) as error:  # zipfile's damaged-member errors
        if isinstance(error.__context__, parsing.HealthFileError):
            raise error.__context__ from None
        raise parsing.HealthFileError(
            _("the zip file is damaged or cut short (download or copy it again)")
        ) from None
    steps = parsing.daily_steps(totals)
    nights = parsing.nightly_sleep(totals)
    days: dict[date, dict[str, Any]] = {}
    for day, (count, source) in steps.items():
        days.setdefault(day, {}).update(steps=count, steps_source=source[:200])
    for day, ml in totals.water_ml.items():
        days.setdefault(day, {})["water_ml"] = ml
    for day, minutes in totals.stand_minutes.items():
        days.setdefault(day, {})["standing_minutes"] = min(round(minutes), _MINUTES_A_DAY)
    workouts = 0
    for day, done in totals.workouts.items():
        workouts += len(done)
        known = [each.in_heat for each in done]
        intensities = [each.intensity for each in done if each.intensity is not None]
        days.setdefault(day, {}).update(
            workouts=min(len(done), 1000),
            workout_minutes=min(round(sum(each.minutes for each in done)), _MINUTES_A_DAY),
            workout_intensity=_INTENSITY[max(intensities)] if intensities else "",
            workout_in_heat=True
            if any(known)
            else False
            if known and all(value is False for value in known)
            else None,
            last_workout_end=max(each.ended for each in done),
        )
    return days, nights, workouts, totals.records


def _rows(
    user: User,
    days: dict[date, dict[str, Any]],
    nights: dict[date, parsing.Night],
    report: Report,
) -> tuple[dict[date, dict[str, Any]], dict[date, dict[str, Any]]]:
    """The health days' values and the day's factors' answers, by date; days that have not
    happened yet (a phone's clock set wrong) or before 1900 are left out."""
    last = today(user)
    values: dict[date, dict[str, Any]] = {}
    factors: dict[date, dict[str, Any]] = {}
    left_out = 0
    for day in sorted(set(days) | set(nights)):
        if day > last or day.year < EARLIEST_YEAR:
            left_out += 1
            continue
        measured = dict(days.get(day, {}))
        ml = measured.pop("water_ml", None)
        row = dict(measured)
        if ml is not None:
            row["water_cups"] = Decimal(round(ml / parsing.ML_PER_CUP, 1)).quantize(Decimal("0.1"))
        night = nights.get(day)
        if night is not None:
            row["sleep_minutes"] = min(night.asleep_minutes, _MINUTES_A_DAY)
            row["awakenings"] = min(night.awakenings, 1000)
        if row.get("water_cups") is not None and row["water_cups"] >= Decimal(10_000):
            row["water_cups"] = None
        values[day] = row
        answers: dict[str, Any] = {}
        cups = row.get("water_cups")
        if cups is not None and cups <= MOST_CUPS:
            answers["fluid_cups"] = cups
        if row.get("workouts"):
            answers["exercise_minutes"] = row["workout_minutes"]
            if row["workout_intensity"]:
                answers["exercise_intensity"] = row["workout_intensity"]
            if row["workout_in_heat"] is not None:
                answers["exercise_in_heat"] = row["workout_in_heat"]
        if answers:
            factors[day] = answers
    if left_out:
        report.notes.append(
            ngettext(
                "%(count)d day after today (or before 1900) was left out.",
                "%(count)d days after today (or before 1900) were left out.",
                left_out,
            )
            % {"count": left_out}
        )
    return values, factors
