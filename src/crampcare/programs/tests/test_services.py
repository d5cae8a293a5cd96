from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from crampcare.accounts.models import User
from crampcare.assessment.services import save_assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.programs import services
from crampcare.programs.models import ChangeKind, Phase, Program, ProgramChange
from crampcare.programs.rules import Block
from crampcare.programs.tests.builders import (
    START,
    do_sessions,
    evening,
    make_program,
    week_nights,
)

pytestmark = pytest.mark.django_db


def _advanced(user: User, now: datetime) -> Program:
    """The explicit weekly step (send-reminders, or the person's next write) at ``now``."""
    program = services.advance_program(user, now)
    assert program is not None
    return program


def _exercise(program: Program, slot: str) -> str:
    item = program.get_plan().item(slot)
    assert item is not None
    return item.exercise_id


def _change(user: User, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    change = ProgramChange.objects.for_user(user).get(kind=kind)
    return change.before or {}, change.after or {}


def _kinds(user: User) -> list[str]:
    # The opt-in to progression (made with the program in these tests) is left out.
    changes = ProgramChange.objects.for_user(user).exclude(kind=ChangeKind.PROGRESSION)
    return [change.kind for change in changes.order_by("at", "id")]


def _lying_on_back(program: Program) -> set[str]:
    from crampcare.programs.catalogue import default_catalogue

    catalogue = default_catalogue()
    return {
        item.exercise_id
        for item in program.get_plan().items
        if catalogue[item.exercise_id].lying_on == "back"
    }


def test_it_starts_the_typical_participant_on_the_trial_protocol_tonight(user: User) -> None:
    program = make_program(user)

    plan = program.get_plan()
    core = [item.exercise_id for item in plan.block(Block.BEDTIME) if item.role == "core"]
    assert core == ["calf-stretch-wall", "hamstring-stretch-standing"]
    assert plan.bedtime_seconds <= 600
    assert (program.week, program.level, program.phase) == (1, 1, Phase.ACTIVE)
    assert program.started_on == evening(program.started_on).date()
    assert program.bedtime == time(22, 30)
    assert _kinds(user) == [ChangeKind.CREATED]


def test_it_builds_the_profile_from_the_latest_assessment(user: User) -> None:
    save_assessment(user, typical_payload(sex="female", pregnant=True, pregnancy_weeks=24))

    program = make_program(user, age=30)

    assert program.profile["pregnant"] is True
    assert program.profile["age"] == 67  # the assessment's answer, not the form's
    assert _lying_on_back(program) == set()
    rules = {note.rule for note in program.get_plan().notes}
    assert "pregnancy-no-lying-on-back" in rules


def test_it_uses_the_about_you_answers_when_there_is_no_assessment(user: User) -> None:
    program = make_program(user, conditions=["balance_problems"], prefers_in_bed=False)

    positions = {item.exercise_id for item in program.get_plan().block(Block.BEDTIME)}
    assert "calf-stretch-wall" not in positions
    assert "hamstring-stretch-standing" not in positions


def test_it_refuses_a_second_program(user: User) -> None:
    make_program(user)

    with pytest.raises(ValidationError) as error:
        make_program(user)

    assert "program" in error.value.message_dict
    assert Program.objects.for_user(user).count() == 1


def test_it_names_the_field_of_a_bad_about_you_answer_and_saves_nothing(user: User) -> None:
    with pytest.raises(ValidationError) as error:
        make_program(user, conditions=["broken_leg"])

    assert "conditions.0" in error.value.message_dict
    assert not Program.objects.for_user(user).exists()


def test_it_swaps_to_a_listed_alternative_and_records_it(user: User) -> None:
    program = make_program(user)
    sequence = program.sequence

    program = services.swap_exercise(user, "calf", "calf-stretch-seated")

    assert _exercise(program, "calf") == "calf-stretch-seated"
    assert program.swaps == {"calf": "calf-stretch-seated"}
    assert program.sequence == sequence + 1
    change = ProgramChange.objects.for_user(user).get(kind=ChangeKind.SWAP)
    assert change.before == {"slot": "calf", "exercise_id": "calf-stretch-wall"}
    assert change.after == {"slot": "calf", "exercise_id": "calf-stretch-seated"}


@pytest.mark.parametrize(
    ("slot", "exercise_id", "field"),
    [
        ("calf", "pigeon-pose", "exercise_id"),
        ("calf", "no-such-exercise", "exercise_id"),
        ("no-such-slot", "calf-stretch-seated", "slot"),
    ],
)
def test_it_refuses_a_swap_that_is_not_listed_and_changes_nothing(
    user: User, slot: str, exercise_id: str, field: str
) -> None:
    program = make_program(user)

    with pytest.raises(ValidationError) as error:
        services.swap_exercise(user, slot, exercise_id)

    assert field in error.value.message_dict
    assert Program.objects.for_user(user).get().plan == program.plan
    assert _kinds(user) == [ChangeKind.CREATED]


def test_it_never_offers_pigeon_pose_after_a_hip_replacement(user: User) -> None:
    program = make_program(user, age=40, conditions=["hip_replacement"])

    offered = services.alternatives(program)
    assert "hip" not in offered  # no hip-turning stretch until the surgeon has cleared it
    assert all("pigeon-pose" not in options for options in offered.values())
    with pytest.raises(ValidationError):
        services.swap_exercise(user, "hip", "pigeon-pose")


def test_it_records_bedtime_and_reminder_changes_but_not_non_changes(user: User) -> None:
    make_program(user)

    services.change_bedtime(user, time(23, 15))
    services.change_bedtime(user, time(23, 15))
    program = services.change_reminder(user, minutes_before=30, email=True)
    services.change_reminder(user, minutes_before=30)

    assert program.bedtime == time(23, 15)
    assert program.get_plan().profile.bedtime == time(23, 15)
    assert (program.reminder_minutes_before, program.email_reminders) == (30, True)
    assert _kinds(user) == [ChangeKind.CREATED, ChangeKind.BEDTIME, ChangeKind.REMINDER]
    bedtime = ProgramChange.objects.for_user(user).get(kind=ChangeKind.BEDTIME)
    assert (bedtime.before, bedtime.after) == ({"bedtime": "22:30"}, {"bedtime": "23:15"})


def test_it_refuses_a_reminder_offset_out_of_range(user: User) -> None:
    make_program(user)

    with pytest.raises(ValidationError) as error:
        services.change_reminder(user, minutes_before=241)

    assert "reminder_minutes_before" in error.value.message_dict


def test_it_does_not_count_paused_nights_against_the_week(user: User) -> None:
    program = make_program(user)
    first_week = week_nights(program)
    do_sessions(user, first_week[:3])

    services.pause(user, now=evening(first_week[3]))
    program = services.resume(user, now=evening(first_week[3] + timedelta(days=10)))

    assert program.week_started_on == program.started_on + timedelta(days=10)
    # Ten nights later the first week is still open: 3 done, 4 to go.
    assert _advanced(user, evening(first_week[3] + timedelta(days=10))).week == 1
    assert _kinds(user) == [ChangeKind.CREATED, ChangeKind.PAUSE, ChangeKind.RESUME]
    resumed = ProgramChange.objects.for_user(user).get(kind=ChangeKind.RESUME)
    assert resumed.after == {"paused": False, "paused_nights": 10}


def test_it_holds_the_level_while_paused(user: User) -> None:
    make_program(user)
    services.pause(user, now=START)

    later = _advanced(user, START + timedelta(days=30))

    assert (later.week, later.level) == (1, 1)


def test_it_steps_up_after_a_good_week(user: User) -> None:
    program = make_program(user, progression=True)
    nights = week_nights(program)
    do_sessions(user, nights[:6], pain=2)

    program = _advanced(user, evening(nights[-1] + timedelta(days=1)))

    assert (program.week, program.level) == (2, 2)
    calf = program.get_plan().item("calf")
    assert calf is not None
    assert calf.dose.hold_seconds == 15
    before, after = _change(user, ChangeKind.STEP_UP)
    assert before == {"week": 1, "level": 1}
    assert after["reason"] == "good_week"
    assert after["summary"]["nights_done"] == 6
    assert program.last_step == {"week": 1, "change": "up", "reason": "good_week"}


def test_it_steps_back_after_a_painful_session(user: User) -> None:
    program = make_program(user, progression=True)
    do_sessions(user, week_nights(program, 1, 7))
    do_sessions(user, week_nights(program, 2, 5))
    do_sessions(user, week_nights(program, 2, 7)[5:], pain=6)

    program = _advanced(user, evening(week_nights(program, 3)[0]))

    assert (program.week, program.level) == (3, 1)
    kinds = _kinds(user)
    assert kinds == [ChangeKind.CREATED, ChangeKind.STEP_UP, ChangeKind.STEP_DOWN]
    _, after = _change(user, ChangeKind.STEP_DOWN)
    assert after["reason"] == "painful"
    assert after["summary"]["max_pain"] == 6


def test_it_steps_back_when_few_nights_were_done(user: User) -> None:
    program = make_program(user, progression=True)
    do_sessions(user, week_nights(program, 1, 7))
    do_sessions(user, week_nights(program, 2, 2))

    program = _advanced(user, evening(week_nights(program, 3)[0]))

    assert program.level == 1
    assert _change(user, ChangeKind.STEP_DOWN)[1]["reason"] == "low_adherence"


def test_it_holds_without_a_history_entry_in_a_middling_week(user: User) -> None:
    program = make_program(user, progression=True)
    do_sessions(user, week_nights(program, 1, 4))

    program = _advanced(user, evening(week_nights(program, 2)[0]))

    assert (program.week, program.level) == (2, 1)
    assert program.last_step == {"week": 1, "change": "hold", "reason": "keep_going"}
    assert _kinds(user) == [ChangeKind.CREATED]


def test_it_catches_up_on_several_weeks_at_once(user: User) -> None:
    program = make_program(user, progression=True)
    do_sessions(user, week_nights(program, 1) + week_nights(program, 2))

    program = _advanced(user, evening(week_nights(program, 3)[0] + timedelta(14)))

    # Weeks 1 and 2 were good (up, up); weeks 3 and 4 had no sessions (down, down).
    assert (program.week, program.level) == (5, 1)
    assert _kinds(user)[1:] == [
        ChangeKind.STEP_UP,
        ChangeKind.STEP_UP,
        ChangeKind.STEP_DOWN,
        ChangeKind.STEP_DOWN,
    ]


def test_it_offers_maintenance_after_six_weeks_and_switches_when_accepted(user: User) -> None:
    program = make_program(user, progression=True)
    for week in range(1, 7):
        do_sessions(user, week_nights(program, week))
    after = evening(week_nights(program, 7)[0])

    program = _advanced(user, after)

    assert program.week == 7
    assert program.level == 6  # up each week to the top in week 6; maintenance never steps up
    assert program.phase == Phase.ACTIVE
    assert program.maintenance_offered_on == week_nights(program, 7)[0]
    assert program.get_plan().phase == "program"

    program = services.accept_maintenance(user, now=after)

    assert program.phase == Phase.MAINTENANCE
    plan = program.get_plan()
    assert plan.phase == "maintenance"
    assert {item.dose.days for item in plan.block(Block.BEDTIME) if item.role == "core"} == {"most"}
    assert _kinds(user)[-1] == ChangeKind.MAINTENANCE


def test_it_does_not_offer_maintenance_before_six_weeks(user: User) -> None:
    make_program(user)

    with pytest.raises(ValidationError) as error:
        services.accept_maintenance(user, now=START)

    assert "phase" in error.value.message_dict


def test_it_rebuilds_the_plan_when_the_answers_change_and_sets_aside_a_swap_now_ruled_out(
    user: User,
) -> None:
    make_program(user)
    services.swap_exercise(user, "hamstring", "hamstring-stretch-supine")

    save_assessment(user, typical_payload(sex="female", pregnant=True, pregnancy_weeks=20))
    program = services.update_profile(user)

    assert "hamstring-stretch-supine" not in {item.exercise_id for item in program.get_plan().items}
    assert _lying_on_back(program) == set()
    before, after = _change(user, ChangeKind.PROFILE)
    assert before["routine"]["hamstring"] == "hamstring-stretch-supine"
    assert after["routine"]["hamstring"] != "hamstring-stretch-supine"
    assert after["profile"]["pregnant"] is True


def test_it_changes_several_preferences_at_once_with_one_entry_each(user: User) -> None:
    make_program(user)

    program = services.update_preferences(
        user, bedtime=time(21, 45), reminder_minutes_before=5, paused=True
    )

    assert program.paused
    assert _kinds(user) == [
        ChangeKind.CREATED,
        ChangeKind.BEDTIME,
        ChangeKind.REMINDER,
        ChangeKind.PAUSE,
    ]
