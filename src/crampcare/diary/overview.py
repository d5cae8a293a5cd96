"""Reading the diary night by night, for the diary pages (the statistics' read model, which
also reads the program's sessions, is ``crampcare.insights.nights``).

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
from typing import TYPE_CHECKING

from crampcare.accounts.models import User
from crampcare.core.nights import check_in_night, nights_in_range
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

BACKFILL_NIGHTS = 14


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
