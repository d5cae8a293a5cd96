"""Population outcomes for an organisation's admins: how its members are doing, as a group.

Only an admin of the organisation gets them, through the aggregate door
(``accounts.population.population_read``, allowed by ``care.access.population_members``),
which records the read once in the organisation's audit trail. The numbers are computed in the
database, two statements whatever the number of members, each answering one row; no person's
rows are loaded. Every number that describes fewer than ten people is hidden
(``care.suppression``).

Definitions (docs/care.md, "Population outcomes"), all in UTC dates:

- **enrolled**: the organisation's members (role member);
- **active this week**: logged a cramp or a morning check-in for one of the last 7 nights
  (tonight included), or finished a stretching session on one of them;
- **this week's adherence**: as the program page counts it (``programs.sessions.adherence``):
  the sessions finished in the program's current week, out of the nights planned (7 a week in
  the six-week program, 5 when keeping it up), in bands;
- **change in cramps per night**: for each member whose sixth program week is over, cramps per
  recorded night in week 6 (nights 36 to 42 of the program) minus the same in the two weeks
  before the first night (the baseline); a night's cramps are counted as the diary and insights
  count them (the larger of the check-in's count and the cramps logged one by one), and a
  night with neither is not recorded. A person counts when at least half of each window's
  nights are recorded (7 of 14, 4 of 7). Negative is fewer cramps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crampcare.accounts.ownership import ReadRefused
from crampcare.accounts.population import Population, population_read
from crampcare.care.models import Organisation
from crampcare.care.suppression import SMALLEST_GROUP, hide_small
from crampcare.diary.models import CrampEpisode, NightCheckin
from crampcare.programs.models import Phase, Program, Session
from crampcare.programs.progression import NIGHTS_PER_WEEK

# Active: a record for any of the last ACTIVE_NIGHTS nights or tonight.
ACTIVE_NIGHTS = 7
# The baseline: the 14 nights before the program's first night. Week 6: nights 36 to 42.
BASELINE_FIRST, BASELINE_LAST = -14, -1
WEEK6_FIRST, WEEK6_LAST = 35, 41
# At least half of each window's nights recorded.
MIN_BASELINE_NIGHTS, MIN_WEEK6_NIGHTS = 7, 4

CHART_ROW = 60  # px: a label line and a bar under it
HIDDEN = gettext_lazy("fewer than 10 people — hidden to protect privacy")


@dataclass(frozen=True)
class Band:
    key: str
    label: str | Promise
    people: int | None  # None: hidden


@dataclass(frozen=True)
class CrampChange:
    """The per-person change in cramps per night, baseline to week 6 (negative: fewer)."""

    people: int | None  # how many people it is made from; None: hidden
    median: float | None  # None: hidden (fewer than 10 people measured)
    lower_quartile: float | None
    upper_quartile: float | None

    @property
    def shown(self) -> bool:
        return self.median is not None

    @property
    def size(self) -> float:
        """The median change without its sign, for a sentence that says fewer or more."""
        return abs(self.median or 0.0)


@dataclass(frozen=True)
class Outcomes:
    organisation: Organisation
    as_of: date
    enrolled: int | None
    active: int | None
    bands: tuple[Band, ...]
    change: CrampChange

    @property
    def bands_shown(self) -> tuple[Band, ...]:
        return tuple(band for band in self.bands if band.people is not None)

    @property
    def largest_band(self) -> Band | None:
        """The band with the most people among those shown (None when all are hidden)."""
        return max(self.bands_shown, key=lambda band: band.people or 0, default=None)

    def chart(self) -> list[tuple[Band, int, int]]:
        """Each band with the width of its bar (percent of the widest) and its row's top (px)."""
        widest = max((band.people or 0 for band in self.bands), default=0)
        return [
            (band, round(100 * (band.people or 0) / widest) if widest else 0, CHART_ROW * index)
            for index, band in enumerate(self.bands)
        ]

    @property
    def chart_height(self) -> int:
        return CHART_ROW * len(self.bands)


