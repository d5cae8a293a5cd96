"""Import from Apple Health on a phone (390 px): the upload, what was imported, and a bad file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.diary.models import HealthDay
from crampcare.portability.tests.health_exports import JUNE_5, export_xml, export_zip
from crampcare.testing.browser import look
from crampcare.testing.browser import sign_in_with_cookie as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "Your Apple Health export (export.zip)"


def test_it_imports_an_export_and_says_what_came_in(
    page: Any, live_server: Any, user: User, tmp_path: Path
) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(export_zip(export_xml(*JUNE_5)))
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/diary/data/", timeout=60_000)
    page.get_by_role("heading", name="Import from Apple Health").wait_for()
    page.get_by_label(LABEL).set_input_files(str(archive))
    page.get_by_role("button", name="Import from Apple Health").click()
    page.get_by_role("heading", name="Imported", exact=True).wait_for()
    assert "1 night of sleep" in page.inner_text("main")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    look(page, "apple-health-imported")
    assert HealthDay.objects.for_user(user).count() == 1


def test_it_says_what_is_wrong_with_a_file(
    dark_page: Any, live_server: Any, user: User, tmp_path: Path
) -> None:
    photo = tmp_path / "export.zip"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    _sign_in(dark_page, live_server, user)
    dark_page.goto(live_server.url + "/diary/data/apple-health/", timeout=60_000)
    dark_page.get_by_label(LABEL).set_input_files(str(photo))
    dark_page.get_by_role("button", name="Import", exact=True).click()
    dark_page.get_by_role("heading", name="Nothing was imported").wait_for()
    assert "This is a picture (JPEG)" in dark_page.inner_text("main")
    look(dark_page, "apple-health-refused-dark")
    assert not HealthDay.objects.for_user(user).exists()


def test_it_shows_the_bytes_read_then_what_came_in(
    page: Any, live_server: Any, user: User, tmp_path: Path
) -> None:
    from django.test.utils import override_settings

    from crampcare.accounts.models import TaskProgress
    from crampcare.portability.tasks import import_health

    archive = tmp_path / "export.zip"
    archive.write_bytes(export_zip(export_xml(*JUNE_5)))
    # A queue nobody works on until the test plays the worker.
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        _sign_in(page, live_server, user)
        page.goto(live_server.url + "/diary/data/apple-health/", timeout=60_000)
        page.get_by_label(LABEL).set_input_files(str(archive))
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_role("heading", name="Importing from Apple Health", level=1).wait_for()
        bar = page.get_by_role("progressbar", name="Waiting to start")
        assert bar.is_visible()
        assert page.get_by_role("status").inner_text() == "0% done."
        record = TaskProgress.objects.for_user(user).get()
        # Half way through, as the worker writes it: the next poll shows the bytes read.
        TaskProgress.objects.for_user(user).filter(pk=record.pk).update(
            state="running", done=6 * 1024 * 1024, total=12 * 1024 * 1024
        )
        page.get_by_text("50% done: 6.0\xa0MB of 12.0\xa0MB read.").wait_for(timeout=10_000)
        assert (
            page.get_by_role("progressbar", name="Reading and saving your file").get_attribute(
                "value"
            )
            == "50"
        )
        look(page, "apple-health-progress")
        import_health.call(record.pk)
        # The page asks again every second; once the worker is done it shows the result.
        page.get_by_role("heading", name="Imported", exact=True).wait_for(timeout=10_000)
    assert "1 day, 1 night and 1 workout" in page.inner_text("main")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    look(page, "apple-health-progress-done")
    assert HealthDay.objects.for_user(user).count() == 1
