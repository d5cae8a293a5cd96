"""Reading Apple Health's export.xml as a stream and adding it up into days and nights.

Nothing here touches the database. ``aggregate`` reads the XML once with
``lxml.etree.iterparse`` (tag filters, ``events=("end",)``), clears each element as soon as it
has been read and deletes the ones before it, so memory stays flat whatever the file's size: what
grows is only the totals, a few numbers per day. The rules (which steps count, what a night's
sleep is, how hard a workout was) are in docs/apple-health.md.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from crampcare.core.nights import CUTOVER_HOUR

ROOT = "HealthData"

STEPS = "HKQuantityTypeIdentifierStepCount"
WATER = "HKQuantityTypeIdentifierDietaryWater"
STAND = "HKQuantityTypeIdentifierAppleStandTime"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"

# iOS 16 split "asleep" into core, deep and REM (and "unspecified"); older exports say "Asleep".
ASLEEP_VALUES = frozenset(
    {
        "HKCategoryValueSleepAnalysisAsleep",
        "HKCategoryValueSleepAnalysisAsleepUnspecified",
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepREM",
    }
)
NOT_ASLEEP_VALUES = frozenset(
    {"HKCategoryValueSleepAnalysisInBed", "HKCategoryValueSleepAnalysisAwake"}
)

NAN = float("nan")

ML_PER_CUP = 250.0
"""The diary's cup (docs/diary.md)."""
WATER_ML: dict[str, float] = {
    "mL": 1.0,
    "ml": 1.0,
    "cL": 10.0,
    "dL": 100.0,
    "L": 1000.0,
    "l": 1000.0,
    "fl_oz_us": 29.5735295625,
    "fl_oz_imp": 28.4130625,
    "cup_us": 236.5882365,
    "cup": 236.5882365,
    "cup_imp": 284.130625,
}

HOT_WORKOUT_MIN_CELSIUS = 27.0
"""A workout outdoors at this air temperature or above counts as exercise in the heat: the US
National Weather Service's heat index starts its "caution" band at 80 °F (26.7 °C), where
fatigue and cramps become possible with prolonged activity."""
AWAKENING_MIN_MINUTES = 5
"""A gap between two stretches of sleep counts as an awakening from this long..."""
AWAKENING_MAX_MINUTES = 120
"""...up to this long; a longer gap is two sleeps (a nap and the night), not a waking."""

MODERATE_MIN_METS = 3.0
VIGOROUS_MIN_METS = 6.0
"""Light below 3 METs, moderate from 3, vigorous from 6 (the Compendium of Physical Activities
and the ACSM's bands)."""
REFERENCE_KG = 70.0
"""Without a body weight, energy per minute is turned into METs for a 70 kg adult."""

# Typical METs of Apple's activity types (Compendium of Physical Activities, 2011), used only
# when a workout has neither its average METs nor its energy.
ACTIVITY_METS: dict[str, float] = {
    "HKWorkoutActivityTypeRunning": 9.0,
    "HKWorkoutActivityTypeHighIntensityIntervalTraining": 8.0,
    "HKWorkoutActivityTypeCrossTraining": 8.0,
    "HKWorkoutActivityTypeJumpRope": 11.0,
    "HKWorkoutActivityTypeStairClimbing": 8.0,
    "HKWorkoutActivityTypeStairs": 8.0,
    "HKWorkoutActivityTypeSoccer": 7.0,
    "HKWorkoutActivityTypeBasketball": 6.5,
    "HKWorkoutActivityTypeBoxing": 7.8,
    "HKWorkoutActivityTypeKickboxing": 7.3,
    "HKWorkoutActivityTypeHiking": 6.0,
    "HKWorkoutActivityTypeSwimming": 6.0,
    "HKWorkoutActivityTypeRowing": 6.0,
    "HKWorkoutActivityTypeCycling": 6.0,
    "HKWorkoutActivityTypeElliptical": 5.0,
    "HKWorkoutActivityTypeTennis": 7.3,
    "HKWorkoutActivityTypeTraditionalStrengthTraining": 3.5,
    "HKWorkoutActivityTypeFunctionalStrengthTraining": 3.8,
    "HKWorkoutActivityTypeDance": 5.0,
    "HKWorkoutActivityTypeGolf": 4.8,
    "HKWorkoutActivityTypeWalking": 3.5,
    "HKWorkoutActivityTypePilates": 3.0,
    "HKWorkoutActivityTypeYoga": 2.5,
    "HKWorkoutActivityTypeMindAndBody": 2.0,
    "HKWorkoutActivityTypeFlexibility": 2.3,
    "HKWorkoutActivityTypeCooldown": 2.0,
}

