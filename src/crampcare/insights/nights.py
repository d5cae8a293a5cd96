"""The nights as the statistics read them: the diary's rows and the program's sessions turned
into ``core.stats.NightRecord`` values, for insights, the doctor's report, the self-tests, the
nights API (``GET /api/v1/diary/nights``) and the demo command.

How many cramps a night had is counted as on the diary page (``diary.overview``): the larger of
the check-in's count and the cramps logged one by one. A night with neither is not recorded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from crampcare.accounts.models import User
from crampcare.core.stats import DailyFactors as FactorAnswers
from crampcare.core.stats import Intensity as StatsIntensity
from crampcare.core.stats import NightRecord, exposures_from
from crampcare.diary.models import CrampEpisode, DailyFactors, HealthDay, Intensity, NightCheckin
from crampcare.programs.models import Session

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

_INTENSITY = {
    Intensity.LIGHT: StatsIntensity.LIGHT,
    Intensity.MODERATE: StatsIntensity.MODERATE,
    Intensity.INTENSE: StatsIntensity.VIGOROUS,
}


def nights_for(actor: AnyUser, subject: User, start: date, end: date) -> list[NightRecord]:
    """The recorded nights from ``start`` to ``end``, oldest first, ready for the statistics.

    ``exposures`` come from the factors of the night's own date (the day before the sleep).
    ``severities`` are the pain scores of the logged cramps; when none was scored, the
    check-in's overall score stands for the night. ``program_done`` says whether a program
    session was finished that evening. Steps of the night's day and the sleep of the night
    before it come from the health app's days (``diary.HealthDay``), when imported. Five queries
    whatever the range, and no model instances, so ten years of diary stay fast.
    """
    scores: dict[date, list[float]] = defaultdict(list)
    logged: dict[date, int] = defaultdict(int)
    for night, severity in (
        CrampEpisode.objects.for_reader(actor, subject)
        .filter(night__range=(start, end))
        .values_list("night", "severity")
    ):
        logged[night] += 1
        if severity is not None:
            scores[night].append(float(severity))
    said = {
        night: (count, severity)
        for night, count, severity in NightCheckin.objects.for_reader(actor, subject)
        .filter(night__range=(start, end))
        .values_list("night", "cramp_count", "severity")
    }
    answers = {
        row[0]: factor_answers(*row[1:])
        for row in DailyFactors.objects.for_reader(actor, subject)
        .filter(date__range=(start, end))
        .values_list(
            "date",
            "fluid_cups",
            "exercise_minutes",
            "exercise_intensity",
            "exercise_in_heat",
            "sitting_hours",
            "footwear",
            "alcohol_drinks",
            "medicine_change",
        )
    }
    # Measured by a health app: the day's steps, and the sleep of the night before the day
    # (that night is named by the day before: ``core.nights``).
    measured = {
        day: (steps, sleep)
        for day, steps, sleep in HealthDay.objects.for_reader(actor, subject)
        .filter(date__range=(start - timedelta(days=1), end))
        .values_list("date", "steps", "sleep_minutes")
    }
    sessions = set(
        Session.objects.for_reader(actor, subject)
        .filter(night__range=(start, end), completed_at__isnull=False)
        .values_list("night", flat=True)
    )
    unanswered = exposures_from(FactorAnswers())
    records = []
    for night in sorted(set(logged) | set(said)):
        count, overall = said.get(night, (0, None))
        cramps = max(logged[night], count)
        severities = tuple(scores[night])
        if not severities and overall is not None and cramps:
            severities = (float(overall),)
        day = answers.get(night)
        steps = measured.get(night, (None, None))[0]
        slept = measured.get(night - timedelta(days=1), (None, None))[1]
        if steps is not None or slept is not None:
            day = replace(day or FactorAnswers(), steps=steps, sleep_minutes_before=slept)
        exposures = exposures_from(day) if day is not None else unanswered
        records.append(
            NightRecord(
                night=night,
                cramps=cramps,
                severities=severities,
                exposures=exposures.present,
                not_recorded=exposures.not_recorded,
                program_done=night in sessions,
            )
        )
    return records


def factor_answers(
    fluid_cups: Decimal | None,
    exercise_minutes: int | None,
    exercise_intensity: str,
    exercise_in_heat: bool | None,
    sitting_hours: Decimal | None,
    footwear: str,
    alcohol_drinks: Decimal | None,
    medicine_change: bool,
) -> FactorAnswers:
    """A day's stored answers in the statistics' terms.

    "No exercise" means zero minutes whatever was typed; "hard" is the statistics' "vigorous";
    flat shoes, high heels and bare feet all count as unsupportive footwear.
    """
    minutes = 0 if exercise_intensity == Intensity.NONE else exercise_minutes
    return FactorAnswers(
        fluid_cups=None if fluid_cups is None else float(fluid_cups),
        exercise_minutes=minutes,
        exercise_intensity=_INTENSITY.get(Intensity(exercise_intensity))
        if exercise_intensity
        else None,
        exercise_in_heat=exercise_in_heat,
        sitting_hours=None if sitting_hours is None else float(sitting_hours),
        unsupportive_footwear=None if not footwear else footwear != "supportive",
        alcohol_drinks=None if alcohol_drinks is None else float(alcohol_drinks),
        new_medicine=medicine_change,
    )
