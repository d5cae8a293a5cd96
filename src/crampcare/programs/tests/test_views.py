from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment.services import save_assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.programs import services, sessions
from crampcare.programs.models import ChangeKind, Program, ProgramChange, Session
from crampcare.programs.tests.builders import (
    START,
    do_sessions,
    evening,
    make_program,
    week_nights,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def program(user: User) -> Program:
    return make_program(user)


def _page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_it_invites_a_person_without_a_program_to_set_one_up(owner_client: Client) -> None:
    page = _page(owner_client.get("/program/"))

    assert "Set up my plan" in page
    assert 'href="/references/#R1"' in page


def test_it_makes_a_plan_from_the_about_you_answers(owner_client: Client, user: User) -> None:
    response = owner_client.post(
        "/program/start/", {"bedtime": "22:45", "age": "70", "knee_pain": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/program/"
    program = Program.objects.for_user(user).get()
    assert program.profile["conditions"] == ["knee_pain"]
    assert program.bedtime.strftime("%H:%M") == "22:45"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"bedtime": "25:00"}, "bedtime", "Enter a valid time"),
        ({"bedtime": "22:00", "age": "12"}, "age", "made for adults, 18 and over"),
        ({"bedtime": "22:00", "pregnancy_weeks": "20"}, "pregnancy_weeks", "I am pregnant"),
        ({}, "bedtime", "This field is required"),
    ],
)
def test_it_explains_a_bad_answer_beside_its_field_and_saves_nothing(
    owner_client: Client, user: User, data: dict[str, str], field: str, message: str
) -> None:
    response = owner_client.post("/program/start/", data)

    page = _page(response)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert "Please check what you entered" in page
    assert not Program.objects.for_user(user).exists()


def test_it_asks_only_for_preferences_when_there_is_an_assessment(
    owner_client: Client, user: User
) -> None:
    save_assessment(user, typical_payload())

    page = _page(owner_client.get("/program/start/"))

    assert 'name="bedtime"' in page
    assert 'name="age"' not in page
    assert "Check my cramps" in page


def test_it_updates_the_plan_from_new_about_you_answers(
    owner_client: Client, user: User, program: Program
) -> None:
    form = _page(owner_client.get("/program/start/"))
    assert 'value="22:30"' in form
    assert 'value="67"' in form

    response = owner_client.post(
        "/program/start/", {"bedtime": "22:30", "age": "67", "pregnant": "on"}
    )

    assert response["Location"] == "/program/plan/"
    assert ProgramChange.objects.for_user(user).filter(kind=ChangeKind.PROFILE).exists()
    assert Program.objects.for_user(user).get().profile["pregnant"] is True


def test_it_shows_tonights_routine_with_reasons_sources_and_a_start_button(
    owner_client: Client, program: Program
) -> None:
    page = _page(owner_client.get("/program/"))

    assert "Start tonight’s stretches" in page
    assert 'href="/program/session/"' in page
    assert "Wall calf stretch" in page
    assert "Hold 10 s, 3 times, each leg" in page
    assert "fewer and milder night cramps" in page
    assert 'href="/references/#R1"' in page
    assert "<strong>0</strong> of 7 nights" in page
    assert "Tonight is your first night" in page
    assert 'href="/cramp-now/"' in page


def test_it_offers_to_carry_on_a_started_session_and_shows_a_finished_one(
    owner_client: Client, user: User, program: Program
) -> None:
    sessions.save_progress(user, {"step": 3, "item": 0, "phase": "hold", "remaining": 4}, now=START)
    assert "Carry on where you left off" in _page(owner_client.get("/program/"))

    sessions.finish_session(user, difficulty=3, pain=1, now=START)
    page = _page(owner_client.get("/program/"))

    assert "Done tonight" in page
    assert "3 out of 10 for effort and 1 out of 10 for pain" in page
    assert "<strong>1</strong> of 7 nights" in page


def test_it_keeps_the_today_pages_queries_constant_as_sessions_grow(
    owner_client: Client, user: User, program: Program, django_assert_max_num_queries: object
) -> None:
    owner_client.get("/program/")
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert owner_client.get("/program/").status_code == 200

    do_sessions(user, week_nights(program, 1, 7)[:1])
    with time_machine.travel(evening(week_nights(program, 4)[0]), tick=False):
        do_sessions(user, [n for w in (1, 2, 3) for n in week_nights(program, w)][1:])
        owner_client.force_login(user)  # the sign-in would have expired meanwhile
        services.advance_programs()  # the weekly step due, as send-reminders records it
        owner_client.get("/program/")
        with django_assert_max_num_queries(8):  # type: ignore[operator]
            assert owner_client.get("/program/").status_code == 200