LIGHT, MODERATE, VIGOROUS = 1, 2, 3

# Every element the export's DTD allows under HealthData: each is cleared once read.
_CHILDREN = (
    "Record",
    "Workout",
    "ActivitySummary",
    "Correlation",
    "Me",
    "ExportDate",
    "ClinicalRecord",
    "Audiogram",
    "VisionPrescription",
)
MAX_BYTES_WITHOUT_RECORD = 8 * 1024 * 1024
"""Bytes read with none of ``_CHILDREN`` ending: past this, the file is refused rather than
growing the tree (a hostile file of unknown elements)."""


# What a number in the file is, for the message when it is not one (translated only then).
_STEP_COUNT = gettext_noop("step count")
_AMOUNT_OF_WATER = gettext_noop("amount of water")
_STANDING_TIME = gettext_noop("standing time")
_WORKOUT_DURATION = gettext_noop("workout duration")
_AVERAGE_METS = gettext_noop("average METs")
_TEMPERATURE = gettext_noop("temperature")
_ENERGY = gettext_noop("energy")


class HealthFileError(Exception):
    """The file cannot be imported; the message says why, ``line`` where (if known)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Workout:
    minutes: float
    intensity: int | None
    in_heat: bool | None
    ended: time


@dataclass(slots=True)
class Totals:
    """What was read, in the person's days (``days_*``) and nights (``nights``)."""

    steps: dict[date, dict[str, float]] = field(default_factory=dict)
    water_ml: dict[date, float] = field(default_factory=dict)
    stand_minutes: dict[date, float] = field(default_factory=dict)
    workouts: dict[date, list[Workout]] = field(default_factory=dict)
    sleep: dict[date, dict[str, list[tuple[int, int]]]] = field(default_factory=dict)
    records: int = 0
    skipped_correlated: int = 0


@dataclass(frozen=True, slots=True)
class Night:
    asleep_minutes: int
    awakenings: int
    source: str


class _Clock:
    """Apple's "2024-06-05 02:14:00 +0100" turned into UTC seconds and the person's day and
    night, cheaply: the hour and offset are parsed once and cached, minutes and seconds are
    sliced; the zone conversion is cached per UTC quarter hour (every offset in use is a whole
    number of quarter hours)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.hours: dict[str, int] = {}
        self.quarters: dict[int, tuple[date, date]] = {}
        self.days: dict[str, date] = {}
        """The person's day for each hour (and offset) written in the file, when the whole hour
        falls on one day for them: the common case, one dictionary look-up a record."""

    def day(self, text: str, elem: Any) -> date:
        """The person's day of an instant in the file (checked as strictly as ``seconds``)."""
        key = text[:13] + text[19:]
        found = self.days.get(key)
        if found is not None and len(text) == 25 and _MINUTES(text, 13) is not None:
            return found
        base = self.seconds(text, elem.sourceline)
        start = self.hours[key]
        day = self.day_and_night(base)[0]
        if day == self.day_and_night(start + 3599)[0] == self.day_and_night(start)[0]:
            self.days[key] = day
        return day

    def seconds(self, text: str, line: int | None) -> int:
        key = text[:13] + text[19:]
        base = self.hours.get(key)
        if base is None:
            base = self._hour(text, line)
            self.hours[key] = base
        if len(text) != 25 or text[13] != ":" or text[16] != ":":
            raise _bad_date(text, line)
        try:
            minutes, seconds = int(text[14:16]), int(text[17:19])
        except ValueError:
            raise _bad_date(text, line) from None
        if not (0 <= minutes < 60 and 0 <= seconds < 61):
            raise _bad_date(text, line)
        return base + minutes * 60 + seconds

    def _hour(self, text: str, line: int | None) -> int:
        if len(text) != 25 or text[19] != " " or text[20] not in "+-":
            raise _bad_date(text, line)
        try:
            moment = datetime.strptime(text[:13] + text[19:], "%Y-%m-%d %H %z")
        except ValueError:
            raise _bad_date(text, line) from None
        return calendar.timegm(moment.astimezone(UTC).timetuple())

    def day_and_night(self, seconds: int) -> tuple[date, date]:
        quarter = seconds // 900
        found = self.quarters.get(quarter)
        if found is None:
            local = datetime.fromtimestamp(quarter * 900, self.tz)
            day = local.date()
            found = (day, day - timedelta(days=1) if local.hour < CUTOVER_HOUR else day)
            self.quarters[quarter] = found
        return found

    def local(self, seconds: int) -> datetime:
        return datetime.fromtimestamp(seconds, self.tz)


