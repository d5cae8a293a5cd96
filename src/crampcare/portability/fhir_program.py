"""The nightly program as a FHIR CarePlan, with the Goal it works towards.

One activity per exercise of the plan: the exercise's id and name (a crampcare code system), a
link to its page in the exercise library (``instantiatesUri``), the dose in words and when:
bedtime exercises at the person's bedtime every night, every other night or on most nights (5 a
week, when keeping it up), daytime ones once a day. An exercise the care team has put on hold is
listed as on hold. The Goal is the program's aim: fewer nights with cramps, in six weeks.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.goal import Goal, GoalTarget
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.timing import Timing, TimingRepeat

from crampcare.accounts.models import User
from crampcare.portability import fhir_codes as codes
from crampcare.portability.fhir_resources import (
    concept,
    day_time,
    own,
    reference,
    resource_id,
)
from crampcare.programs import services as programs
from crampcare.programs.display import days_text, dose_text
from crampcare.programs.dose import Days
from crampcare.programs.models import Program
from crampcare.programs.plan import PlanItem
from crampcare.programs.rules import Block

PROGRAM_WEEKS = 6


def program_resources(user: User, patient_uuid: str) -> Iterator[tuple[str, CarePlan | Goal]]:
    program = programs.current_program(user, user)
    if program is None:
        return
    goal_uuid = resource_id(user, "goal", "fewer-cramp-nights")
    yield goal_uuid, _goal(program, goal_uuid, patient_uuid)
    plan_uuid = resource_id(user, "careplan", program.pk)
    yield plan_uuid, _care_plan(program, plan_uuid, patient_uuid, goal_uuid)


def _goal(program: Program, goal_uuid: str, patient_uuid: str) -> Goal:
    return Goal(
        id=goal_uuid,
        lifecycleStatus="active",
        description=CodeableConcept(text="Fewer nights with leg cramps"),
        subject=reference(patient_uuid),
        startDate=program.started_on,
        target=[
            GoalTarget(
                measure=own("cramp-nights"),
                dueDate=program.started_on + timedelta(weeks=PROGRAM_WEEKS),
            )
        ],
    )


def _care_plan(program: Program, plan_uuid: str, patient_uuid: str, goal_uuid: str) -> CarePlan:
    plan = program.get_plan()
    return CarePlan(
        id=plan_uuid,
        status="on-hold" if program.paused else "active",
        intent="plan",
        title="Nightly stretches for leg cramps",
        description=(
            "Calf and hamstring stretches just before sleep, every night for six weeks, with "
            "the other exercises of the plan."
        ),
        subject=reference(patient_uuid),
        period=Period(start=day_time(program.started_on)),
        created=program.created_at,
        goal=[reference(goal_uuid)],
        activity=[CarePlanActivity(detail=_detail(program, item)) for item in plan.items],
    )


def _detail(program: Program, item: PlanItem) -> CarePlanActivityDetail:
    name = item.shown_name
    words = dose_text(item.dose)
    if item.block is Block.BEDTIME:
        words = f"{words}; {days_text(item.dose.days)}"
    return CarePlanActivityDetail(
        instantiatesUri=[
            settings.SITE_URL + reverse("knowledge:exercise", args=[item.exercise_id])
        ],
        code=concept(codes.site_system("exercise"), item.exercise_id, name, name),
        status="on-hold" if item.held else "scheduled",
        scheduledTiming=_timing(program, item),
        description=words,
    )


def _timing(program: Program, item: PlanItem) -> Timing | None:
    repeat: dict[str, Any]
    if item.block is Block.BEDTIME:
        if item.dose.days is Days.ALTERNATE:
            repeat = {"frequency": 1, "period": 2, "periodUnit": "d"}
        elif item.dose.days is Days.MOST:
            repeat = {"frequency": 5, "period": 1, "periodUnit": "wk"}
        else:
            repeat = {"frequency": 1, "period": 1, "periodUnit": "d"}
        repeat["timeOfDay"] = [program.bedtime]
    elif item.block is Block.DAYTIME:
        repeat = {"frequency": 1, "period": 1, "periodUnit": "d"}
    else:
        return None  # around the person's own exercise, whenever that is
    repeat["boundsPeriod"] = {"start": program.started_on.isoformat()}
    return Timing(repeat=TimingRepeat(**repeat))
