"""The clinician's dashboard (care/dashboard.py): each flag's rule, the trend, adherence, the
latest triage and last activity, sorting and filtering, built from real data through the apps'
services. The clock stands at 20:00 London on Wednesday 25 June 2025 (the night of the 25th)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.tests.builders import answers
from crampcare.care import dashboard, services
from crampcare.care.models import AuditRecord, CareRelationship, Role
from crampcare.care.tests.conftest import Team, bring_in
from crampcare.diary import services as diary
from crampcare.programs import hold, sessions
from crampcare.programs.tests.builders import do_sessions, make_program
from crampcare.testing.builders import make_user
from crampcare.testing.cast import signed_in

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 25, 19, 0, tzinfo=UTC)
TONIGHT = date(2025, 6, 25)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def board(clock: Any, team: Team) -> Team:
    """The care team, built with the clock standing at NOW."""
    return team


def newcomer(team: Team, name: str) -> User:
    """Someone in Tess's care from now, in London."""
    person = make_user(f"{name.lower()}@example.org", display_name=name)
    person.time_zone = "Europe/London"
    person.save(update_fields=["time_zone"])
    services.add_member(team.admin, team.riverside, person, Role.MEMBER)
    bring_in(team.clinician, person)
    return person


def row(team: Team, person: User) -> dashboard.Row:
    rows = dashboard.rows_for(team.clinician, services.patients(team.clinician))
    return next(found for found in rows if found.person.pk == person.pk)


def kinds(found: dashboard.Row) -> list[str]:
    return [flag.kind for flag in found.flags]


def checkin(person: User, night: date, count: int) -> None:
    diary.record_checkin(person, night, cramp_count=count)


def red_flag(person: User, *yes: str) -> None:
    payload = answers(*(yes or ("leg_pain_at_rest",))).model_dump(mode="json")
    assessments.save_assessment(person, payload)


def calm(person: User) -> None:
    assessments.save_assessment(person, answers().model_dump(mode="json"))


# -- getting worse --------------------------------------------------------------------------------


def test_it_flags_cramps_clearly_up_on_the_weeks_before(board: Team) -> None:
    ruth = newcomer(board, "Ruth")
    for back in range(7, 28, 3):  # 7 nights in the three weeks before, one cramp each
        checkin(ruth, TONIGHT - timedelta(days=back), 1)
    for back in range(4):  # this week: three a night
        checkin(ruth, TONIGHT - timedelta(days=back), 3)
    found = row(board, ruth)
    assert found.trend.text == "3.0 a night this week, up from 1.0"
    assert [week.nights for week in found.trend.weeks] == [2, 2, 3, 4]
    assert "worsening" in kinds(found)


def test_a_small_rise_or_too_few_nights_is_not_getting_worse(board: Team) -> None:
    small, few = newcomer(board, "Sol"), newcomer(board, "Fay")
    for back in range(7, 28, 3):
        checkin(small, TONIGHT - timedelta(days=back), 2)
        checkin(few, TONIGHT - timedelta(days=back), 1)
    for back in range(4):
        checkin(small, TONIGHT - timedelta(days=back), 2 + (back == 0))  # 2.25 a night
    for back in range(2):  # only two nights this week
        checkin(few, TONIGHT - timedelta(days=back), 4)
    assert "worsening" not in kinds(row(board, small))
    assert row(board, small).trend.text == "2.2 a night this week, up from 2.0"
    assert "worsening" not in kinds(row(board, few))


def test_cramps_logged_one_by_one_count_as_on_the_diary_page(board: Team) -> None:
    lou = newcomer(board, "Lou")
    checkin(lou, TONIGHT - timedelta(days=1), 1)
    for minute in (0, 20):  # two cramps logged on the night of the 24th: more than she said
        diary.create_episode(lou, started_at=datetime(2025, 6, 25, 1, minute, tzinfo=UTC))
    assert row(board, lou).trend.this_week.cramps == 2


# -- painful sessions -----------------------------------------------------------------------------