BANDS: tuple[tuple[str, str | Promise], ...] = (
    ("no_program", gettext_lazy("no program yet")),
    ("none", gettext_lazy("0% of planned nights")),
    ("low", gettext_lazy("1–49%")),
    ("middle", gettext_lazy("50–79%")),
    ("high", gettext_lazy("80–100%")),
)


def organisation_outcomes(
    actor: Any, organisation_id: int, *, now: datetime | None = None, origin: str = ""
) -> Outcomes:
    """The outcomes of one organisation, for one of its admins; 404 alike for anyone else and
    for an organisation that does not exist. The read is recorded once (who, which
    organisation, when, from where) in the organisation's audit trail."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("No such organisation."))
    try:
        population = population_read(actor, organisation, what="outcomes", origin=origin)
    except ReadRefused as exc:
        raise Http404(_("No such organisation.")) from exc
    today = (now or timezone.now()).astimezone(UTC).date()
    with transaction.atomic():
        _tune(population)
        enrolled, active, *bands = _counts(population, today)
        measured, median, lower, upper = _cramp_change(population, today)
    return _suppressed(
        organisation, today, enrolled, active, bands, measured, (lower, median, upper)
    )


def _tune(population: Population) -> None:
    """On PostgreSQL, for these two statements only (``SET LOCAL``, in their transaction): no
    JIT compilation, which costs more than it saves on a statement run once (a second or more
    at 100,000 members), and room to group a few hundred thousand nights in memory."""
    if population.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")


def _suppressed(
    organisation: Organisation,
    today: date,
    enrolled: int,
    active: int,
    bands: list[int],
    measured: int,
    quartiles: tuple[float | None, float | None, float | None],
) -> Outcomes:
    """Hide every number about fewer than ten people, and what would give one back."""
    big_enough = enrolled >= SMALLEST_GROUP
    shown_bands = hide_small(bands) if big_enough else [None] * len(bands)
    lower, median, upper = quartiles if measured >= SMALLEST_GROUP else (None, None, None)
    return Outcomes(
        organisation=organisation,
        as_of=today,
        enrolled=enrolled if big_enough else None,
        active=hide_small([active, enrolled - active])[0] if big_enough else None,
        bands=tuple(
            Band(key, label, people)
            for (key, label), people in zip(BANDS, shown_bands, strict=True)
        ),
        change=CrampChange(
            people=hide_small([measured, enrolled - measured])[0] if big_enough else None,
            median=_rounded(median),
            lower_quartile=_rounded(lower),
            upper_quartile=_rounded(upper),
        ),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# -- the two statements -----------------------------------------------------------------------


def _tables() -> dict[str, str]:
    return {
        "cramps": CrampEpisode._meta.db_table,
        "checkins": NightCheckin._meta.db_table,
        "sessions": Session._meta.db_table,
        "programs": Program._meta.db_table,
    }


def _materialized(population: Population) -> str:
    """PostgreSQL would otherwise copy a CTE's scalar subquery into every place it is used."""
    return "MATERIALIZED" if population.vendor == "postgresql" else ""


