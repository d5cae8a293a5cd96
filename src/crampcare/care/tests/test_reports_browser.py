"""In Chromium, on a phone: a clinician asks for the reports of the people in her care, follows
the worker and finds the download; axe on each page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test.utils import override_settings

from crampcare.accounts.models import TaskProgress
from crampcare.care import bulk_reports, services
from crampcare.care.models import Organisation, Role
from crampcare.care.tests.conftest import bring_in
from crampcare.care.tests.test_dashboard_browser import _sign_in
from crampcare.diary import services as diary
from crampcare.testing.browser import look
from crampcare.testing.builders import make_user
from crampcare.testing.mfa import set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_gets_her_peoples_reports_in_one_zip(page: Any, live_server: Any) -> None:
    from django.utils import timezone

    owner = make_user("owner@example.org", display_name="Ada", is_staff=True)
    tess = make_user("tess@example.org", display_name="Tess Morgan")
    clinic = services.create_organisation(owner, "Riverside Physio", Organisation.Kind.CLINIC)
    services.add_member(owner, clinic, tess, Role.CLINICIAN)
    set_up_app(tess)
    for name in ("Hal Brennan", "Ruth Okafor"):
        person = make_user(f"{name.split()[0].lower()}@example.org", display_name=name)
        services.add_member(owner, clinic, person, Role.MEMBER)
        bring_in(tess, person)
        diary.create_episode(person, started_at=timezone.now())

    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        _sign_in(page, live_server, tess)
        page.goto(live_server.url + "/care/")
        page.get_by_role("link", name="Reports of your people").click()
        page.get_by_role("heading", name="Reports of your people", level=1).wait_for()
        assert page.get_by_label("Hal Brennan").is_checked()
        assert page.get_by_label("Ruth Okafor").is_checked()
        look(page, "care-reports")
        page.get_by_label("Ruth Okafor").uncheck()
        page.get_by_role("button", name="Make the reports").click()
        page.get_by_role("heading", name="Making the reports", level=1).wait_for()
        assert page.get_by_role("progressbar").is_visible()
        look(page, "care-reports-progress")
        record = TaskProgress.objects.for_user(tess).get(kind=bulk_reports.KIND)
        hal = services.patients(tess).get(person__display_name="Hal Brennan").person_id
        assert hal is not None
        bulk_reports.build_reports.call(record.pk, [hal], 8)
        page.get_by_role("heading", name="Your reports are ready").wait_for(timeout=10_000)
    assert "1 report, in one zip." in page.inner_text("main")
    look(page, "care-reports-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the reports (.zip)").click()
    assert download.value.suggested_filename.endswith(".zip")
