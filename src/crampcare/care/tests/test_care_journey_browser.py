"""The care team's whole journey in Chromium, two people in two browsers: Tess (a clinician with
two-step sign-in) invites Olive from her page; Olive opens the link, sees who is asking and
accepts; Olive logs a cramp from the relief guide; Tess finds her on the dashboard, opens her
page, sees the cramp and tailors her plan with a note; Olive's plan shows the change and the
note, and her access log shows Tess's looks. axe and screenshots on every page, both schemes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.care import services
from crampcare.care.models import AuditRecord, CareRelationship, Organisation, Role, Status
from crampcare.programs.models import Program
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look, look_both_schemes, sign_in_with_cookie
from crampcare.testing.builders import make_user
from crampcare.testing.mfa import set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Two repetitions are plenty while the calf is this sore; we will build up next week."


def test_invite_accept_log_dashboard_tailor_and_the_person_sees_it(
    page: Any, dark_page: Any, live_server: Any
) -> None:
    owner = make_user("ada@example.org", display_name="Ada", is_staff=True)
    tess = make_user("tess@example.org", display_name="Tess")
    olive = make_user("olive@example.org", display_name="Olive")
    clinic = services.create_organisation(owner, "Riverside Physio", Organisation.Kind.CLINIC)
    services.add_member(owner, clinic, tess, Role.CLINICIAN)
    set_up_app(tess)
    make_program(olive, now=timezone.now())

    # Tess invites Olive from her page.
    clinician = page
    sign_in_with_cookie(clinician, live_server, tess)
    clinician.goto(live_server.url + "/care/")
    clinician.get_by_role("link", name="Invite a person").first.click()
    clinician.get_by_label("Their email address").fill("olive@example.org")
    clinician.get_by_role("button", name="Send the invitation").click()
    clinician.get_by_role("heading", name="Invitation sent to olive@example.org").wait_for()
    code = clinician.locator("#invite-code").inner_text().strip()
    link = clinician.locator(".invite-link").inner_text().strip()
    assert code in link
    look_both_schemes(clinician, "care-journey-invite-sent")

    # Olive, in her own browser, opens the link, sees who asks, and accepts.
    person = dark_page
    sign_in_with_cookie(person, live_server, olive)
    person.goto(live_server.url + "/care/accept/?code=" + code)
    person.get_by_text("at Riverside Physio asked to follow your progress").wait_for()
    look_both_schemes(person, "care-journey-accept")
    person.get_by_role("button", name="Accept").click()
    person.get_by_text("Tess can now see your diary, checks, program and insights.").wait_for()
    assert CareRelationship.objects.get(clinician=tess, person=olive).status == Status.ACTIVE
    look(person, "care-journey-care-team")

    # Olive logs a cramp at the end of the relief guide.
    person.goto(live_server.url + "/cramp-now/calf/?state=easing")
    person.get_by_role("button", name="Log this cramp").click()
    person.wait_for_url("**/diary/**")

    # Tess finds her on the dashboard and opens her page: the cramp is there.
    clinician.goto(live_server.url + "/care/")
    row = clinician.get_by_role("link", name="Olive")
    row.wait_for()
    look_both_schemes(clinician, "care-journey-dashboard")
    row.click()
    clinician.get_by_role("heading", name="Olive", level=1).wait_for()
    assert clinician.get_by_text("Calf").first.is_visible()
    look_both_schemes(clinician, "care-journey-person")

    # She tailors the plan: fewer repetitions of the wall calf stretch, with a note.
    clinician.get_by_role("link", name="Tailor the plan").click()
    clinician.get_by_role("heading", name="Olive’s plan").wait_for()
    calf = clinician.get_by_role("article", name="Wall calf stretch")
    calf.get_by_text("Change how much or how often").click()
    calf.get_by_label("Repetitions").fill("2")
    calf.locator("form:has([name=reps])").get_by_label("Note to the person").fill(NOTE)
    calf.get_by_role("button", name="Save the amount").click()
    clinician.get_by_text("Saved. Olive sees the change and your note on their plan.").wait_for()
    plan = Program.objects.for_user(olive).get().get_plan()
    assert plan.item("calf").dose.reps == 2
    look_both_schemes(clinician, "care-journey-tailored")

    # Olive sees the change and the note on her plan, and Tess's looks in her access log.
    person.goto(live_server.url + "/program/plan/")
    changes = person.get_by_role("region", name="Changes from your care team")
    changes.wait_for()
    assert "Tess (your care team) changed this on" in changes.inner_text()
    assert NOTE in changes.inner_text()
    look_both_schemes(person, "care-journey-plan-sees-note")
    person.goto(live_server.url + "/care/access-log/")
    person.get_by_role("cell", name="Tess").first.wait_for()
    look(person, "care-journey-access-log")
    assert AuditRecord.objects.for_user(olive).filter(actor=tess, action="read").exists()
    assert AuditRecord.objects.for_user(olive).filter(actor=tess, action="change").exists()
