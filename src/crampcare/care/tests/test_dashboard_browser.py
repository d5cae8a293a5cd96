"""In Chromium: a clinician's dashboard and one person's page, at phone and desktop width, in
light and dark, with axe; the sort and filter form works without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.tests.builders import answers
from crampcare.care import services
from crampcare.care.models import Organisation, Role
from crampcare.care.tests.conftest import bring_in
from crampcare.diary import services as diary
from crampcare.programs.tests.builders import do_sessions, make_program
from crampcare.testing.browser import DESKTOP, check_accessibility, look_both_schemes
from crampcare.testing.builders import make_user
from crampcare.testing.cast import signed_in
from crampcare.testing.mfa import set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(owner: User, clinic: Organisation, tess: User, name: str) -> User:
    person = make_user(f"{name.split()[0].lower()}@example.org", display_name=name)
    person.time_zone = "Europe/London"
    person.save(update_fields=["time_zone"])
    services.add_member(owner, clinic, person, Role.MEMBER)
    bring_in(tess, person)
    return person


def _caseload() -> tuple[User, User]:
    """Tess and five people in her care, each showing something else; returns Tess and Hal."""
    owner = make_user("owner@example.org", display_name="Ada", is_staff=True)
    tess = make_user("tess@example.org", display_name="Tess Morgan")
    clinic = services.create_organisation(owner, "Riverside Physio", Organisation.Kind.CLINIC)
    services.add_member(owner, clinic, tess, Role.CLINICIAN)
    set_up_app(tess)
    now = timezone.now()
    hal = _person(owner, clinic, tess, "Hal Brennan")
    make_program(hal, now=now - timedelta(days=10))
    do_sessions(hal, [diary.current_night(hal) - timedelta(days=n) for n in (5, 4)])
    for back in range(1, 12, 2):
        diary.record_checkin(hal, diary.current_night(hal) - timedelta(days=back), cramp_count=1)
    diary.create_episode(hal, started_at=now - timedelta(days=2), notes="Woke me at 3.")
    assessments.save_assessment(hal, answers("leg_pain_at_rest").model_dump(mode="json"))
    ruth = _person(owner, clinic, tess, "Ruth Okafor")
    for back in range(7, 28, 3):
        diary.record_checkin(ruth, diary.current_night(ruth) - timedelta(days=back), cramp_count=1)
    for back in range(4):
        diary.record_checkin(ruth, diary.current_night(ruth) - timedelta(days=back), cramp_count=3)
    pam = _person(owner, clinic, tess, "Pam Ito")
    make_program(pam, now=now - timedelta(days=3))
    do_sessions(pam, [diary.current_night(pam) - timedelta(days=1)], pain=7)
    assessments.save_assessment(pam, answers().model_dump(mode="json"))
    quinn = _person(owner, clinic, tess, "Quinn Adams")
    diary.create_episode(quinn, started_at=now - timedelta(days=12))
    bea = _person(owner, clinic, tess, "Bea Lind")
    make_program(bea, now=now - timedelta(days=6))
    do_sessions(bea, [diary.current_night(bea) - timedelta(days=n) for n in (3, 2, 1)])
    diary.record_checkin(bea, diary.current_night(bea) - timedelta(days=1), cramp_count=0)
    return tess, hal


def _sign_in(page: Any, live_server: Any, user: User) -> None:
    cookie = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_the_dashboard_and_a_persons_page(page: Any, live_server: Any) -> None:
    tess, hal = _caseload()
    _sign_in(page, live_server, tess)
    page.goto(live_server.url + "/care/")
    page.get_by_role("heading", name="Your people").wait_for()
    first = page.locator("table.dashboard tbody tr").first
    assert "Hal Brennan" in first.inner_text()
    assert "New red flag" in first.inner_text()
    assert page.get_by_text("3.0 a night this week, up from 1.0").is_visible()
    look_both_schemes(page, "care-dashboard")
    page.set_viewport_size(DESKTOP)
    check_accessibility(page, "care-dashboard desktop")

    # Only the people with painful sessions, through the plain form
    page.get_by_label("Show").select_option("painful")
    page.get_by_role("button", name="Update the list").click()
    page.wait_for_url("**/care/?sort=attention&flag=painful")
    names = page.locator("table.dashboard tbody th").all_inner_texts()
    assert names == ["Pam Ito"]

    page.goto(live_server.url + "/care/")
    page.get_by_role("link", name="Hal Brennan").click()
    page.get_by_role("heading", name="Hal Brennan", level=1).wait_for()
    assert page.get_by_text("Their program is on hold after a red flag.").is_visible()
    assert page.get_by_text("Woke me at 3.").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    look_both_schemes(page, "care-person")
    page.set_viewport_size(DESKTOP)
    check_accessibility(page, "care-person desktop")
    assert hal.pk
