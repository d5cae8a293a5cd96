"""In Chromium: an admin runs an organisation (its people by role, a roster upload with a problem
report, then a good one), and a visitor checks their cover, gets the neutral miss, then a hit,
enrols and signs in to finish. axe and screenshots (phone and desktop, light and dark) on each
page."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.care.models import Membership, Role, RosterEntry
from crampcare.care.tests.conftest import SECRET_NOTE, Team
from crampcare.testing.browser import look_both_schemes, sign_in_with_cookie
from crampcare.testing.builders import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_ROSTER = (
    "email,member_id,name,date_of_birth\n"
    "walter@example.org,RP-002,Walter Roster,1950-02-03\n"
    ",,Nobody,1960-01-01\n"
    "june@example.org,,June Roster,30/06/1988\n"
    "WALTER@example.org,,Walter again,1950-02-03\n"
)
GOOD_ROSTER = (
    "email,member_id,name,date_of_birth\n"
    "walter@example.org,RP-002,Walter Roster,1950-02-03\n"
    "june@example.org,,June Roster,1988-06-30\n"
)


def _choose(page: Any, text: str) -> None:
    page.get_by_label("Roster file (.csv)").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Upload").click()


def test_an_admin_runs_the_organisation_and_uploads_its_roster(
    page: Any, live_server: Any, team: Team
) -> None:
    sign_in_with_cookie(page, live_server, team.admin)
    page.goto(live_server.url + "/care/organisations/")
    page.get_by_role("heading", name="Your organisations").wait_for()
    look_both_schemes(page, "care-organisations")
    page.get_by_role("link", name="Riverside Physio").click()
    page.get_by_role("heading", name="Riverside Physio", level=1).wait_for()
    assert page.get_by_role("heading", name="Clinicians").is_visible()
    assert SECRET_NOTE not in page.content()
    look_both_schemes(page, "care-organisation")

    # Ask Cleo to follow Sam: an invitation he still accepts.
    page.get_by_label("Member", exact=True).select_option(label="Sam (stranger@example.org)")
    page.get_by_label("Clinician", exact=True).select_option(label="Cleo (cleo@example.org)")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Cleo invited stranger@example.org by email.").wait_for()

    page.get_by_role("link", name="Roster: 0 people").click()
    page.get_by_role("heading", name="Roster", exact=True).wait_for()
    _choose(page, BAD_ROSTER)
    page.get_by_role("heading", name="Problems in the file").wait_for()
    assert page.get_by_text("Nothing was saved: 3 problems need fixing first.").is_visible()
    problems = page.locator(".roster-problems li").all_inner_texts()
    assert problems == [
        "Line 3: has no email and no member id: give at least one.",
        "Line 4, date_of_birth: “30/06/1988” is not a date like 1958-04-23 (year-month-day).",
        "Line 5, email: is the same email as line 2.",
    ]
    look_both_schemes(page, "care-roster-problems")
    assert not RosterEntry.objects.exists()

    _choose(page, GOOD_ROSTER)
    page.get_by_text("The roster now holds 2 people.").wait_for()
    assert page.get_by_role("cell", name="1988-06-30").is_visible()
    look_both_schemes(page, "care-roster")


def test_a_visitor_checks_their_cover_and_enrols(page: Any, live_server: Any, team: Team) -> None:
    from io import BytesIO

    from crampcare.care import organisations

    organisations.upload_roster(
        team.admin, team.riverside.pk, BytesIO(GOOD_ROSTER.encode()), len(GOOD_ROSTER)
    )
    walter = make_user("walter@example.org", display_name="Walter")

    page.goto(live_server.url + "/coverage/")
    page.get_by_role("heading", name="Is my program covered?").wait_for()
    look_both_schemes(page, "coverage-check")
    page.get_by_label("Email address or member id").fill("rp-002")
    page.get_by_label("Date of birth").fill("1950-02-04")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Not confirmed").wait_for()
    look_both_schemes(page, "coverage-miss")

    page.get_by_label("Date of birth").fill("1950-02-03")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="You are covered").wait_for()
    look_both_schemes(page, "coverage-hit")
    page.get_by_role("button", name="Enrol with Riverside Physio").click()

    page.get_by_role("heading", name="One more step").wait_for()
    look_both_schemes(page, "coverage-enrol-sign-in")
    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email").fill(walter.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="You are enrolled").wait_for()
    look_both_schemes(page, "coverage-enrolled")
    assert Membership.objects.filter(
        organisation=team.riverside, user=walter, role=Role.MEMBER
    ).exists()
    assert RosterEntry.objects.get(member_id="RP-002").enrolled_user == walter
