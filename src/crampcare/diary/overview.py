"""Reading the diary night by night, for the diary pages and for the statistics.

How many cramps a night had: the check-in and the logged cramps can disagree (someone logs two
cramps at 3 a.m., then taps "1" in the morning). We count the larger of the two, because each
logged cramp certainly happened and a check-in may count more cramps than were logged one by one.
A night with neither a check-in nor a logged cramp is *not recorded*: unknown, not cramp-free.

Every function here runs a fixed number of queries (one per table) whatever the range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from crampcare.accounts.models import User
from crampcare.core.nights import check_in_night, nights_in_range
from crampcare.core.stats import DailyFactors as FactorAnswers
from crampcare.core.stats import Intensity as StatsIntensity
from crampcare.core.stats import NightRecord, exposures_from
from crampcare.diary.models import CrampEpisode, DailyFactors, Intensity, NightCheckin
from crampcare.programs.models import Session

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

BACKFILL_NIGHTS = 14

_INTENSITY = {
    Intensity.LIGHT: StatsIntensity.LIGHT,
    Intensity.MODERATE: StatsIntensity.MODERATE,
    Intensity.INTENSE: StatsIntensity.VIGOROUS,
}


@dataclass(frozen=True, slots=True)
class DiaryNight:
    """One night on the diary page, with the factors of the day that led into it."""

    night: date
    checkin: NightCheckin | None
    episodes: tuple[CrampEpisode, ...]
    factors: DailyFactors | None

    @property
    def recorded(self) -> bool:
        return self.checkin is not None or bool(self.episodes)

    @property
    def cramps(self) -> int | None:
        """Cramps that night (see the module docstring), or None when nothing was recorded."""
        if not self.recorded:
            return None
        return max(len(self.episodes), self.checkin.cramp_count if self.checkin else 0)

    @property
    def morning(self) -> date:
        return self.night + timedelta(days=1)

    @property
    def counted_not_listed(self) -> int:
        """Cramps the morning check-in counted beyond those logged one by one (and listed)."""
        return max(0, (self.cramps or 0) - len(self.episodes))


def diary_nights(actor: AnyUser, subject: User, start: date, end: date) -> list[DiaryNight]:
    """Every night from ``start`` to ``end`` (newest first), recorded or not. Three queries."""
    nights = nights_in_range(start, end)
    by_night: dict[date, list[CrampEpisode]] = defaultdict(list)
    for episode in CrampEpisode.objects.for_reader(actor, subject).filter(
        night__range=(start, end)
    ):
        by_night[episode.night].append(episode)
    checkins = {
        c.night: c
        for c in NightCheckin.objects.for_reader(actor, subject).filter(night__range=(start, end))
    }
    days = {
        f.date: f
        for f in DailyFactors.objects.for_reader(actor, subject).filter(date__range=(start, end))
    }
    return [
        DiaryNight(
            night=night,
            checkin=checkins.get(night),
            # Oldest first within a night reads like the night went.
            episodes=tuple(sorted(by_night[night], key=lambda e: e.started_at)),
            factors=days.get(night),
        )
        for night in reversed(nights)
    ]


def nights_for(actor: AnyUser, subject: User, start: date, end: date) -> list[NightRecord]:
    """The recorded nights from ``start`` to ``end``, oldest first, ready for the statistics.

    ``exposures`` come from the factors of the night's own date (the day before the sleep).
    ``severities`` are the pain scores of the logged cramps; when none was scored, the
    check-in's overall score stands for the night. ``program_done`` says whether a program
    session was finished that evening. Four queries whatever the range, and no model
    instances, so ten years of diary stay fast.
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


def backfill_nights(user: User, last: date, count: int = BACKFILL_NIGHTS) -> list[DiaryNight]:
    """The nights that can be missing, newest first: the ``count`` nights up to and including
    ``last``, but none before the diary began (see :func:`diary_began`)."""
    nights = diary_nights(user, user, last - timedelta(days=count - 1), last)
    began = diary_began(user, nights)
    return [n for n in nights if n.night >= began]


def diary_began(user: User, nights: list[DiaryNight]) -> date:
    """The first night a person could have recorded: the night a morning check-in asked about
    when their account was created (the one before the day they joined), or an earlier night
    they recorded anyway (an import, a backfilled night). Nights before it are never
    "missing", so a brand-new account is not asked to fill in two weeks it never had."""
    joined = check_in_night(user.date_joined, user.time_zone)
    recorded = [n.night for n in nights if n.recorded or n.factors is not None]
    return min([joined, *recorded])


def missing_nights(user: User, nights: list[DiaryNight], last: date) -> int:
    """How many of the nights that can be backfilled (up to ``last``) have nothing recorded."""
    window = [n for n in nights if last - timedelta(days=BACKFILL_NIGHTS) < n.night <= last]
    began = diary_began(user, window)
    return sum(1 for n in window if n.night >= began and not n.recorded)


@dataclass(frozen=True, slots=True)
class DiaryWeek:
    """Seven nights of the diary page (newest first), with simple tallies (no statistics)."""

    nights: tuple[DiaryNight, ...]

    @property
    def first(self) -> date:
        return self.nights[-1].night

    @property
    def last(self) -> date:
        return self.nights[0].night

    @property
    def recorded(self) -> int:
        return sum(1 for night in self.nights if night.recorded)

    @property
    def cramp_free(self) -> int:
        return sum(1 for night in self.nights if night.cramps == 0)

    @property
    def cramps(self) -> int:
        return sum(night.cramps or 0 for night in self.nights)


def in_weeks(nights: list[DiaryNight]) -> list[DiaryWeek]:
    """Split newest-first nights into weeks ending on the newest night."""
    return [DiaryWeek(tuple(nights[i : i + 7])) for i in range(0, len(nights), 7)]
