"""Six-week progression and the maintenance plan that follows, as pure functions.

The default is the trial's dose for all six weeks: level 1 never changes on its own [R1]. Only a
plan whose person asked for progression (``Plan.progression``) steps up. Each week ends with a
:class:`WeekSummary`. :func:`next_step` turns it into a step up, a hold or a step back between the
levels of dose.LEVELS; :func:`advance` applies the step to the plan. After week 6 the person moves
to :func:`maintenance_plan`: the same routine on most nights at the last comfortable level, with a
lighter weekly check (:func:`maintenance_check`) that never steps up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crampcare.knowledge.base import Text
from crampcare.programs.catalogue import Catalogue
from crampcare.programs.dose import MAX_LEVEL, MIN_LEVEL, Days, level
from crampcare.programs.plan import Plan, generate_plan
from crampcare.programs.rules import Block

PROGRAM_WEEKS = 6
# A session rated this or higher on the 0-10 pain scale counts as painful.
PAINFUL_FROM = 5
# Adherence thresholds over the nights planned that week. On a 7-night week: 5 or more nights
# step up (5/7 = 71%), 3 or 4 hold, 2 or fewer step back (3/7 = 43%, 2/7 = 29%).
STEP_UP_FROM = 0.70
STEP_BACK_BELOW = 0.40
# Nights a week the routine is planned: every night in the program, most nights in maintenance.
NIGHTS_PER_WEEK = {"program": 7, "maintenance": 5}

Change = Literal["up", "hold", "down"]


class WeekSummary(BaseModel):
    """One week of sessions. ``max_pain`` is the highest rating given (None: none given)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    week: int = Field(ge=1)
    nights_planned: int = Field(ge=0, le=7)
    nights_done: int = Field(ge=0, le=7)
    max_pain: int | None = Field(default=None, ge=0, le=10)
    painful_sessions: int = Field(default=0, ge=0, le=7)

    @model_validator(mode="after")
    def _consistent(self) -> WeekSummary:
        if self.painful_sessions > self.nights_done:
            raise ValueError("more painful sessions than sessions done")
        if self.painful_sessions and self.max_pain is not None and self.max_pain < PAINFUL_FROM:
            raise ValueError(f"a painful session needs a pain rating of {PAINFUL_FROM} or more")
        return self

    @property
    def painful(self) -> bool:
        return self.painful_sessions > 0 or (
            self.max_pain is not None and self.max_pain >= PAINFUL_FROM
        )

    @property
    def adherence(self) -> float | None:
        """Share of planned nights done, at most 1 (None when nothing was planned: a pause)."""
        if self.nights_planned == 0:
            return None
        return min(1.0, self.nights_done / self.nights_planned)


class StepReason(StrEnum):
    PAINFUL = "painful"
    LOW_ADHERENCE = "low_adherence"
    GOOD_WEEK = "good_week"
    KEEP_GOING = "keep_going"
    TOP_LEVEL = "top_level"
    PAUSED = "paused"
    MAINTENANCE = "maintenance"
    TRIAL_DOSE = "trial_dose"


_MESSAGES = {
    StepReason.PAINFUL: Text(
        en="A session hurt (5 or more out of 10), so the next week is a step easier. Stretch to "
        "a firm pull, never to pain. If stretching keeps hurting, ask your physical therapist.",
        es="Una sesión te dolió (5 o más sobre 10), así que la próxima semana es un paso más "
        "fácil. Estira hasta notar un tirón firme, nunca hasta que duela. Si estirar te sigue "
        "doliendo, pregunta a tu fisioterapeuta.",
    ),
    StepReason.LOW_ADHERENCE: Text(
        en="This week was hard to fit in, and that is fine. The next week is a step easier, so "
        "it is quicker to do.",
        es="Esta semana ha sido difícil encontrar el momento, y no pasa nada. La próxima semana es "
        "un paso más fácil, así que se hace más rápido.",
    ),
    StepReason.GOOD_WEEK: Text(
        en="You did most nights and nothing hurt, so the next week goes one small step further.",
        es="Lo hiciste casi todas las noches y nada te dolió, así que la próxima semana avanza un "
        "pequeño paso.",
    ),
    StepReason.KEEP_GOING: Text(
        en="Keep going at the same level next week.",
        es="La próxima semana, sigue en el mismo nivel.",
    ),
    StepReason.TOP_LEVEL: Text(
        en="You are at the top level. Keep going as you are: it is the routine that counts.",
        es="Estás en el nivel más alto. Sigue así: lo que cuenta es la rutina.",
    ),
    StepReason.PAUSED: Text(
        en="No nights were planned this week, so your level stays the same.",
        es="Esta semana no había noches previstas, así que tu nivel se mantiene igual.",
    ),
    StepReason.TRIAL_DOSE: Text(
        en="You are doing the trial's routine: the same two stretches, 10 seconds, 3 times per "
        "leg, every night for six weeks. Keep going as you are. If you would like longer holds "
        "or more exercises, you can ask for them on your plan page.",
        es="Estás haciendo la rutina del ensayo: los mismos dos estiramientos, 10 segundos, "
        "3 veces en cada pierna, todas las noches durante seis semanas. Sigue así. Si quieres "
        "mantener más tiempo o hacer más ejercicios, puedes pedirlo en la página de tu plan.",
    ),
    StepReason.MAINTENANCE: Text(
        en="You are keeping up your routine at a level that feels comfortable.",
        es="Mantienes tu rutina en un nivel que te resulta cómodo.",
    ),
}


