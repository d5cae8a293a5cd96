"""Tonight's session (start, save progress as it goes, finish) and adherence, kindly counted.

A session belongs to a night (the evening's date in the person's zone, as the diary counts it), so
a routine started at 23:50 and finished at 00:10 is one night's session. Progress is saved on
the server at every step so a reload or a dropped connection resumes where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from crampcare.programs.hold import check_not_held
from crampcare.programs.models import SCORE_MAX, Program, Session
from crampcare.programs.plan import PlanItem, session_items
from crampcare.programs.progression import PAINFUL_FROM, nights_per_week
from crampcare.programs.services import NoProgram, advance_program, tonight

if TYPE_CHECKING:
    from crampcare.accounts.models import User

PlayerPhase = Literal["ready", "hold", "rest", "reps", "switch", "done"]


class SessionProgress(BaseModel):
    """Where the player is: the step in its timeline and, for people reading the record, the
    exercise, set, repetition and side, the phase and the seconds left in it."""

    model_config = ConfigDict(extra="forbid")

    step: int = Field(ge=0, le=5000)
    item: int = Field(ge=0, le=100)
    set: int = Field(default=1, ge=1, le=20)
    rep: int = Field(default=1, ge=1, le=100)
    side: int = Field(default=1, ge=1, le=2)
    phase: PlayerPhase
    remaining: float = Field(ge=0, le=3600)
    paused: bool = False
    # Exercises (by number) the clock ran on, rather than skipped past.
    played: list[int] = Field(default_factory=list, max_length=100)


# A session finished on a phone without a connection is sent when it is back, with the time it
# happened (``at``): as late as this, and a clock this far ahead of ours is taken as now.
LATEST_REPORT = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)


def reported_time(at: datetime | None, now: datetime | None = None) -> datetime:
    """When something sent later happened (``at``, from the device), or now when not given.

    The session then belongs to the night it happened in, not the night it arrived in.
    """
    now = now or timezone.now()
    if at is None:
        return now
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError({"at": _("Give the time with its time zone.")})
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": _("cannot be in the future")})
    if at < now - LATEST_REPORT:
        raise ValidationError(
            {
                "at": _(
                    "is more than %(days)d days ago: a session that old cannot be logged any more."
                )
                % {"days": LATEST_REPORT.days}
            }
        )
    return min(at, now)


def night_index(program: Program, night: date) -> int:
    return max(0, (night - program.started_on).days)


def items_for_night(program: Program, night: date) -> tuple[PlanItem, ...]:
    """The bedtime items planned for ``night`` (alternate-night extras on every other night)."""
    return session_items(program.get_plan(), night_index(program, night))


def session_items_of(session: Session) -> list[PlanItem]:
    return [PlanItem.model_validate(item) for item in session.items]


def tonight_session(user: User, now: datetime | None = None) -> Session | None:
    return Session.objects.for_user(user).filter(night=tonight(user, now)).first()


def start_session(user: User, *, now: datetime | None = None) -> Session:
    """Tonight's session, started now if it was not already (starting twice is harmless). The
    weekly steps due are recorded first, so the session counts for the week it is."""
    now = now or timezone.now()
    program = advance_program(user, now)
    if program is None:
        raise NoProgram
    check_not_held(user)  # no exercise after a red flag until a clinician has checked (P15)
    night = tonight(user, now)
    existing = Session.objects.for_user(user).filter(night=night).first()
    if existing is not None:
        return existing
    items = [item.model_dump(mode="json") for item in items_for_night(program, night)]
    try:
        with transaction.atomic():
            return Session.objects.create(
                owner=user,
                program=program,
                night=night,
                week=program.week,
                items=items,
                started_at=now,
            )
    except IntegrityError:
        # Two tabs started at once: both get the one session.
        return Session.objects.for_user(user).get(night=night)


def save_progress(user: User, progress: dict[str, Any], *, now: datetime | None = None) -> Session:
    """Store where the player is. A finished session keeps its final record."""
    try:
        parsed = SessionProgress.model_validate(progress)
    except PydanticValidationError as error:
        raise ValidationError(
            {
                "progress." + ".".join(str(p) for p in problem["loc"]): problem["msg"]
                for problem in error.errors()
            }
        ) from None
    with transaction.atomic():  # a session started here is not kept if the progress is wrong
        session = start_session(user, now=now)
        if session.done:
            return session
        count = max(1, len(session.items))
        if parsed.item >= count or any(not 0 <= i < count for i in parsed.played):
            raise ValidationError(
                {"progress.item": _("There is no exercise with that number tonight.")}
            )
        session.progress = {**parsed.model_dump(mode="json"), "saved_at": _iso(now)}
        if parsed.phase == "done":
            # The last step is reached: the night counts at once, before "How did it feel?",
            # so a reload, a closed tab or a lost connection cannot lose it. Skipping every
            # exercise is recorded as skipped, not done.
            session.skipped = not parsed.played
            if not session.skipped:
                session.completed_at = now or timezone.now()
        session.save()
    return session


def finish_session(
    user: User, *, difficulty: int, pain: int, now: datetime | None = None
) -> Session:
    """Log tonight's session with how it felt (0-10 each). Finishing again updates the ratings."""
    errors = {}
    for name, value in (("difficulty", difficulty), ("pain", pain)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SCORE_MAX:
            errors[name] = _("Choose a number from 0 to 10.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        session = start_session(user, now=now)
        session.completed_at = session.completed_at or now
        session.skipped = False
        session.difficulty = difficulty
        session.pain = pain
        session.progress = {**session.progress, "phase": "done", "remaining": 0}
        session.save()
    return session


def was_painful(session: Session) -> bool:
    return session.pain is not None and session.pain >= PAINFUL_FROM


# -- adherence ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightMark:
    night: date
    done: bool
    tonight: bool
    future: bool


@dataclass(frozen=True)
class WeekRecord:
    week: int
    done: int
    planned: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.planned)) if self.planned else 0