def _counts(population: Population, today: date) -> list[int]:
    """Enrolled, active this week, and the members in each adherence band (``BANDS``'s order).

    A band follows ``programs.sessions.WeekRecord.percent`` (round(100 × done / planned)): 1%
    or more is any night done; 50% or more is 100 × done / planned ≥ 49.5, i.e. 200 × done ≥
    99 × planned; 80% or more is 200 × done ≥ 159 × planned (no week of 5 or 7 nights lands on a
    half, so rounding never decides). Each member is one probe per table on its (owner, night)
    index, and one on the sessions' (program, week) index."""
    since = today - timedelta(days=ACTIVE_NIGHTS)
    tables = _tables()
    maintenance, program_nights = NIGHTS_PER_WEEK["maintenance"], NIGHTS_PER_WEEK["program"]
    sql = f"""
        WITH person AS {_materialized(population)} (
            SELECT
                p.id AS program_id,
                CASE WHEN p.phase = %s THEN {maintenance} ELSE {program_nights} END AS planned,
                (SELECT COUNT(*) FROM {tables["sessions"]} s
                    WHERE s.program_id = p.id AND s.week = p.week
                    AND s.completed_at IS NOT NULL) AS done,
                CASE WHEN EXISTS (SELECT 1 FROM {tables["cramps"]} e
                        WHERE e.owner_id = m.user_id AND e.night >= %s)
                    OR EXISTS (SELECT 1 FROM {tables["checkins"]} c
                        WHERE c.owner_id = m.user_id AND c.night >= %s)
                    OR EXISTS (SELECT 1 FROM {tables["sessions"]} s
                        WHERE s.owner_id = m.user_id AND s.night >= %s
                        AND s.completed_at IS NOT NULL)
                    THEN 1 ELSE 0 END AS active
            FROM ({{owners}}) m
            LEFT JOIN {tables["programs"]} p ON p.owner_id = m.user_id
        )
        SELECT
            COUNT(*),
            COALESCE(SUM(active), 0),
            COALESCE(SUM(CASE WHEN program_id IS NULL THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN program_id IS NOT NULL AND done = 0 THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN done > 0 AND 200 * done < 99 * planned
                THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN 200 * done >= 99 * planned AND 200 * done < 159 * planned
                THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN done > 0 AND 200 * done >= 159 * planned
                THEN 1 ELSE 0 END), 0)
        FROM person
    """  # noqa: S608 - names from the models, numbers from constants
    row = population.one_row(sql, [Phase.MAINTENANCE.value, since, since, since])
    return [int(value) for value in row]


def _shifted(vendor: str, column: str, days: int) -> str:
    """SQL for the date ``days`` after the date in ``column``."""
    if vendor == "postgresql":
        return f"({column} + {days})"
    return f"date({column}, '{days:+d} days')"


