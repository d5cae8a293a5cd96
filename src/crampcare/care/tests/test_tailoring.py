"""A clinician tailoring a person's plan (programs/clinician.py) and clearing a held program
(programs/hold.py ``clear_hold``), through the write door (care/access.py ``CARE_CHANGES``)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.accounts.ownership import WriteRefused
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.care import services as care
from crampcare.care.models import AuditAction, AuditRecord
from crampcare.care.tests.conftest import Team, client_for
from crampcare.programs import clinician, hold, services, sessions
from crampcare.programs.display import changed_by_line, describe_change
from crampcare.programs.models import ChangeKind, Program, ProgramChange
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

NOTE = "Your hamstrings were tight on Tuesday: let us try this."


def program_of(team: Team, **preferences: Any) -> Program:
    return make_program(team.person, now=timezone.now(), **preferences)


def change(team: Team, kind: str, actor: Any = None, **fields: Any) -> ProgramChange:
    request = clinician.PlanChangeRequest(kind=kind, note=fields.pop("note", NOTE), **fields)
    return clinician.change_plan(actor or team.clinician, team.person, request)


def plan_of(team: Team) -> Any:
    return Program.objects.for_user(team.person).get().get_plan()


def changes_logged(team: Team) -> list[AuditRecord]:
    return list(AuditRecord.objects.for_user(team.person).filter(action=AuditAction.CHANGE))


def red_flag(user: User, *yes: str) -> None:
    payload = answers(*(yes or ("leg_pain_at_rest",))).model_dump(mode="json")
    assessment_services.save_assessment(user, payload)


# -- each kind of change --------------------------------------------------------------------------


def test_it_swaps_an_exercise_and_records_who_and_why(team: Team) -> None:
    program_of(team)
    before = plan_of(team).item("hamstring").exercise_id

    recorded = change(team, "swap", slot="hamstring", exercise_id="hamstring-stretch-seated")

    assert plan_of(team).item("hamstring").exercise_id == "hamstring-stretch-seated"
    assert recorded.kind == ChangeKind.SWAP
    assert recorded.before == {"slot": "hamstring", "exercise_id": before}
    assert recorded.changed_by == team.clinician
    assert recorded.changed_by_name == str(team.clinician)
    assert recorded.note == NOTE
    [logged] = changes_logged(team)
    assert logged.actor == team.clinician
    assert logged.what == "programs.Program:swap"


def test_the_swap_survives_the_weekly_step(team: Team) -> None:
    program_of(team)
    change(team, "swap", slot="hamstring", exercise_id="hamstring-stretch-seated")

    later = timezone.now() + timedelta(days=8)
    program = services.advance_program(team.person, later)

    assert program is not None
    assert program.week == 2
    item = program.get_plan().item("hamstring")
    assert item is not None
    assert item.exercise_id == "hamstring-stretch-seated"


def test_it_adds_an_exercise_to_the_bedtime_routine_within_ten_minutes(team: Team) -> None:
    program_of(team)

    change(team, "add", exercise_id="ankle-circles", block="bedtime")

    item = plan_of(team).item("added-ankle-circles")
    assert item is not None
    assert item.block == "bedtime"
    assert item.role == "care_team"
    assert plan_of(team).bedtime_seconds <= 600
    tonight = sessions.items_for_night(
        Program.objects.for_user(team.person).get(), services.tonight(team.person)
    )
    assert "added-ankle-circles" in [i.slot for i in tonight]


def test_it_removes_an_exercise(team: Team) -> None:
    program_of(team)

    recorded = change(team, "remove", slot="hamstring")

    assert plan_of(team).item("hamstring") is None
    assert "taken out of your plan" in describe_change(recorded)


def test_it_holds_an_exercise_out_of_the_sessions_and_releases_it(team: Team) -> None:
    program_of(team)
    held_id = plan_of(team).item("calf").exercise_id

    change(team, "hold", slot="calf")

    item = plan_of(team).item("calf")
    assert item is not None
    assert item.held
    program = Program.objects.for_user(team.person).get()
    tonight = sessions.items_for_night(program, services.tonight(team.person))
    assert held_id not in [i.exercise_id for i in tonight]

    change(team, "release", slot="calf")

    item = plan_of(team).item("calf")
    assert item is not None
    assert not item.held
    assert len(changes_logged(team)) == 2


def test_it_changes_the_dose_within_the_safe_range(team: Team) -> None:
    program_of(team)

    recorded = change(team, "dose", slot="calf", hold_seconds=20, reps=2)

    dose = plan_of(team).item("calf").dose
    assert (dose.hold_seconds, dose.reps) == (20, 2)
    assert recorded.after is not None
    assert recorded.after["hold_seconds"] == 20
    assert "hold 20 s, 2 times" in describe_change(recorded)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"hold_seconds": 90}, "hold_seconds"),
        ({"hold_seconds": 1}, "hold_seconds"),
        ({"reps": 0}, "reps"),
        ({"reps": 40}, "reps"),
        ({"sets": 5}, "sets"),
        ({}, "reps"),
    ],
)
def test_it_refuses_a_dose_out_of_range_and_saves_nothing(
    team: Team, fields: dict[str, int], field: str
) -> None:
    program = program_of(team)

    with pytest.raises(ValidationError) as error:
        change(team, "dose", slot="calf", **fields)

    assert field in error.value.message_dict
    assert Program.objects.for_user(team.person).get().plan == program.plan
    assert changes_logged(team) == []


def test_it_changes_the_nights_and_the_bedtime(team: Team) -> None:
    program_of(team)

    change(team, "nights", slot="hamstring", nights="alternate")
    recorded = change(team, "bedtime", bedtime=time(23, 15))

    assert plan_of(team).item("hamstring").dose.days == "alternate"
    program = Program.objects.for_user(team.person).get()
    assert program.bedtime.strftime("%H:%M") == "23:15"
    assert recorded.kind == ChangeKind.BEDTIME
    assert recorded.changed_by == team.clinician
    assert [r.what for r in changes_logged(team)] == [
        "programs.Program:bedtime",
        "programs.Program:nights",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "swap", "slot": "hamstring", "exercise_id": "no-such-exercise"}, "exercise_id"),
        ({"kind": "swap", "slot": "nowhere", "exercise_id": "calf-stretch-seated"}, "slot"),
        ({"kind": "add", "exercise_id": "no-such-exercise", "block": "daytime"}, "exercise_id"),
        ({"kind": "add", "exercise_id": "ankle-circles", "block": "kitchen"}, "block"),
        ({"kind": "nights", "slot": "calf", "nights": "weekly"}, "nights"),
        ({"kind": "release", "slot": "calf"}, "slot"),
        ({"kind": "bedtime"}, "bedtime"),
        ({"kind": "teleport", "slot": "calf"}, "kind"),
        ({"kind": "remove", "slot": "calf", "note": "   "}, "note"),
        ({"kind": "remove", "slot": "calf", "note": "x" * 501}, "note"),
    ],
)
def test_it_refuses_a_bad_change_and_saves_nothing(
    team: Team, fields: dict[str, Any], field: str
) -> None:
    program = program_of(team)
    kind = fields.pop("kind")

    with pytest.raises(ValidationError) as error:
        change(team, kind, **fields)

    assert field in error.value.message_dict
    assert Program.objects.for_user(team.person).get().plan == program.plan
    assert ProgramChange.objects.for_user(team.person).count() == 1  # created only
    assert changes_logged(team) == []


# -- cautions -------------------------------------------------------------------------------------


def test_a_change_against_a_caution_is_saved_only_once_confirmed(team: Team) -> None:
    program = program_of(team, conditions=["hip_replacement"])

    with pytest.raises(clinician.CautionsToConfirm) as warning:
        change(team, "add", exercise_id="pigeon-pose", block="daytime")

    rules = {caution.rule for caution in warning.value.cautions}
    assert "hip-replacement-precautions" in rules
    [hip] = [c for c in warning.value.cautions if c.rule == "hip-replacement-precautions"]
    assert "hip replacement" in hip.text
    assert hip.references == ["R30"]
    assert Program.objects.for_user(team.person).get().plan == program.plan
    assert changes_logged(team) == []

    recorded = change(
        team, "add", exercise_id="pigeon-pose", block="daytime", confirm_cautions=True
    )

    assert plan_of(team).item("added-pigeon-pose") is not None
    assert recorded.after is not None
    assert "hip-replacement-precautions" in recorded.after["cautions_confirmed"]
    assert "checked it with you" in describe_change(recorded)
    assert len(changes_logged(team)) == 1


def test_a_confirmed_exercise_is_set_aside_when_a_new_caution_applies(team: Team) -> None:
    program_of(team)
    change(team, "add", exercise_id="glute-bridge", block="daytime")
    assert plan_of(team).item("added-glute-bridge") is not None

    # Later in pregnancy, lying on the back is left out: the clinician never confirmed that.
    services.update_profile(team.person, {"pregnant": True, "pregnancy_weeks": 20, "age": 30})

    plan = plan_of(team)
    assert plan.item("added-glute-bridge") is None
    assert any(note.exercise_id == "glute-bridge" for note in plan.notes)


def test_a_swap_against_a_caution_warns_with_the_reason(team: Team) -> None:
    program_of(team, conditions=["hip_replacement"])
    slot = "hamstring"

    with pytest.raises(clinician.CautionsToConfirm) as warning:
        change(team, "swap", slot=slot, exercise_id="hamstring-stretch-seated")

    assert [c.rule for c in warning.value.cautions] == ["hip-replacement-precautions"]


# -- a held program -------------------------------------------------------------------------------


def test_a_held_program_stays_held_after_a_change(team: Team) -> None:
    program_of(team)
    red_flag(team.person)

    change(team, "swap", slot="hamstring", exercise_id="hamstring-stretch-seated")

    assert hold.hold_for(team.person, team.person) is not None
    with pytest.raises(hold.ProgramHeld):
        sessions.start_session(team.person)


def test_the_clinicians_clearance_lifts_the_hold_and_names_them(team: Team) -> None:
    program_of(team)
    red_flag(team.person)
    today = timezone.localdate()

    recorded = hold.clear_hold(team.clinician, team.person, today, "Seen today: all clear.")

    assert hold.hold_for(team.person, team.person) is None
    assert recorded.kind == ChangeKind.CLEARED
    assert recorded.changed_by == team.clinician
    assert recorded.note == "Seen today: all clear."
    assert str(team.clinician) in changed_by_line(recorded)
    assert [r.what for r in changes_logged(team)] == ["programs.Program:cleared"]


def test_the_clinician_cannot_lift_a_hold_after_emergency_signs(team: Team) -> None:
    program_of(team)
    red_flag(team.person, "dark_urine")

    with pytest.raises(ValidationError) as error:
        hold.clear_hold(team.clinician, team.person, timezone.localdate(), "Looks fine.")

    assert "emergency" in error.value.message_dict["hold"][0]
    assert hold.hold_for(team.person, team.person) is not None
    assert changes_logged(team) == []


def test_clearing_a_program_not_held_is_refused(team: Team) -> None:
    program_of(team)

    with pytest.raises(ValidationError) as error:
        hold.clear_hold(team.clinician, team.person, timezone.localdate())

    assert "not on hold" in error.value.message_dict["checked_on"][0]
    assert changes_logged(team) == []


# -- the write door -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["colleague", "outsider", "admin", "former", "stranger"])
def test_anyone_but_her_clinician_is_refused_and_nothing_changes(team: Team, actor: str) -> None:
    program = program_of(team)

    with pytest.raises(WriteRefused):
        change(team, "remove", actor=getattr(team, actor), slot="hamstring")

    assert Program.objects.for_user(team.person).get().plan == program.plan
    assert changes_logged(team) == []


def test_the_clinician_is_refused_once_the_relationship_ends(team: Team) -> None:
    program = program_of(team)
    care.end(team.person, team.relationship.pk)

    with pytest.raises(WriteRefused):
        change(team, "remove", slot="hamstring")
    with pytest.raises(WriteRefused):
        hold.clear_hold(team.clinician, team.person, timezone.localdate())

    assert Program.objects.for_user(team.person).get().plan == program.plan
    assert changes_logged(team) == []


@pytest.mark.django_db(transaction=True)
def test_the_door_needs_a_transaction_for_someone_else(team: Team) -> None:
    # Outside a transaction, a refused or failed change could leave its audit record behind.
    with pytest.raises(RuntimeError):
        Program.objects.for_writer(team.clinician, team.person, change="swap")


def test_the_door_never_opens_the_diary_to_a_clinician(team: Team) -> None:
    from django.db import transaction

    from crampcare.diary.models import CrampEpisode

    with transaction.atomic(), pytest.raises(WriteRefused):
        CrampEpisode.objects.for_writer(team.clinician, team.person, change="edit")


def test_the_person_writes_her_own_program_without_an_audit_record(team: Team) -> None:
    program_of(team)

    services.swap_exercise(team.person, "hamstring", "hamstring-stretch-seated")

    assert changes_logged(team) == []


def test_her_own_swap_replaces_her_clinicians_choice(team: Team) -> None:
    program_of(team)
    change(team, "swap", slot="hamstring", exercise_id="hamstring-stretch-seated")

    services.swap_exercise(team.person, "hamstring", "hamstring-stretch-standing")

    plan = plan_of(team)
    assert plan.item("hamstring").exercise_id == "hamstring-stretch-standing"
    assert "hamstring" not in plan.adjustments.exercises


# -- the person sees it ---------------------------------------------------------------------------


def test_the_person_sees_the_change_and_the_note_on_her_plan_and_history(team: Team) -> None:
    program_of(team)
    change(team, "swap", slot="hamstring", exercise_id="hamstring-stretch-seated")
    client = client_for(team.person)

    plan_page = client.get("/program/plan/").content.decode()
    history_page = client.get("/program/history/").content.decode()
    api = client.get("/api/v1/program/history").json()

    for body in (plan_page, history_page):
        assert "Changes from your care team" in plan_page
        assert "Seated hamstring stretch" in body or "hamstring" in body.lower()
        assert "Tess (your care team) changed this on" in body
        assert "let us try this" in body
    assert api[0]["changed_by"] == "Tess"
    assert api[0]["note"] == NOTE
    assert api[-1]["changed_by"] is None


def test_the_clinicians_name_and_note_go_with_her_export(team: Team) -> None:
    from crampcare.portability import services as portability
    from crampcare.testing.builders import make_user

    program_of(team)
    change(team, "swap", slot="hamstring", exercise_id="hamstring-stretch-seated")
    fresh = make_user("fresh@example.org")

    report = portability.import_zip(fresh, portability.export_zip(team.person))

    assert report.ok, [str(problem) for problem in report.problems]
    moved = ProgramChange.objects.for_user(fresh).get(kind=ChangeKind.SWAP)
    assert moved.changed_by_name == "Tess"
    assert moved.note == NOTE
    assert moved.changed_by is None  # a name kept as it was, not a link to an account here
    assert Program.objects.for_user(fresh).get().get_plan().adjustments.exercises