@dataclass(frozen=True)
class Step:
    level: int
    change: Change
    reason: StepReason

    @property
    def message(self) -> Text:
        return _MESSAGES[self.reason]


def _move(current: int, change: Change, reason: StepReason) -> Step:
    # At either end the level cannot move, so the step is a hold whatever was asked for; the
    # reason still says why (a painful week at level 1 still reports pain).
    target = {"up": current + 1, "hold": current, "down": current - 1}[change]
    target = max(MIN_LEVEL, min(MAX_LEVEL, target))
    actual: Change = "up" if target > current else "down" if target < current else "hold"
    return Step(level=target, change=actual, reason=reason)


def next_step(current_level: int, summary: WeekSummary, *, progression: bool) -> Step:
    """Step back after a painful week or low adherence; step up after a good week (adherence at
    least 70% and no painful session); otherwise hold.

    Only with ``progression`` (the person asked for it). Without it the dose is the trial's,
    level 1, every week: never a step up; a plan above level 1 (progression just turned off)
    goes back to it [R1]. The reason still says how the week went.
    """
    level(current_level)  # validates the range
    adherence = summary.adherence
    if not progression:
        if summary.painful:
            reason = StepReason.PAINFUL
        elif adherence is None:
            reason = StepReason.PAUSED
        elif adherence < STEP_BACK_BELOW:
            reason = StepReason.LOW_ADHERENCE
        else:
            reason = StepReason.TRIAL_DOSE
        change: Change = "down" if current_level > MIN_LEVEL else "hold"
        return Step(level=MIN_LEVEL, change=change, reason=reason)
    if summary.painful:
        return _move(current_level, "down", StepReason.PAINFUL)
    if adherence is None:
        return _move(current_level, "hold", StepReason.PAUSED)
    if adherence < STEP_BACK_BELOW:
        return _move(current_level, "down", StepReason.LOW_ADHERENCE)
    if adherence >= STEP_UP_FROM:
        if current_level == MAX_LEVEL:
            return _move(current_level, "hold", StepReason.TOP_LEVEL)
        return _move(current_level, "up", StepReason.GOOD_WEEK)
    return _move(current_level, "hold", StepReason.KEEP_GOING)


def maintenance_check(current_level: int, summary: WeekSummary, *, progression: bool) -> Step:
    """The lighter weekly check after the program: never steps up; steps back as the program
    does (pain, or low adherence so the routine is easier to keep)."""
    step = next_step(current_level, summary, progression=progression)
    if step.change == "down":
        return step
    return _move(current_level, "hold", StepReason.MAINTENANCE)


def maintenance_plan(plan: Plan) -> Plan:
    """The same routine at the plan's level, with every-night bedtime items on most nights."""
    items = tuple(
        item.model_copy(update={"dose": item.dose.model_copy(update={"days": Days.MOST})})
        if item.block is Block.BEDTIME and item.dose.days is Days.EVERY
        else item
        for item in plan.items
    )
    return plan.model_copy(update={"phase": "maintenance", "items": items})


def nights_per_week(plan: Plan) -> int:
    return NIGHTS_PER_WEEK[plan.phase]


@dataclass(frozen=True)
class Advance:
    plan: Plan
    step: Step


def advance(plan: Plan, summary: WeekSummary, catalogue: Catalogue) -> Advance:
    """Close ``plan``'s week with ``summary`` and build next week's plan.

    Weeks 1-5 progress by :func:`next_step`. After week 6, and every week in maintenance, the
    lighter :func:`maintenance_check` decides, and the plan is the maintenance plan.
    """
    if summary.week != plan.week:
        raise ValueError(f"summary is for week {summary.week}, the plan is week {plan.week}")
    in_program = plan.phase == "program" and plan.week < PROGRAM_WEEKS
    check = next_step if in_program else maintenance_check
    step = check(plan.level, summary, progression=plan.progression)
    following = generate_plan(
        plan.profile,
        catalogue,
        plan.week + 1,
        level=step.level,
        swaps=plan.swaps,
        progression=plan.progression,
        adjustments=plan.adjustments,
    )
    if not in_program:
        following = maintenance_plan(following)
    return Advance(plan=following, step=step)