def test_it_tells_the_person_kindly_what_last_weeks_check_decided(
    owner_client: Client, user: User, program: Program
) -> None:
    do_sessions(user, week_nights(program)[:6])

    with time_machine.travel(evening(week_nights(program, 2)[0]), tick=False):
        page = _page(owner_client.get("/program/"))

    # On the trial's dose (the default) a good week means: keep going as you are.
    assert "Keep going as you are" in page
    assert "Week 2 of 6" in page


def test_it_swaps_from_the_plan_page(owner_client: Client, user: User, program: Program) -> None:
    page = _page(owner_client.get("/program/plan/"))
    assert 'value="calf-stretch-seated"' in page

    response = owner_client.post(
        "/program/plan/swap/", {"slot": "calf", "exercise_id": "calf-stretch-seated"}
    )

    assert response.status_code == 302
    assert Program.objects.for_user(user).get().swaps == {"calf": "calf-stretch-seated"}
    assert "Swapped" in _page(owner_client.get("/program/plan/"))


def test_it_refuses_an_unlisted_swap_beside_the_exercise(
    owner_client: Client, user: User, program: Program
) -> None:
    response = owner_client.post(
        "/program/plan/swap/", {"slot": "calf", "exercise_id": "pigeon-pose"}
    )

    assert response.status_code == 400
    assert 'id="swap-calf-error"' in _page(response)
    assert Program.objects.for_user(user).get().swaps == {}


def test_it_saves_bedtime_and_reminders_and_records_each(
    owner_client: Client, user: User, program: Program
) -> None:
    response = owner_client.post(
        "/program/plan/settings/",
        {"bedtime": "23:00", "reminder_minutes_before": "30", "email_reminders": "on"},
    )

    assert response.status_code == 302
    program = Program.objects.for_user(user).get()
    assert (program.bedtime.hour, program.reminder_minutes_before) == (23, 30)
    assert program.email_reminders
    kinds = set(ProgramChange.objects.for_user(user).values_list("kind", flat=True))
    assert {ChangeKind.BEDTIME, ChangeKind.REMINDER} <= kinds


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"bedtime": "nope", "reminder_minutes_before": "15"}, "bedtime"),
        ({"bedtime": "22:00", "reminder_minutes_before": "7"}, "reminder_minutes_before"),
    ],
)
def test_it_explains_bad_settings_and_changes_nothing(
    owner_client: Client, user: User, program: Program, data: dict[str, str], field: str
) -> None:
    response = owner_client.post("/program/plan/settings/", data)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in _page(response)
    assert Program.objects.for_user(user).get().bedtime == program.bedtime
    assert ProgramChange.objects.for_user(user).count() == 1


def test_it_pauses_and_resumes_from_the_pages(
    owner_client: Client, user: User, program: Program
) -> None:
    owner_client.post("/program/plan/pause/")
    page = _page(owner_client.get("/program/"))
    assert "Your program is paused" in page

    owner_client.post("/program/plan/resume/")

    assert not Program.objects.for_user(user).get().paused
    history = _page(owner_client.get("/program/history/"))
    assert "Paused" in history
    assert "Resumed" in history


def test_it_offers_maintenance_on_the_today_page_after_six_weeks(
    owner_client: Client, user: User, program: Program
) -> None:
    for week in range(1, 7):
        do_sessions(user, week_nights(program, week))

    with time_machine.travel(evening(week_nights(program, 7)[0]), tick=False):
        owner_client.force_login(user)
        assert "You finished the six weeks" in _page(owner_client.get("/program/"))
        response = owner_client.post("/program/plan/maintenance/")
        page = _page(owner_client.get("/program/"))

    assert response.status_code == 302
    assert "Keeping it up" in page
    assert "You finished the six weeks" not in page


def test_it_describes_every_change_in_the_history(
    owner_client: Client, user: User, program: Program
) -> None:
    services.swap_exercise(user, "calf", "calf-stretch-seated")
    services.change_reminder(user, minutes_before=30, email=True)

    page = _page(owner_client.get("/program/history/"))

    assert "Program started" in page
    assert "Wall calf stretch → Seated calf stretch" in page
    assert "15 minutes before bedtime, no email → 30 minutes before bedtime, with email" in page