def test_it_flags_a_session_of_the_last_seven_nights_that_hurt(board: Team, clock: Any) -> None:
    pam, ned = newcomer(board, "Pam"), newcomer(board, "Ned")
    for person in (pam, ned):
        make_program(person, now=NOW - timedelta(days=14))
    do_sessions(pam, [TONIGHT - timedelta(days=2)], pain=6)
    do_sessions(ned, [TONIGHT - timedelta(days=9)], pain=8)  # more than a week ago
    do_sessions(ned, [TONIGHT - timedelta(days=1)], pain=4)  # below "it hurt"
    pam_row = row(board, pam)
    assert "painful" in kinds(pam_row)
    (flag,) = [f for f in pam_row.flags if f.kind == "painful"]
    assert flag.detail == "1 session this week hurt 5 or more out of 10"
    assert "painful" not in kinds(row(board, ned))


# -- silent ---------------------------------------------------------------------------------------


def test_it_flags_a_week_without_anything_recorded(board: Team) -> None:
    quiet, busy = newcomer(board, "Quinn"), newcomer(board, "Bea")
    diary.create_episode(quiet, started_at=NOW - timedelta(days=9))
    checkin(busy, TONIGHT - timedelta(days=1), 0)
    quiet_row = row(board, quiet)
    assert "silent" in kinds(quiet_row)
    assert quiet_row.last_activity == (NOW - timedelta(days=9)).date()
    assert [f.detail for f in quiet_row.flags if f.kind == "silent"] == [
        "Nothing recorded for 9 days"
    ]
    # a check-in about last night was made this morning
    assert row(board, busy).last_activity == TONIGHT
    assert "silent" not in kinds(row(board, busy))


def test_someone_who_never_recorded_anything_is_silent_a_week_after_joining(
    board: Team, clock: Any
) -> None:
    clock.move_to(NOW - timedelta(days=8))
    early = newcomer(board, "Eve")
    clock.move_to(NOW - timedelta(days=3))
    recent = newcomer(board, "Ray")
    clock.move_to(NOW)
    assert [f.detail for f in row(board, early).flags if f.kind == "silent"] == [
        "Nothing recorded since joining 8 days ago"
    ]
    assert row(board, early).last_activity is None
    assert kinds(row(board, recent)) == []


# -- a held program and a new red flag ------------------------------------------------------------


def test_a_red_flag_holds_the_program_until_they_are_checked(board: Team, clock: Any) -> None:
    hal = newcomer(board, "Hal")
    make_program(hal, now=NOW - timedelta(days=3))
    clock.move_to(NOW - timedelta(days=1))
    red_flag(hal)
    clock.move_to(NOW)
    found = row(board, hal)
    assert kinds(found)[:2] == ["red_flag", "held"]
    assert found.triage == "urgent"
    assert found.red_flag
    assert hold.hold_for(hal, hal) is not None  # the same answer as the person's own pages

    hold.record_clearance(hal, TONIGHT)
    assert "held" not in kinds(row(board, hal))
    assert hold.hold_for(hal, hal) is None


def test_no_hold_without_a_program(board: Team) -> None:
    nia = newcomer(board, "Nina")
    red_flag(nia)
    assert "held" not in kinds(row(board, nia))
    assert "red_flag" in kinds(row(board, nia))


def test_a_red_flag_is_new_until_the_clinician_opens_the_persons_page(
    board: Team, clock: Any
) -> None:
    ann = newcomer(board, "Ann")
    red_flag(ann)
    assert "red_flag" in kinds(row(board, ann))
    clock.move_to(NOW + timedelta(minutes=5))
    assert signed_in(board.clinician).get(f"/care/patients/{ann.pk}/").status_code == 200
    assert "red_flag" not in kinds(row(board, ann))
    assert row(board, ann).triage == "urgent"  # still the latest check
    clock.move_to(NOW + timedelta(minutes=10))
    red_flag(ann, "dark_urine")
    assert "red_flag" in kinds(row(board, ann))
    assert row(board, ann).triage == "emergency"


def test_without_a_look_a_red_flag_is_new_for_seven_days(board: Team, clock: Any) -> None:
    old, calm_one = newcomer(board, "Ola"), newcomer(board, "Cal")
    clock.move_to(NOW - timedelta(days=8))
    red_flag(old)
    clock.move_to(NOW)
    calm(calm_one)
    assert "red_flag" not in kinds(row(board, old))
    assert row(board, old).triage == "urgent"
    assert row(board, calm_one).triage == "self_care"
    assert "red_flag" not in kinds(row(board, calm_one))