_MINUTES = re.compile(r":[0-5]\d:[0-5]\d ").match


def _bad_date(text: str, line: int | None) -> HealthFileError:
    return HealthFileError(
        _("the date %(text)s is not in Apple Health's format (2024-06-05 02:14:00 +0100)")
        % {"text": repr(text[:40])},
        line,
    )


def _number(text: str | None, what: str, where: Any) -> float:
    """``text`` as a finite number; ``where`` is the element (or its line) for the message."""
    try:
        value = float(text) if text is not None else float("nan")
    except ValueError:
        value = float("nan")
    if not (value == value and abs(value) != float("inf")):  # NaN and infinity are refused
        line = where if where is None or isinstance(where, int) else where.sourceline
        raise HealthFileError(
            _("the %(what)s %(text)s is not a number")
            % {"what": what, "text": repr(str(text)[:40])},
            line,
        )
    return value


Progress = Callable[[int], None]


def aggregate(stream: IO[bytes], tz: ZoneInfo) -> Totals:
    """Read export.xml from ``stream`` (already checked by ``reading.check_prolog``) into totals.

    Raises ``HealthFileError`` for anything that is not a readable Health export.
    """
    totals = Totals()
    clock = _Clock(tz)
    steps, water, stand, sleep = totals.steps, totals.water_ml, totals.stand_minutes, totals.sleep
    workouts = totals.workouts
    seconds, day_and_night, day_of = clock.seconds, clock.day_and_night, clock.day
    known_days, minutes_ok = clock.days, _MINUTES
    parser = etree.iterparse(
        stream,
        events=("end",),
        tag=_CHILDREN,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
    )
    records = 0
    root: Any = None
    elem: Any = None

    # Elements no tag filter stops at (unknown ones) are dropped only when the next known
    # element ends; a file of nothing else would grow the tree without end. Real exports have
    # a known element every few hundred bytes, so a long stretch without one is refused.
    since = [0]

    def watch() -> None:
        if stream.read_bytes - since[0] > MAX_BYTES_WITHOUT_RECORD:  # type: ignore[attr-defined]
            raise HealthFileError(_("this file holds elements an Apple Health export has not"))

    watching = hasattr(stream, "watch")
    if watching:
        stream.watch = watch  # type: ignore[attr-defined]
    try:
        for _event, elem in parser:
            parent = elem.getparent()
            if root is None:
                root = parent
                if root is None or root.tag != ROOT:
                    raise HealthFileError(
                        _(
                            "this is not an Apple Health export (its first element is not "
                            "HealthData)"
                        )
                    )
            tag = elem.tag
            if tag == "Record":
                if parent is not root:
                    # Inside a Correlation (food, blood pressure): Apple lists the same samples
                    # at the top level too, so they are counted there only.
                    totals.skipped_correlated += 1
                    continue
                records += 1
                attrib = elem.attrib
                kind = attrib.get("type")
                if kind == STEPS:
                    # Nearly every record is a step count: the day and the number are worked out
                    # here without a call where the common case allows (the same checks as
                    # day_of and _number, which give the message when a check fails).
                    when = attrib["startDate"]
                    day = known_days.get(when[:13] + when[19:])
                    if day is None or len(when) != 25 or minutes_ok(when, 13) is None:
                        day = day_of(when, elem)
                    raw = attrib.get("value")
                    try:
                        value = float(raw)  # type: ignore[arg-type]
                    except (TypeError, ValueError):
                        value = NAN
                    if value - value != 0.0:  # NaN or infinity (or no value at all)
                        value = _number(raw, _STEP_COUNT, elem)
                    source = attrib.get("sourceName", "")
                    by_source = steps.get(day)
                    if by_source is None:
                        steps[day] = {source: value}
                    else:
                        by_source[source] = by_source.get(source, 0.0) + value
                elif kind == SLEEP:
                    if attrib.get("value") in ASLEEP_VALUES:
                        start = seconds(attrib["startDate"], elem.sourceline)
                        end = seconds(attrib["endDate"], elem.sourceline)
                        if end > start:
                            night = day_and_night(start)[1]
                            source = attrib.get("sourceName", "")
                            sleep.setdefault(night, {}).setdefault(source, []).append((start, end))
                    elif attrib.get("value") not in NOT_ASLEEP_VALUES:
                        raise HealthFileError(
                            _("the sleep value %(value)s is not one we know")
                            % {"value": repr(attrib.get("value", "")[:60])},
                            elem.sourceline,
                        )
                elif kind == WATER:
                    unit = attrib.get("unit", "")
                    per = WATER_ML.get(unit)
                    if per is None:
                        raise HealthFileError(
                            _("the water unit %(unit)s is not one we know (mL, L, fl_oz_us, cup)")
                            % {"unit": repr(unit[:20])},
                            elem.sourceline,
                        )
                    day = day_of(attrib["startDate"], elem)
                    amount = _number(attrib.get("value"), _AMOUNT_OF_WATER, elem)
                    water[day] = water.get(day, 0.0) + amount * per
                elif kind == STAND:
                    day = day_of(attrib["startDate"], elem)
                    amount = _number(attrib.get("value"), _STANDING_TIME, elem)
                    factor = 1.0 if attrib.get("unit", "min") == "min" else 1 / 60.0
                    stand[day] = stand.get(day, 0.0) + amount * factor
            elif tag == "Workout":
                records += 1
                day, workout = _workout(elem, clock)
                workouts.setdefault(day, []).append(workout)
            elem.clear()
            if watching:
                since[0] = stream.read_bytes  # type: ignore[attr-defined]
            if parent is root:
                # Everything before this element has been read: drop it from the tree.
                while elem.getprevious() is not None:
                    del root[0]
    except KeyError as missing:
        raise HealthFileError(
            _("a record has no %(name)s") % {"name": missing.args[0]},
            getattr(elem, "sourceline", None),
        ) from None
    except etree.XMLSyntaxError as error:
        if getattr(stream, "ended", False):
            raise HealthFileError(
                _("the file ends too early: it is cut short (download or copy it again)"),
                error.lineno,
            ) from None
        raise HealthFileError(_syntax_message(error), error.lineno) from None
    if root is None:
        raise HealthFileError(_("this Apple Health export holds no records"))
    totals.records = records
    return totals