def test_it_gives_the_player_tonights_exercises_with_their_steps(
    owner_client: Client, user: User, program: Program
) -> None:
    sessions.save_progress(user, {"step": 5, "item": 1, "phase": "rest", "remaining": 3}, now=START)

    page = _page(owner_client.get("/program/session/"))
    data = json.loads(
        page.split('id="player-data" type="application/json">')[1].split("</script>")[0]
    )

    assert [item["id"] for item in data["items"]][:2] == [
        "calf-stretch-wall",
        "hamstring-stretch-standing",
    ]
    assert data["items"][0]["hold"] == 10
    assert data["items"][0]["sides"] == 2
    assert data["items"][0]["steps"][0].startswith("Stand facing a wall")
    assert data["progress"]["step"] == 5
    assert 'data-save-url="/api/v1/program/session/progress"' in page
    # Without JavaScript the page is still the whole session, with the feedback form.
    assert "Stand facing a wall" in page
    assert "How did it feel?" in page


def test_it_logs_the_session_from_the_feedback_form(
    owner_client: Client, user: User, program: Program
) -> None:
    response = owner_client.post("/program/session/finish/", {"difficulty": "4", "pain": "1"})

    assert response.status_code == 302
    session = Session.objects.for_user(user).get()
    assert (session.difficulty, session.pain, session.done) == (4, 1, True)
    assert "Logged. Well done" in _page(owner_client.get("/program/"))
    assert "Done tonight" in _page(owner_client.get("/program/session/"))


def test_it_warns_kindly_after_a_painful_session(
    owner_client: Client, user: User, program: Program
) -> None:
    owner_client.post("/program/session/finish/", {"difficulty": "6", "pain": "7"})

    page = _page(owner_client.get("/program/"))

    assert "firm pull" in page
    assert "physical therapist" in page


def test_it_explains_a_missing_rating_and_logs_nothing(
    owner_client: Client, user: User, program: Program
) -> None:
    response = owner_client.post("/program/session/finish/", {"difficulty": "4", "pain": "12"})

    assert response.status_code == 400
    assert "Did anything hurt?" in _page(response)
    assert not Session.objects.for_user(user).exists()


def test_it_sends_a_person_without_a_program_to_set_up(owner_client: Client) -> None:
    for path in ("/program/plan/", "/program/history/", "/program/session/"):
        response = owner_client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/program/start/"
    for path in ("/program/plan/pause/", "/program/plan/swap/", "/program/session/finish/"):
        response = owner_client.post(path, {"difficulty": "1", "pain": "0"})
        assert response.status_code == 302, path
        assert response["Location"] == "/program/start/"


def test_it_keeps_the_streak_message_kind_after_a_gap(
    owner_client: Client, user: User, program: Program
) -> None:
    do_sessions(user, week_nights(program)[:2])

    with time_machine.travel(evening(program.started_on + timedelta(days=4)), tick=False):
        page = _page(owner_client.get("/program/"))

    assert "That is normal" in page
    assert "fail" not in page.lower()


def test_it_asks_to_update_the_plan_when_the_answers_change(
    owner_client: Client, user: User, program: Program
) -> None:
    assert "Your answers have changed" not in _page(owner_client.get("/program/"))

    save_assessment(user, typical_payload(sex="female", pregnant=True, pregnancy_weeks=22))
    assert "Your answers have changed" in _page(owner_client.get("/program/"))
    assert "Your answers have changed" in _page(owner_client.get("/program/plan/"))

    response = owner_client.post("/program/plan/refresh/")

    assert response["Location"] == "/program/plan/"
    assert Program.objects.for_user(user).get().profile["pregnant"] is True
    assert "Your answers have changed" not in _page(owner_client.get("/program/"))


def test_it_keeps_the_history_pages_queries_constant_as_changes_grow(
    owner_client: Client, user: User, program: Program, django_assert_max_num_queries: object
) -> None:
    owner_client.get("/program/history/")
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        owner_client.get("/program/history/")
    for minutes in range(10):
        services.change_reminder(user, minutes_before=minutes)
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        page = _page(owner_client.get("/program/history/"))
    assert page.count("Reminder changed") == 10
