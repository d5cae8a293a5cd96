from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from crampcare.accounts.models import User
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.testing.browser import look, look_both_schemes
from crampcare.testing.browser import sign_in_with_cookie as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo_user() -> User:
    call_command("demo", "--time-zone", "Europe/London", stdout=io.StringIO())
    return User.objects.get(email="demo@example.org")


def test_it_checks_in_and_logs_a_cramp_in_one_tap(page: Any, live_server: Any, user: User) -> None:
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/diary/")
    page.get_by_role("heading", name="How was last night?").wait_for()
    # A brand-new account is not told to fill in two weeks it never had.
    assert page.get_by_text("missed nights").count() == 0
    look_both_schemes(page, "diary-empty")

    # The morning check-in: one tap for the count, one for the pain, swapped in place by htmx.
    page.get_by_role("button", name="2 cramps").click()
    page.get_by_role("heading", name="How painful were they?").wait_for()
    assert page.url == live_server.url + "/diary/"
    look(page, "diary-checkin-pain")
    page.get_by_role("button", name="6", exact=True).click()
    page.get_by_role("heading", name="Saved").wait_for()
    look(page, "diary-checkin-saved")
    checkin = NightCheckin.objects.for_user(user).get()
    assert (checkin.cramp_count, checkin.severity) == (2, 6)

    # One tap logs a cramp now; the details are optional.
    page.goto(live_server.url + "/diary/")
    page.get_by_role("button", name="I had a cramp").click()
    page.get_by_text("Cramp logged at").wait_for()
    assert CrampEpisode.objects.for_user(user).count() == 1
    look(page, "diary-cramp-details")
    page.locator("label", has_text="Calf").click()
    page.locator("#id_severity label", has_text="7").click()
    page.locator("label", has_text="Stretching").click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Cramp saved.").wait_for()
    episode = CrampEpisode.objects.for_user(user).get()
    assert (episode.muscle, episode.severity, episode.helped) == ("calf", 7, ["stretching"])
    look(page, "diary-after-logging")


def test_it_works_without_javascript(browser: Any, live_server: Any, user: User) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _sign_in(page, live_server, user)
        page.goto(live_server.url + "/diary/checkin/")
        page.get_by_role("button", name="No cramps").click()
        page.get_by_text("Saved your check-in").wait_for()
        assert NightCheckin.objects.for_user(user).get().cramp_count == 0
    finally:
        context.close()


def test_it_shows_every_diary_page_on_a_full_demo_diary(page: Any, live_server: Any) -> None:
    user = _demo_user()
    _sign_in(page, live_server, user)
    episode = CrampEpisode.objects.for_user(user).first()
    checkin = NightCheckin.objects.for_user(user).first()
    factors = DailyFactors.objects.for_user(user).first()
    assert episode is not None
    assert checkin is not None
    assert factors is not None
    pages = {
        "diary-demo": "/diary/",
        "diary-backfill": "/diary/backfill/",
        "diary-log-cramp": "/diary/cramp/?muscle=calf",
        "diary-new-cramp": "/diary/cramps/new/",
        "diary-edit-cramp": f"/diary/cramps/{episode.pk}/",
        "diary-delete-cramp": f"/diary/cramps/{episode.pk}/delete/",
        "diary-checkin-page": f"/diary/checkin/?night={checkin.night}",
        "diary-checkin-severity": f"/diary/checkin/severity/?night={checkin.night}",
        "diary-checkin-details": f"/diary/checkin/details/?night={checkin.night}",
        "diary-delete-checkin": f"/diary/checkins/{checkin.pk}/delete/",
        "diary-factors": f"/diary/factors/?date={factors.date}",
        "diary-delete-factors": f"/diary/factors/{factors.pk}/delete/",
        "diary-data": "/diary/data/",
    }
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        look(page, name)


def test_it_shows_errors_beside_the_fields(page: Any, live_server: Any, user: User) -> None:
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/diary/factors/")
    page.get_by_label("How many cups of drink?").fill("55")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Please check what you entered").wait_for()
    assert page.get_by_label("How many cups of drink?").input_value() == "55"
    look(page, "diary-factors-error")


def test_it_looks_right_in_dark_mode(dark_page: Any, live_server: Any) -> None:
    user = _demo_user()
    _sign_in(dark_page, live_server, user)
    night = NightCheckin.objects.for_user(user).first()
    episode = CrampEpisode.objects.for_user(user).first()
    assert night is not None
    assert episode is not None
    for name, path in {
        "diary-demo": "/diary/",
        "diary-checkin-page": f"/diary/checkin/?night={night.night}",
        "diary-checkin-severity": f"/diary/checkin/severity/?night={night.night}",
        "diary-edit-cramp": f"/diary/cramps/{episode.pk}/",
        "diary-factors": "/diary/factors/",
        "diary-backfill": "/diary/backfill/",
    }.items():
        dark_page.goto(live_server.url + path)
        look(dark_page, name)