def _syntax_message(error: etree.XMLSyntaxError) -> str:
    text = str(error.msg or error)
    if "Premature end" in text or "EndTag" in text or "end of" in text.lower():
        return _("the file ends too early: it is cut short (download or copy it again)")
    if "Excessive depth" in text or "huge" in text.lower():
        return _("the file nests its elements deeper than any Health export does")
    return _("the XML is damaged (%(error)s)") % {"error": text[:120]}


def _workout(elem: Any, clock: _Clock) -> tuple[date, Workout]:
    attrib = elem.attrib
    line = elem.sourceline
    start = clock.seconds(attrib["startDate"], line)
    end = clock.seconds(attrib["endDate"], line)
    duration = attrib.get("duration")
    if duration is not None:
        minutes = _number(duration, _WORKOUT_DURATION, line)
        unit = attrib.get("durationUnit", "min")
        minutes = minutes / 60.0 if unit == "s" else minutes * 60.0 if unit == "hr" else minutes
    else:
        minutes = max(end - start, 0) / 60.0
    mets: float | None = None
    energy: float | None = None
    temperature: float | None = None
    indoor = False
    if attrib.get("totalEnergyBurned"):
        energy = _energy(attrib["totalEnergyBurned"], attrib.get("totalEnergyBurnedUnit", ""), line)
    for child in elem:
        child_tag = child.tag
        if child_tag == "MetadataEntry":
            key = child.get("key")
            if key == "HKAverageMETs":
                mets = _first_number(child.get("value"), _AVERAGE_METS, line)
            elif key == "HKWeatherTemperature":
                temperature = _celsius(child.get("value", ""), line)
            elif key == "HKIndoorWorkout":
                indoor = child.get("value") == "1"
        elif (
            child_tag == "WorkoutStatistics"
            and child.get("type") == "HKQuantityTypeIdentifierActiveEnergyBurned"
            and energy is None
            and child.get("sum")
        ):
            energy = _energy(child.get("sum"), child.get("unit", ""), line)
    if mets is None and energy is not None and minutes > 0:
        # kcal/min = METs x 3.5 x kg / 200 (ACSM); active energy leaves out the resting 1 MET.
        mets = energy / minutes * 200.0 / (3.5 * REFERENCE_KG) + 1.0
    if mets is None:
        mets = ACTIVITY_METS.get(attrib.get("workoutActivityType", ""))
    intensity = (
        None
        if mets is None
        else VIGOROUS
        if mets >= VIGOROUS_MIN_METS
        else MODERATE
        if mets >= MODERATE_MIN_METS
        else LIGHT
    )
    in_heat = (
        False if indoor else None if temperature is None else temperature >= HOT_WORKOUT_MIN_CELSIUS
    )
    ended = clock.local(end)
    return clock.day_and_night(start)[0], Workout(
        minutes=max(minutes, 0.0), intensity=intensity, in_heat=in_heat, ended=ended.time()
    )


