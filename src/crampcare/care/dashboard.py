"""A clinician's dashboard: one row per person in their care, with what needs their attention.

Each row has the person's latest triage, their cramps a night over the last four weeks, this
program week's sessions against the plan, their last activity and the flags that need a look:

- **new red flag**: an urgent or emergency check saved since the clinician last opened the
  person's page, or in the last 7 days when they never have;
- **program on hold**: the program is held after a red flag (``programs.hold``'s rule);
- **getting worse**: this week's cramps a night are up on the three weeks before (``worsening``);
- **painful sessions**: a session of the last 7 nights rated 5 or more out of 10 for pain;
- **silent**: nothing recorded (cramp, check-in, session or assessment) for 7 days.

Everything is read through the batch door (``for_readers``) of the apps' read services: a fixed
number of queries however many people, one audit record per person and kind of record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.schema import TriageLevel, result_status
from crampcare.care import services
from crampcare.care.models import CareRelationship
from crampcare.core.nights import local_day, night_of
from crampcare.core.stats.messages import number
from crampcare.diary import services as diary
from crampcare.programs import caseload
from crampcare.programs.hold import held_by
from crampcare.programs.progression import PAINFUL_FROM

WEEKS = 4
WEEK = 7
SILENT_DAYS = 7
NEW_RED_FLAG_DAYS = 7
# "Getting worse": this week has enough nights to say so, and is clearly up on the weeks before.
WORSE_MIN_NIGHTS = 3  # recorded nights this week, and in the three weeks before together
WORSE_MIN_RISE = 0.5  # cramps a night more than before
WORSE_MIN_RATIO = 1.5  # and at least half as many again

# The flags, most pressing first: the order of the page's badges and the weight of each in the
# default sort.
FLAG_KINDS: dict[str, Promise] = {
    "red_flag": gettext_lazy("New red flag"),
    "held": gettext_lazy("Program on hold"),
    "worsening": gettext_lazy("Getting worse"),
    "painful": gettext_lazy("Painful sessions"),
    "silent": gettext_lazy("Silent for a week"),
}
_WEIGHT = {kind: 2 ** (len(FLAG_KINDS) - place) for place, kind in enumerate(FLAG_KINDS)}

TRIAGE_LABELS: dict[str, Promise] = {
    "emergency": gettext_lazy("Emergency"),
    "urgent": gettext_lazy("See a doctor today"),
    "see_doctor": gettext_lazy("See a doctor soon"),
    "self_care": gettext_lazy("Self-care"),
    "incomplete": gettext_lazy("Incomplete"),
}
_TRIAGE_RANK = {level.value: level.rank for level in TriageLevel}

SORTS: dict[str, Promise] = {
    "attention": gettext_lazy("Needs attention first"),
    "name": gettext_lazy("Name"),
    "activity": gettext_lazy("Quiet longest first"),
    "adherence": gettext_lazy("Fewest sessions first"),
    "trend": gettext_lazy("Most worsening first"),
}
DEFAULT_SORT = "attention"


@dataclass(frozen=True)
class Flag:
    kind: str
    label: str
    detail: str


@dataclass(frozen=True)
class Week:
    """Seven nights of the trend: the last one is the week ending tonight."""

    last_night: date
    cramps: int
    nights: int  # recorded nights

    @property
    def rate(self) -> float | None:
        return self.cramps / self.nights if self.nights else None


@dataclass(frozen=True)
class Trend:
    weeks: tuple[Week, ...]  # oldest first; the last is this week

    @property
    def this_week(self) -> Week:
        return self.weeks[-1]

    @property
    def before(self) -> Week:
        """The weeks before this one, pooled."""
        earlier = self.weeks[:-1]
        return Week(
            last_night=earlier[-1].last_night,
            cramps=sum(week.cramps for week in earlier),
            nights=sum(week.nights for week in earlier),
        )

    @property
    def change(self) -> float | None:
        now, before = self.this_week.rate, self.before.rate
        return None if now is None or before is None else now - before

    @property
    def worsening(self) -> bool:
        return worsening(self)

    @property
    def text(self) -> str:
        """The sparkline in words, e.g. "2.1 a night this week, up from 1.0"."""
        now, before = self.this_week.rate, self.before.rate
        if now is None and before is None:
            return _("No nights recorded in the last 4 weeks")
        if now is None:
            return _("No nights recorded this week; %(before)s a night in the 3 weeks before") % {
                "before": number(before or 0.0)
            }
        if before is None:
            return _("%(now)s a night this week; nothing recorded before") % {"now": number(now)}
        words = {"now": number(now), "before": number(before)}
        if number(now) == number(before):
            return _("%(now)s a night this week, the same as the 3 weeks before") % words
        if now > before:
            return _("%(now)s a night this week, up from %(before)s") % words
        return _("%(now)s a night this week, down from %(before)s") % words

    def points(self, width: int = 96, height: int = 28, pad: int = 4) -> list[tuple[int, int]]:
        """Where each recorded week's dot goes on a small chart (no dot for a week with no
        recorded nights)."""
        rates = [week.rate for week in self.weeks]
        top = max([rate for rate in rates if rate is not None] + [1.0])
        step = (width - 2 * pad) / (len(rates) - 1)
        return [
            (round(pad + place * step), round(height - pad - (height - 2 * pad) * rate / top))
            for place, rate in enumerate(rates)
            if rate is not None
        ]

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points())


def worsening(trend: Trend) -> bool:
    """This week's cramps a night clearly up on the three weeks before: enough recorded nights
    in both, at least ``WORSE_MIN_RISE`` a night more and ``WORSE_MIN_RATIO`` times as many."""
    now, before = trend.this_week, trend.before
    if now.nights < WORSE_MIN_NIGHTS or before.nights < WORSE_MIN_NIGHTS:
        return False
    rate, earlier = now.cramps / now.nights, before.cramps / before.nights
    return rate - earlier >= WORSE_MIN_RISE and rate >= WORSE_MIN_RATIO * earlier


def trend_of(cramps: dict[date, int], tonight: date) -> Trend:
    """Four weeks of seven nights ending ``tonight``, from the cramps of each recorded night."""
    weeks = []
    for back in range(WEEKS - 1, -1, -1):
        last = tonight - timedelta(days=WEEK * back)
        nights = [last - timedelta(days=n) for n in range(WEEK)]
        recorded = [cramps[night] for night in nights if night in cramps]
        weeks.append(Week(last_night=last, cramps=sum(recorded), nights=len(recorded)))
    return Trend(tuple(weeks))


@dataclass(frozen=True)
class Row:
    relationship: CareRelationship
    person: User
    triage: str | None  # the latest finished check's status: a level or "incomplete"
    triage_on: date | None
    trend: Trend
    program: caseload.ProgramGlance | None
    last_activity: date | None
    flags: tuple[Flag, ...]

    @property
    def name(self) -> str:
        return str(self.person)

    @property
    def triage_label(self) -> str:
        return str(TRIAGE_LABELS.get(self.triage or "", _("No check yet")))

    @property
    def red_flag(self) -> bool:
        return self.triage in ("emergency", "urgent")

    @property
    def adherence_text(self) -> str:
        if self.program is None:
            return _("No program")
        if self.program.paused:
            return _("Paused")
        return _("%(done)d of %(planned)d") % {
            "done": self.program.done,
            "planned": self.program.planned,
        }

    @property
    def attention(self) -> int:
        return sum(_WEIGHT[flag.kind] for flag in self.flags)

    def as_json(self) -> dict[str, Any]:
        return {
            "triage": self.triage,
            "triage_on": self.triage_on,
            "cramps_per_night": [
                {"week_ending": week.last_night, "nights": week.nights, "rate": week.rate}
                for week in self.trend.weeks
            ],
            "trend": self.trend.text,
            "adherence": None
            if self.program is None
            else {
                "done": self.program.done,
                "planned": self.program.planned,
                "paused": self.program.paused,
                "week_start": self.program.week_start,
            },
            "last_activity": self.last_activity,
            "flags": [{"kind": f.kind, "label": f.label, "detail": f.detail} for f in self.flags],
        }


def _day(instant: datetime | None, person: User) -> date | None:
    return None if instant is None else local_day(instant, person.time_zone)


def _latest(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return max(known) if known else None


def _short(day: date) -> str:
    return date_format(day, "j M")


def flags_of(
    relationship: CareRelationship,
    person: User,
    *,
    trend: Trend,
    newest_red_flag_at: datetime | None,
    program: caseload.ProgramGlance | None,
    last_activity: date | None,
    now: datetime,
) -> tuple[Flag, ...]:
    """The flags of one row, most pressing first (the module's docstring says each rule)."""
    flags = []
    seen = relationship.clinician_seen_at or now - timedelta(days=NEW_RED_FLAG_DAYS)
    if newest_red_flag_at is not None and newest_red_flag_at > seen:
        flags.append(
            Flag(
                "red_flag",
                str(FLAG_KINDS["red_flag"]),
                _("An urgent or emergency check on %(day)s")
                % {"day": _short(local_day(newest_red_flag_at, person.time_zone))},
            )
        )
    if program is not None and held_by(newest_red_flag_at, program.last_clearance_at):
        flags.append(
            Flag(
                "held",
                str(FLAG_KINDS["held"]),
                _("Held after a red flag until a clinician has checked them"),
            )
        )
    if trend.worsening:
        flags.append(
            Flag(
                "worsening",
                str(FLAG_KINDS["worsening"]),
                _("%(rise)s more cramps a night than in the 3 weeks before")
                % {"rise": number(trend.change or 0.0)},
            )
        )
    if program is not None and program.painful:
        count = len(program.painful)
        flags.append(
            Flag(
                "painful",
                str(FLAG_KINDS["painful"]),
                ngettext(
                    "%(count)d session this week hurt %(from)d or more out of 10",
                    "%(count)d sessions this week hurt %(from)d or more out of 10",
                    count,
                )
                % {"count": count, "from": PAINFUL_FROM},
            )
        )
    today = local_day(now, person.time_zone)
    since = last_activity
    if since is None and relationship.accepted_at is not None:
        since = local_day(relationship.accepted_at, person.time_zone)
    if since is not None and (today - since).days >= SILENT_DAYS:
        days = (today - since).days
        detail = (
            ngettext(
                "Nothing recorded for %(days)d day", "Nothing recorded for %(days)d days", days
            )
            if last_activity is not None
            else ngettext(
                "Nothing recorded since joining %(days)d day ago",
                "Nothing recorded since joining %(days)d days ago",
                days,
            )
        ) % {"days": days}
        flags.append(Flag("silent", str(FLAG_KINDS["silent"]), detail))
    return tuple(flags)


def rows_for(
    clinician: User, relationships: Iterable[CareRelationship], now: datetime | None = None
) -> list[Row]:
    """The dashboard's rows for these relationships (the clinician's, with access), in the
    order given. Reads each app through its batch read: a fixed number of queries."""
    now = now or timezone.now()
    found = [r for r in relationships if r.person is not None]
    people = [_person_of(r) for r in found]
    if not people:
        return []
    tonight = {person.pk: night_of(now, person.time_zone) for person in people}
    start = min(tonight.values()) - timedelta(days=WEEKS * WEEK - 1)
    checks = assessments.glance_for_each(clinician, people)
    diaries = diary.glance_for_each(clinician, people, start, max(tonight.values()))
    programs = caseload.glance_for_each(clinician, people, now)
    rows = []
    for relationship, person in zip(found, people, strict=True):
        check = checks.get(person.pk)
        entries = diaries.get(person.pk)
        program = programs.get(person.pk)
        latest = check.latest if check is not None else None
        trend = trend_of(entries.cramps if entries else {}, tonight[person.pk])
        last_activity = _latest(
            _day(entries.last_cramp_at, person) if entries else None,
            entries.last_checkin_night + timedelta(days=1)
            if entries and entries.last_checkin_night
            else None,
            _day(program.last_session_at, person) if program else None,
            _day(check.last_saved_at, person) if check else None,
        )
        triage = None
        if latest is not None and latest.triage is not None:
            triage = result_status(latest.triage, (latest.result or {}).get("incomplete") or [])
        rows.append(
            Row(
                relationship=relationship,
                person=person,
                triage=triage,
                triage_on=_day(latest.created_at, person) if latest else None,
                trend=trend,
                program=program,
                last_activity=last_activity,
                flags=flags_of(
                    relationship,
                    person,
                    trend=trend,
                    newest_red_flag_at=check.newest_red_flag_at if check else None,
                    program=program,
                    last_activity=last_activity,
                    now=now,
                ),
            )
        )
    return rows


def _person_of(relationship: CareRelationship) -> User:
    assert relationship.person is not None
    return relationship.person


def _name_key(row: Row) -> tuple[str, int]:
    return (row.name.casefold(), row.person.pk)


def sort_rows(rows: Sequence[Row], sort: str) -> list[Row]:
    """The rows in the order asked for; ties by name."""
    by_name = sorted(rows, key=_name_key)
    if sort == "name":
        return by_name
    if sort == "activity":  # quiet longest first; nothing at all before anything
        return sorted(by_name, key=lambda r: r.last_activity or date.min)
    if sort == "adherence":  # fewest of the plan first; no program (nothing to do) last
        return sorted(
            by_name,
            key=lambda r: (r.program is None, r.program.percent if r.program else 0),
        )
    if sort == "trend":  # the largest rise first; no comparison last
        return sorted(by_name, key=lambda r: (r.trend.change is None, -(r.trend.change or 0.0)))
    return sorted(
        by_name,
        key=lambda r: (-r.attention, -_TRIAGE_RANK.get(r.triage or "", -1)),
    )


def filter_rows(rows: Sequence[Row], flag: str) -> list[Row]:
    """Only the flagged rows (``flag`` "any"), or those with one kind of flag; all otherwise."""
    if flag == "any":
        return [row for row in rows if row.flags]
    if flag in FLAG_KINDS:
        return [row for row in rows if any(f.kind == flag for f in row.flags)]
    return list(rows)


@dataclass(frozen=True)
class Dashboard:
    rows: list[Row]
    total: int
    sort: str
    flag: str
    flagged: int


def choice(value: str | None, allowed: Iterable[str], default: str) -> str:
    """A query-string value if it is one of ``allowed``, else the default: a hand-edited address
    gets the usual page, never an error."""
    return value if value in set(allowed) else default


def dashboard(
    clinician: User, sort: str | None = None, flag: str | None = None, now: datetime | None = None
) -> Dashboard:
    """The clinician's dashboard, sorted and filtered as asked (unknown values: the defaults)."""
    sort = choice(sort, SORTS, DEFAULT_SORT)
    flag = choice(flag, ["any", *FLAG_KINDS], "")
    rows = rows_for(clinician, services.patients(clinician), now)
    return Dashboard(
        rows=filter_rows(sort_rows(rows, sort), flag),
        total=len(rows),
        sort=sort,
        flag=flag,
        flagged=sum(1 for row in rows if row.flags),
    )