@dataclass(frozen=True)
class Adherence:
    nights_done: int
    streak: int
    tonight_done: bool
    this_week: WeekRecord
    nights: tuple[NightMark, ...]
    weeks: tuple[WeekRecord, ...]

    @property
    def message(self) -> str:
        """A kind line: progress is celebrated, a missed night is never called a failure."""
        if self.tonight_done:
            return _("Tonight’s stretches are done. Sleep well.")
        if self.streak >= 2:
            return ngettext(
                "%(count)d night in a row. Keep it going tonight.",
                "%(count)d nights in a row. Keep it going tonight.",
                self.streak,
            ) % {"count": self.streak}
        if self.nights_done == 0:
            return _("Tonight is your first night. A few minutes is all it takes.")
        return _(
            "Every night you stretch counts. Missed a night? That is normal: pick it up tonight."
        )

    @property
    def week_text(self) -> str:
        return ngettext(
            "%(done)d of %(planned)d night this week",
            "%(done)d of %(planned)d nights this week",
            self.this_week.planned,
        ) % {"done": self.this_week.done, "planned": self.this_week.planned}


def adherence(user: User, program: Program, now: datetime | None = None) -> Adherence:
    """Nights completed, this week's share of the weekly goal, the current streak, and each past
    week, from one query."""
    night = tonight(user, now)
    rows = list(
        Session.objects.for_user(user)
        .filter(program=program, completed_at__isnull=False)
        .values_list("night", "week")
    )
    done_nights = {row[0] for row in rows}
    per_week: dict[int, int] = {}
    for _night, week in rows:
        per_week[week] = per_week.get(week, 0) + 1
    planned = nights_per_week(program.get_plan())
    start = night if night in done_nights else night - timedelta(days=1)
    streak = 0
    while start - timedelta(days=streak) in done_nights:
        streak += 1
    marks = tuple(
        NightMark(
            night=day,
            done=day in done_nights,
            tonight=day == night,
            future=day > night,
        )
        for day in (program.week_started_on + timedelta(days=n) for n in range(7))
    )
    weeks = tuple(
        WeekRecord(week=week, done=min(7, per_week.get(week, 0)), planned=planned)
        for week in range(1, program.week)
    )
    return Adherence(
        nights_done=len(done_nights),
        streak=streak,
        tonight_done=night in done_nights,
        this_week=WeekRecord(
            week=program.week, done=min(7, per_week.get(program.week, 0)), planned=planned
        ),
        nights=marks,
        weeks=weeks,
    )


def _iso(now: datetime | None) -> str:
    return (now or timezone.now()).isoformat()


# -- tonight at a glance --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tonight:
    """What the today page and the home page show: tonight's routine, its session, adherence."""

    program: Program
    night: date
    items: tuple[PlanItem, ...]
    session: Session | None
    adherence: Adherence

    @property
    def seconds(self) -> int:
        return sum(item.seconds for item in self.items)

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))

    @property
    def started(self) -> bool:
        return self.session is not None and bool(self.session.progress) and not self.session.done

    @property
    def done(self) -> bool:
        return self.session is not None and self.session.done

    @property
    def rated(self) -> bool:
        """Done and "How did it feel?" answered."""
        return self.done and self.session is not None and self.session.rated

    @property
    def skipped(self) -> bool:
        return self.session is not None and self.session.skipped and not self.session.done


def tonight_overview(user: User, program: Program, now: datetime | None = None) -> Tonight:
    night = tonight(user, now)
    session = Session.objects.for_user(user).filter(night=night).first()
    if session is not None and session.items:
        items = tuple(session_items_of(session))
    else:
        items = items_for_night(program, night)
    return Tonight(
        program=program,
        night=night,
        items=items,
        session=session,
        adherence=adherence(user, program, now),
    )