def _cramp_change(
    population: Population, today: date
) -> tuple[int, float | None, float | None, float | None]:
    """How many members are measured, and the median, lower and upper quartile of their change
    in cramps per night (linear interpolation between ordered values, as PostgreSQL's
    ``percentile_cont``). Each window of each person is one range on the (owner, night) index
    of the check-ins and of the cramps: the work grows with the people measured, not with how
    long the diary goes back."""
    vendor = population.vendor
    tables = _tables()

    def window(first: int, last: int, column: str) -> str:
        low = _shifted(vendor, "prog.started_on", first)
        high = _shifted(vendor, "prog.started_on", last)
        return f"{column} BETWEEN {low} AND {high}"

    windows = ((BASELINE_FIRST, BASELINE_LAST), (WEEK6_FIRST, WEEK6_LAST))
    checkins = "\n UNION ALL \n".join(
        f"""SELECT c.owner_id, c.night, c.cramp_count, prog.started_on
            FROM prog JOIN {tables["checkins"]} c
                ON c.owner_id = prog.owner_id AND {window(first, last, "c.night")}"""  # noqa: S608 - names from the models
        for first, last in windows
    )
    cramp_nights = "\n UNION ALL \n".join(
        f"""SELECT e.owner_id, e.night, COUNT(*) AS cramps, prog.started_on
            FROM prog JOIN {tables["cramps"]} e
                ON e.owner_id = prog.owner_id AND {window(first, last, "e.night")}
            GROUP BY e.owner_id, e.night, prog.started_on"""  # noqa: S608 - names from the models
        for first, last in windows
    )

    def split(value: str, night: str) -> str:
        """The sums of ``value`` before the program and in week 6."""
        return (
            f"SUM(CASE WHEN {night} < started_on THEN {value} ELSE 0 END) AS before_{{0}}, "
            f"SUM(CASE WHEN {night} >= started_on THEN {value} ELSE 0 END) AS after_{{0}}"
        )

    # A night's cramps are the larger of the check-in's count and the cramps logged one by one:
    # the check-ins' sums, plus what the cramps logged on a night add beyond its check-in (all of
    # them, and one more night, when it has none).
    beyond = "CASE WHEN cramps > COALESCE(said, 0) THEN cramps - COALESCE(said, 0) ELSE 0 END"
    unchecked = "CASE WHEN said IS NULL THEN 1 ELSE 0 END"
    people = f"""
        WITH prog AS {_materialized(population)} (
            SELECT p.owner_id, p.started_on FROM {tables["programs"]} p
            WHERE p.owner_id IN ({{owners}}) AND p.started_on <= %s
        ),
        windowed AS {_materialized(population)} ({checkins}),
        cramp_nights AS {_materialized(population)} ({cramp_nights}),
        checked AS (
            SELECT owner_id, {split("cramp_count", "night").format("cramps")},
                {split("1", "night").format("nights")}
            FROM windowed
            GROUP BY owner_id
        ),
        logged AS (
            SELECT n.owner_id, {split(beyond, "n.night").format("cramps")},
                {split(unchecked, "n.night").format("nights")}
            FROM (
                SELECT e.owner_id, e.night, e.cramps, e.started_on, c.cramp_count AS said
                FROM cramp_nights e
                LEFT JOIN windowed c ON c.owner_id = e.owner_id AND c.night = e.night
            ) n
            GROUP BY n.owner_id
        ),
        totals AS (
            SELECT
                COALESCE(k.before_cramps, 0) + COALESCE(l.before_cramps, 0) AS before_cramps,
                COALESCE(k.before_nights, 0) + COALESCE(l.before_nights, 0) AS before_nights,
                COALESCE(k.after_cramps, 0) + COALESCE(l.after_cramps, 0) AS after_cramps,
                COALESCE(k.after_nights, 0) + COALESCE(l.after_nights, 0) AS after_nights
            FROM prog
            LEFT JOIN checked k ON k.owner_id = prog.owner_id
            LEFT JOIN logged l ON l.owner_id = prog.owner_id
        ),
        person AS (
            SELECT CAST(after_cramps AS DOUBLE PRECISION) / after_nights
                - CAST(before_cramps AS DOUBLE PRECISION) / before_nights AS change
            FROM totals
            WHERE before_nights >= %s AND after_nights >= %s
        )
    """  # noqa: S608 - names from the models, numbers from constants
    params = [today - timedelta(days=WEEK6_LAST + 1), MIN_BASELINE_NIGHTS, MIN_WEEK6_NIGHTS]
    if vendor == "postgresql":
        final = """
            SELECT COUNT(*),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY change),
                percentile_cont(0.25) WITHIN GROUP (ORDER BY change),
                percentile_cont(0.75) WITHIN GROUP (ORDER BY change)
            FROM person
        """
    else:
        final = f"""
            , ranked AS (
                SELECT change, ROW_NUMBER() OVER (ORDER BY change) - 1 AS i,
                    COUNT(*) OVER () AS n
                FROM person
            )
            SELECT COALESCE(MAX(n), 0), {_at(0.5)}, {_at(0.25)}, {_at(0.75)} FROM ranked
        """  # noqa: S608 - constants only
    measured, median, lower, upper = population.one_row(people + final, params)
    return int(measured), median, lower, upper


def _at(fraction: float) -> str:
    """The ``fraction`` quantile of ``ranked`` (rows ``i`` = 0 … n − 1, ordered), interpolated
    linearly between the two values around position fraction × (n − 1)."""
    position = f"({fraction} * (n - 1))"
    low = f"CAST({position} AS INTEGER)"
    weight = f"({position} - {low})"
    return (
        f"SUM(CASE WHEN i = {low} THEN change * (1 - {weight}) "
        f"WHEN i = {low} + 1 THEN change * {weight} ELSE 0 END)"
    )