def _first_number(text: str | None, what: str, line: int | None) -> float:
    return _number((text or "").split(" ", 1)[0], what, line)


def _energy(text: str | None, unit: str, line: int | None) -> float:
    value = _number(text, _ENERGY, line)
    return value / 4.184 if unit == "kJ" else value


def _celsius(text: str, line: int | None) -> float:
    value = _first_number(text, _TEMPERATURE, line)
    return (value - 32.0) * 5.0 / 9.0 if text.endswith("degF") else value


def daily_steps(totals: Totals) -> dict[date, tuple[int, str]]:
    """Each day's steps from one source: the one that counted the most that day.

    iPhone and Apple Watch both count the same walk, so adding every source would double it;
    Apple's own app merges them sample by sample, which the export does not let us redo exactly.
    Taking the source with the most steps that day never double counts and loses only the steps
    the other device saw while this one was away (a phone left on the desk, a watch charging).
    """
    chosen = {}
    for day, by_source in totals.steps.items():
        source, steps = max(by_source.items(), key=lambda item: (item[1], item[0]))
        chosen[day] = (round(steps), source)
    return chosen


def nightly_sleep(totals: Totals) -> dict[date, Night]:
    """Each night's time asleep and awakenings, from the source that saw the most sleep.

    The stretches of one source are merged where they overlap or touch; time asleep is the
    merged length. An awakening is a gap between two stretches from ``AWAKENING_MIN_MINUTES``
    to ``AWAKENING_MAX_MINUTES`` long.
    """
    nights = {}
    for night, by_source in totals.sleep.items():
        best: Night | None = None
        for source, stretches in by_source.items():
            merged: list[list[int]] = []
            for start, end in sorted(stretches):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            asleep = sum(end - start for start, end in merged) // 60
            awakenings = sum(
                1
                for before, after in pairwise(merged)
                if AWAKENING_MIN_MINUTES * 60 <= after[0] - before[1] <= AWAKENING_MAX_MINUTES * 60
            )
            candidate = Night(asleep_minutes=asleep, awakenings=awakenings, source=source)
            if best is None or (candidate.asleep_minutes, source) > (
                best.asleep_minutes,
                best.source,
            ):
                best = candidate
        if best is not None:
            nights[night] = best
    return nights
