"""In Chromium: an organisation's admin opens its outcomes page. axe in light and dark, and
screenshots at 390 px and 1280 px in each; the chart is an SVG image named by its finding, with
the numbers in a table beside it; a hidden band says why."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.care import services
from crampcare.care.models import Organisation, Role
from crampcare.care.tests.population import Person, add_person, baseline, week6
from crampcare.testing.browser import look_both_schemes, sign_in_with_cookie
from crampcare.testing.builders import make_user
from crampcare.testing.mfa import set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _clinic() -> tuple[Any, Organisation]:
    """50 members: 12 with no program, 3 at 0% this week (hidden, and the 50-79% band with
    them), 11 at 1-49%, 10 at 50-79%, 14 at 80-100%; the last 25 measured before and in week 6."""
    admin = make_user("alex@example.org", display_name="Alex")
    set_up_app(admin)
    clinic = services.create_organisation_for(admin, "Lakeside Clinic", Organisation.Kind.CLINIC)
    owner = make_user("owner@example.org", is_staff=True)
    services.add_member(admin, clinic, owner, Role.CLINICIAN)
    for _ in range(12):
        add_person(admin, clinic, Person(started=None))
    for _ in range(3):
        add_person(admin, clinic, Person(done_this_week=0))
    for _ in range(10):
        add_person(admin, clinic, Person(done_this_week=4))
    for n in range(11):
        add_person(
            admin,
            clinic,
            Person(done_this_week=2, checkins={**baseline([2] * 14), **week6([n % 3] * 7)}),
        )
    for n in range(14):
        add_person(
            admin,
            clinic,
            Person(done_this_week=7, checkins={**baseline([3] * 14), **week6([n % 4] * 7)}),
        )
    return admin, clinic


def test_an_admin_reads_the_outcomes(page: Any, live_server: Any) -> None:
    admin, clinic = _clinic()
    sign_in_with_cookie(page, live_server, admin)
    page.goto(f"{live_server.url}/care/organisations/{clinic.pk}/outcomes/")
    page.get_by_role("heading", name="Outcomes: Lakeside Clinic").wait_for()

    chart = page.get_by_role("img", name="The largest group: 80–100% (14 people).")
    assert chart.is_visible()
    table = page.get_by_role("table", name="Members by the share of this week’s planned nights")
    assert table.get_by_role("row", name="No program yet 12").is_visible()
    assert table.get_by_role("row", name="80–100% 14").is_visible()
    hidden = table.get_by_role("row", name="0% of planned nights")
    assert "fewer than 10 people" in hidden.inner_text()
    assert page.get_by_text(
        "In week 6, the middle person had 1.00 fewer cramps per night"
    ).is_visible()
    look_both_schemes(page, "care-outcomes")
