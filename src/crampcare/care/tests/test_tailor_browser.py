"""In Chromium: Tess tailors Olive's plan, is warned that pigeon pose goes against Olive's hip
replacement, confirms she checked it with her; then Olive's plan page and its history show the
change and Tess's note. axe and screenshots in both colour schemes, phone and desktop."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.care.tests.conftest import Team
from crampcare.programs.models import Program
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look_both_schemes, sign_in_with_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Only the gentle version, as we tried on Tuesday: stop if the hip aches."


def test_a_clinician_tailors_and_the_person_sees_it(
    page: Any, live_server: Any, team: Team
) -> None:
    olive = team.person
    make_program(olive, now=timezone.now(), conditions=["hip_replacement"])
    sign_in_with_cookie(page, live_server, team.clinician)

    page.goto(f"{live_server.url}/care/patients/{olive.pk}/plan/")
    page.get_by_role("heading", name="Olive’s plan").wait_for()
    assert page.get_by_role("link", name="Your people").get_attribute("href") == "/care/"
    look_both_schemes(page, "tailor-plan")
    calf = page.get_by_role("article", name="Wall calf stretch")
    calf.get_by_text("Change how much or how often").click()
    calf.get_by_label("Hold (seconds)").wait_for()
    look_both_schemes(page, "tailor-dose-form")

    add = page.locator("#form-add-plan")
    add.get_by_label("Exercise").select_option("pigeon-pose")
    add.get_by_label("In the daytime").check()
    add.get_by_label("Note to the person").fill(NOTE)
    add.get_by_role("button", name="Add it").click()

    warning = page.get_by_role("alert").filter(has_text="goes against a caution")
    warning.wait_for()
    assert "hip replacement" in warning.inner_text()
    assert Program.objects.for_user(olive).get().get_plan().item("added-pigeon-pose") is None
    look_both_schemes(page, "tailor-caution")

    add = page.locator("#form-add-plan")
    add.get_by_label("I have checked this with the person").check()
    add.get_by_role("button", name="Add it").click()
    page.get_by_text("Saved. Olive sees the change and your note on their plan.").wait_for()
    assert Program.objects.for_user(olive).get().get_plan().item("added-pigeon-pose") is not None

    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, olive)
    page.goto(f"{live_server.url}/program/plan/")
    changes = page.get_by_role("region", name="Changes from your care team")
    changes.wait_for()
    text = changes.inner_text()
    assert "Pigeon pose added to your daytime exercises." in text
    assert "Tess (your care team) changed this on" in text
    assert NOTE in text
    look_both_schemes(page, "plan-care-changes")

    page.goto(f"{live_server.url}/program/history/")
    assert NOTE in page.get_by_role("region", name="Changes").inner_text()
    look_both_schemes(page, "history-care-changes")
