"""The program hold after an urgent or emergency result (programs/hold.py, hazards P14-P16).

The clock stands still at a June evening in London; ``later`` moves it on, so an assessment, a
clearance and a new assessment happen in that order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.models import Assessment
from crampcare.assessment.presentation import CALF_LOADING_RULES
from crampcare.assessment.tests.builders import answers
from crampcare.assessment.tests.test_vignettes import VIGNETTES
from crampcare.programs import calendar, hold, reminders, services, sessions
from crampcare.programs.models import ChangeKind, Program, ProgramChange, Session
from crampcare.programs.tests.builders import START, make_program

pytestmark = pytest.mark.django_db

NIGHT = date(2025, 6, 10)
IN_WINDOW = datetime(2025, 6, 10, 21, 20, tzinfo=UTC)  # 22:20 London, bedtime 22:30


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(IN_WINDOW - timedelta(hours=2), tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(user: User, clock: Any) -> Program:
    return make_program(user, now=START)


def later(clock: Any, minutes: int = 10) -> None:
    clock.shift(timedelta(minutes=minutes))


def red_flag(user: User, *yes: str, **fields: Any) -> Assessment:
    payload = answers(*(yes or ("leg_pain_at_rest",)), **fields).model_dump(mode="json")
    return assessment_services.save_assessment(user, payload)


def calm(user: User) -> Assessment:
    return assessment_services.save_assessment(user, answers().model_dump(mode="json"))


def clear(client: Client, checked_on: date = NIGHT, note: str = "") -> Any:
    return client.post("/program/checked/", {"checked_on": checked_on.isoformat(), "note": note})


# -- the service ----------------------------------------------------------------------------------


def test_it_holds_nothing_without_a_red_flag(user: User, program: Program) -> None:
    calm(user)

    assert hold.hold_for(user, user) is None


def test_it_holds_after_an_urgent_result_with_its_reasons(user: User, program: Program) -> None:
    assessment = red_flag(user, "leg_pain_at_rest")

    held = hold.hold_for(user, user)

    assert held is not None
    assert held.level == "urgent"
    assert held.rules == ("leg_pain_at_rest",)
    assert held.assessment_id == assessment.pk
    assert held.assessed_on == NIGHT
    assert not held.hides_calf_loading


def test_it_only_reads_when_asked_about_the_hold(
    user: User, program: Program, django_assert_num_queries: Any
) -> None:
    red_flag(user)
    changes = ProgramChange.objects.for_user(user).count()

    # The red-flag checks since the last clearance, and that clearance.
    with django_assert_num_queries(2):
        hold.hold_for(user, user)

    assert ProgramChange.objects.for_user(user).count() == changes


def test_it_keeps_the_hold_when_a_calmer_check_follows(
    user: User, program: Program, clock: Any
) -> None:
    red_flag(user)
    later(clock)
    calm(user)

    held = hold.hold_for(user, user)

    assert held is not None
    assert held.level == "urgent"


def test_it_lifts_the_hold_only_by_the_recorded_check_then_follows_new_checks(
    user: User, program: Program, clock: Any
) -> None:
    red_flag(user)
    later(clock)
    calm(user)
    later(clock)
    hold.record_clearance(user, checked_on=timezone.localdate())
    later(clock)
    calm(user)

    assert hold.hold_for(user, user) is None


def test_it_holds_for_a_red_flag_in_a_questionnaire_still_in_progress(
    user: User, program: Program, clock: Any
) -> None:
    calm(user)
    later(clock)
    draft = answers("dark_urine").model_dump(mode="json")
    assessment_services.save_answers(user, draft)

    held = hold.hold_for(user, user)

    assert held is not None
    assert held.level == "emergency"


def test_it_lifts_the_hold_with_a_dated_check_kept_in_the_history(
    user: User, program: Program, clock: Any
) -> None:
    red_flag(user)
    later(clock)

    change = hold.record_clearance(user, NIGHT, "  Seen by Dr Khan, scan clear.  ")

    assert hold.hold_for(user, user) is None
    assert change.kind == ChangeKind.CLEARED
    assert change.after == {"checked_on": "2025-06-10", "note": "Seen by Dr Khan, scan clear."}
    assert change.before is not None
    assert change.before["held"] == "urgent"
    assert services.history(user, user)[0] == change


def test_it_holds_again_after_a_new_red_flag(user: User, program: Program, clock: Any) -> None:
    red_flag(user)
    later(clock)
    hold.record_clearance(user, NIGHT)
    later(clock)

    red_flag(user, "dark_urine")

    held = hold.hold_for(user, user)
    assert held is not None
    assert held.level == "emergency"


def test_it_holds_again_when_changed_answers_still_show_a_red_flag(
    user: User, program: Program, clock: Any
) -> None:
    assessment = red_flag(user)
    later(clock)
    hold.record_clearance(user, NIGHT)
    later(clock)

    updated = answers("leg_pain_at_rest", "dark_urine").model_dump(mode="json")
    assessment_services.save_answers(user, updated, assessment=assessment)

    assert hold.hold_for(user, user) is not None


@pytest.mark.parametrize(
    ("checked_on", "field", "message"),
    [
        (NIGHT + timedelta(days=1), "checked_on", "in the future"),
        (NIGHT - timedelta(days=1), "checked_on", "before your check"),
    ],
    ids=["future", "before the assessment"],
)
def test_it_refuses_a_check_dated_in_the_future_or_before_the_assessment(
    user: User, program: Program, checked_on: date, field: str, message: str
) -> None:
    red_flag(user)

    with pytest.raises(hold.ValidationError) as error:
        hold.record_clearance(user, checked_on)

    assert message in " ".join(error.value.message_dict[field])
    assert hold.hold_for(user, user) is not None
    assert not ProgramChange.objects.for_user(user).filter(kind=ChangeKind.CLEARED).exists()


def test_it_refuses_a_check_when_nothing_is_held(user: User, program: Program) -> None:
    with pytest.raises(hold.ValidationError) as error:
        hold.record_clearance(user, NIGHT)

    assert "not on hold" in " ".join(error.value.message_dict["checked_on"])


# -- every urgent and emergency rule holds the program --------------------------------------------

RED_FLAG_RULES = sorted(r.id for r in load_clinical().rules if r.level in ("urgent", "emergency"))


def _vignette_firing(rule: str) -> Any:
    return next(v for v in VIGNETTES if rule in v.rules and v.level in ("urgent", "emergency"))


@pytest.mark.parametrize("rule", RED_FLAG_RULES)
def test_it_holds_the_program_for_every_urgent_and_emergency_rule(
    user: User, program: Program, rule: str
) -> None:
    vignette = _vignette_firing(rule)
    payload = answers(
        *vignette.yes, unanswered=vignette.unanswered, missing=vignette.missing, **vignette.fields
    ).model_dump(mode="json")
    assessment_services.save_assessment(user, payload)

    held = hold.hold_for(user, user)

    assert held is not None, rule
    assert rule in held.rules
    assert held.level == vignette.level
    assert held.hides_calf_loading == bool(CALF_LOADING_RULES.intersection(held.rules))
    with pytest.raises(hold.ProgramHeld):
        sessions.finish_session(user, difficulty=2, pain=0)


def test_it_names_only_rules_that_exist_as_calf_loading_ones() -> None:
    rules = {rule.id: rule.level for rule in load_clinical().rules}

    assert set(CALF_LOADING_RULES) <= set(rules)
    assert {rules[rule] for rule in CALF_LOADING_RULES} <= {"urgent", "emergency"}
    for suspected in ("possible_clot_in_leg", "possible_muscle_breakdown"):
        assert suspected in CALF_LOADING_RULES


# -- the pages ------------------------------------------------------------------------------------


def test_it_holds_the_today_page_with_an_explanation_and_call_buttons(
    owner_client: Client, user: User, program: Program
) -> None:
    red_flag(user)

    response = owner_client.get("/program/", HTTP_ACCEPT_LANGUAGE="en-GB")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Get checked first" in page
    assert "Your stretching program is on hold" in page
    assert 'href="tel:999"' in page
    assert 'href="tel:111"' in page
    assert "Start tonight" not in page
    assert 'action="/program/checked/"' in page


def test_it_holds_the_session_player(owner_client: Client, user: User, program: Program) -> None:
    red_flag(user)

    response = owner_client.get("/program/session/")

    page = response.content.decode()
    assert "Get checked first" in page
    assert 'id="player"' not in page


def test_it_logs_no_session_from_the_page_while_held(
    owner_client: Client, user: User, program: Program
) -> None:
    red_flag(user)

    response = owner_client.post("/program/session/finish/", {"difficulty": 3, "pain": 0})

    assert response.status_code == 409
    assert not Session.objects.for_user(user).exists()


def test_it_shows_no_tonight_card_on_the_home_page_while_held(
    owner_client: Client, user: User, program: Program
) -> None:
    red_flag(user)

    page = owner_client.get("/").content.decode()

    assert "Your program is on hold" in page
    assert "Start tonight’s stretches" not in page
    assert 'href="/program/session/"' not in page


def test_it_lifts_the_hold_from_the_form_and_shows_it_in_the_history(
    owner_client: Client, user: User, program: Program, clock: Any
) -> None:
    red_flag(user)
    later(clock)

    response = clear(owner_client, note="GP says fine")

    assert response.status_code == 302
    assert response["Location"] == "/program/"
    assert hold.hold_for(user, user) is None
    assert "Get checked first" not in owner_client.get("/program/").content.decode()
    history = owner_client.get("/program/history/").content.decode()
    assert "Checked by a doctor or nurse on 2025-06-10" in history
    assert "GP says fine" in history


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"checked_on": "2025-06-11"}, "in the future"),
        ({"checked_on": "2025-06-01"}, "before your check"),
        ({"checked_on": "not a date"}, "Give the date as day, month and year"),
        ({}, "Give the day you were checked"),
        ({"checked_on": "2025-06-10", "note": "x" * 501}, "at most 500 characters"),
    ],
    ids=["future", "before", "garbled", "missing", "long note"],
)
def test_it_explains_a_bad_check_date_and_saves_nothing(
    owner_client: Client, user: User, program: Program, data: dict[str, str], message: str
) -> None:
    red_flag(user)

    response = owner_client.post("/program/checked/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert hold.hold_for(user, user) is not None


def test_it_needs_the_csrf_token_for_the_check(user: User, program: Program) -> None:
    red_flag(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = clear(client)

    assert response.status_code == 403
    assert hold.hold_for(user, user) is not None


def test_it_hides_calf_exercises_from_the_plan_while_a_clot_is_suspected(
    owner_client: Client, user: User, program: Program, clock: Any
) -> None:
    calf_ids = [
        i.exercise_id for i in program.get_plan().items if hold.is_calf_loading(i.exercise_id)
    ]
    assert calf_ids, "the typical plan has calf stretches"
    red_flag(user, "calf_swelling_one_side", "breathless_or_chest_pain")

    page = owner_client.get("/program/plan/").content.decode()
    api = owner_client.get("/api/v1/program").json()

    assert "Calf exercises and massage are hidden" in page
    assert not {item["exercise_id"] for item in api["items"]} & set(calf_ids)
    assert api["held"]["hides_calf_loading"] is True
    later(clock)
    clear(owner_client)
    api = owner_client.get("/api/v1/program").json()
    assert set(calf_ids) <= {item["exercise_id"] for item in api["items"]}
    assert api["held"] is None


def test_it_keeps_calf_exercises_in_the_plan_when_the_hold_is_not_about_the_calf(
    owner_client: Client, user: User, program: Program
) -> None:
    red_flag(user, "leg_pain_at_rest")

    api = owner_client.get("/api/v1/program").json()

    assert api["held"]["hides_calf_loading"] is False
    assert any(hold.is_calf_loading(item["exercise_id"]) for item in api["items"])


# -- the API --------------------------------------------------------------------------------------


def test_it_reports_the_hold_in_the_api_and_refuses_sessions_with_409(
    owner_client: Client, user: User, program: Program
) -> None:
    red_flag(user)

    detail = owner_client.get("/api/v1/program").json()
    progress = owner_client.post(
        "/api/v1/program/session/progress",
        {"step": 0, "item": 0, "phase": "hold", "remaining": 5},
        content_type="application/json",
    )
    finish = owner_client.post(
        "/api/v1/program/session/finish",
        {"difficulty": 2, "pain": 0},
        content_type="application/json",
    )

    assert detail["held"]["level"] == "urgent"
    assert detail["held"]["rules"] == ["leg_pain_at_rest"]
    for response in (progress, finish):
        assert response.status_code == 409
        body = response.json()
        assert "on hold" in body["detail"]
        assert body["held"]["level"] == "urgent"
    assert not Session.objects.for_user(user).exists()


def test_it_lifts_the_hold_through_the_api(
    owner_client: Client, user: User, program: Program, clock: Any
) -> None:
    red_flag(user)
    later(clock)

    response = owner_client.post(
        "/api/v1/program/clearance",
        {"checked_on": "2025-06-10", "note": "seen"},
        content_type="application/json",
    )
    future = owner_client.post(
        "/api/v1/program/clearance", {"checked_on": "2025-06-10"}, content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "cleared"
    assert owner_client.get("/api/v1/program").json()["held"] is None
    assert future.status_code == 422  # nothing held any more


def test_it_documents_the_hold_in_the_openapi_schema(owner_client: Client) -> None:
    schema = owner_client.get("/api/v1/openapi.json").json()

    finish = schema["paths"]["/api/v1/program/session/finish"]["post"]
    assert "409" in finish["responses"]
    assert "/api/v1/program/clearance" in schema["paths"]
    assert "held" in schema["components"]["schemas"]["ProgramOut"]["properties"]


# -- reminders and the calendar -------------------------------------------------------------------


def test_it_sends_no_reminder_while_held_and_sends_again_once_cleared(
    user: User, program: Program, clock: Any, mailoutbox: list[Any]
) -> None:
    services.change_reminder(user, email=True)
    red_flag(user)

    call_command("send_reminders")
    assert reminders.send_due_reminders(IN_WINDOW) == 0
    assert mailoutbox == []

    later(clock)
    hold.record_clearance(user, NIGHT)
    assert reminders.send_due_reminders(IN_WINDOW) == 1
    assert len(mail.outbox) == 1


def test_it_has_no_session_in_the_calendar_while_held(
    client: Client, user: User, program: Program, clock: Any
) -> None:
    secret = calendar.new_calendar_token(user)
    red_flag(user)

    held = icalendar.Calendar.from_ical(client.get(f"/program/calendar/{secret}.ics").content)
    later(clock)
    hold.record_clearance(user, NIGHT)
    cleared = icalendar.Calendar.from_ical(client.get(f"/program/calendar/{secret}.ics").content)

    assert held.walk("VEVENT") == []
    assert len(cleared.walk("VEVENT")) == 1
