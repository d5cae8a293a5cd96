"""The import's problems, read on a phone (390 px) in light and dark mode."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from crampcare.accounts.models import User
from crampcare.diary.models import CrampEpisode
from crampcare.testing.browser import look
from crampcare.testing.browser import sign_in_with_cookie as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EPISODES = (
    "started_at,muscle,side,severity,duration_minutes,woke_me,helped,notes\n"
    "2024-06-05T01:14:05+01:00,calf,left,7,2,yes,stretching,\n"
    "yesterday at three,calf,left,7,2,yes,stretching,\n"
    "2024-06-07T01:14:05+01:00,big toe,left,12,2,maybe,dancing;stretching,\n"
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_lists_import_problems_readably_on_a_phone(
    page: Any, dark_page: Any, live_server: Any, user: User, tmp_path: Path, scheme: str
) -> None:
    page = dark_page if scheme == "dark" else page
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("episodes.csv", EPISODES)
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/diary/data/", timeout=60_000)
    page.get_by_label("Your crampcare export (.zip or .json)").set_input_files(str(archive))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_role("heading", name="Problems found in the file").wait_for()
    items = page.locator("ol.problems > li")
    texts = items.all_inner_texts()
    assert len(texts) == 2, texts
    assert texts[0].startswith("episodes.csv, line 3, started_at\nshould be a date and time")
    assert texts[1].startswith("episodes.csv, line 4, woke_me\nshould be yes, no, or blank")
    # Nothing is cut off or scrolls sideways at 390 px: every problem fits the screen's width.
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for box in (items.nth(n).bounding_box() for n in range(items.count())):
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    look(page, f"diary-import-problems-{scheme}")
    assert not CrampEpisode.objects.for_user(user).exists()


def test_it_shows_the_imports_progress_and_moves_on_when_the_worker_is_done(
    page: Any, live_server: Any, user: User, tmp_path: Path
) -> None:
    from django.test.utils import override_settings

    from crampcare.accounts.models import TaskProgress
    from crampcare.portability.tasks import import_archive
    from crampcare.testing.browser import look_both_schemes

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "episodes.csv", EPISODES.splitlines(keepends=True)[0] + EPISODES.split("\n")[1] + "\n"
        )
    # A queue nobody works on until the test plays the worker.
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        _sign_in(page, live_server, user)
        page.goto(live_server.url + "/diary/data/", timeout=60_000)
        page.get_by_label("Your crampcare export (.zip or .json)").set_input_files(str(archive))
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_role("heading", name="Importing your data").wait_for()
        assert page.get_by_role("status").inner_text() == "0% done."
        look_both_schemes(page, "diary-import-progress")
        record = TaskProgress.objects.for_user(user).get()
        import_archive.call(record.pk, False)
        # The page asks again every second; once the import is done it goes to the diary.
        page.wait_for_url(live_server.url + "/diary/", timeout=10_000)
    assert "Imported 1 new entries and updated 0." in page.content()
    assert CrampEpisode.objects.for_user(user).count() == 1