def test_the_latest_finished_check_is_the_triage(board: Team, clock: Any) -> None:
    tom = newcomer(board, "Tom")
    red_flag(tom)
    clock.move_to(NOW + timedelta(minutes=1))
    calm(tom)
    found = row(board, tom)
    assert found.triage == "self_care"  # the column shows the latest check ...
    assert "red_flag" in kinds(found)  # ... and the flag the red one before it


# -- adherence ------------------------------------------------------------------------------------


def test_adherence_is_this_program_weeks_sessions_against_the_plan(board: Team, clock: Any) -> None:
    ada = newcomer(board, "Adele")
    program = make_program(ada, now=NOW - timedelta(days=9))  # week 2 began two nights ago
    do_sessions(ada, [TONIGHT - timedelta(days=n) for n in (4, 2, 1)])
    found = row(board, ada)
    assert found.program is not None
    assert (found.program.done, found.program.planned) == (2, 7)
    assert found.adherence_text == "2 of 7"
    program.refresh_from_db()
    own = sessions.adherence(ada, program)  # the person's own count agrees
    assert (own.this_week.done, own.this_week.planned) == (2, 7)
    assert row(board, board.person).adherence_text == "No program"


# -- sorting and filtering ------------------------------------------------------------------------


def _names(response: Any) -> list[str]:
    page = response.content.decode()
    found = [name for name in ("Olive", "Hal", "Bea", "Zed") if f">{name}</a>" in page]
    return sorted(found, key=lambda name: page.index(f">{name}</a>"))


def test_the_page_sorts_and_filters_without_javascript(board: Team, clock: Any) -> None:
    hal, bea, zed = newcomer(board, "Hal"), newcomer(board, "Bea"), newcomer(board, "Zed")
    make_program(hal, now=NOW - timedelta(days=3))
    red_flag(hal)
    checkin(bea, TONIGHT - timedelta(days=1), 0)
    checkin(zed, TONIGHT - timedelta(days=1), 0)
    client = signed_in(board.clinician)
    # Hal (red flag, held) first, then Olive (silent), then the rest by name
    assert _names(client.get("/care/")) == ["Hal", "Olive", "Bea", "Zed"]
    assert _names(client.get("/care/?sort=name")) == ["Bea", "Hal", "Olive", "Zed"]
    assert _names(client.get("/care/?sort=activity")) == ["Olive", "Bea", "Hal", "Zed"]
    assert _names(client.get("/care/?flag=any")) == ["Hal", "Olive"]
    assert _names(client.get("/care/?flag=held")) == ["Hal"]
    assert _names(client.get("/care/?flag=silent&sort=name")) == ["Olive"]
    nobody = client.get("/care/?flag=painful")
    assert "Nobody matches" in nobody.content.decode()
    # a hand-edited address gets the usual page
    odd = client.get("/care/?sort=drop+table&flag=<script>")
    assert odd.status_code == 200
    assert _names(odd) == ["Hal", "Olive", "Bea", "Zed"]


def test_the_dashboards_reads_are_audited_with_its_route(board: Team) -> None:
    before = AuditRecord.objects.for_user(board.person).count()
    assert signed_in(board.clinician).get("/care/").status_code == 200
    log = AuditRecord.objects.for_user(board.person)[: log_size(board) - before]
    assert {record.origin for record in log} == {"care:index"}
    assert {record.what for record in log} >= {
        "assessment.Assessment",
        "diary.CrampEpisode",
        "diary.NightCheckin",
        "programs.Program",
    }
    assert len({record.what for record in log}) == len(log)  # each kind once


def log_size(team: Team) -> int:
    return AuditRecord.objects.for_user(team.person).count()


def test_opening_a_persons_page_marks_them_seen(board: Team) -> None:
    assert board.relationship.clinician_seen_at is None
    signed_in(board.clinician).get(f"/care/patients/{board.person.pk}/")
    seen = CareRelationship.objects.get(pk=board.relationship.pk).clinician_seen_at
    assert seen == NOW
