from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crampcare.accounts.models import User
from crampcare.diary import services
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

# 07:30 on Wednesday 5 June 2024 in London (BST, UTC+1): last night is the night of the 4th.
MORNING = datetime(2024, 6, 5, 6, 30, tzinfo=UTC)
LAST_NIGHT = date(2024, 6, 4)


@pytest.fixture
def londoner(user: User) -> User:
    """A Londoner whose account is a year old, so every recent night can be missing."""
    user.time_zone = "Europe/London"
    user.date_joined = MORNING - timedelta(days=365)
    user.save(update_fields=["time_zone", "date_joined"])
    return user


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_it_logs_a_cramp_in_one_tap_and_offers_the_details(
    owner_client: Client, londoner: User, morning
) -> None:
    response = owner_client.post("/diary/cramp/?muscle=calf")
    episode = CrampEpisode.objects.for_user(londoner).get()
    assert response.status_code == 302
    assert response["Location"] == f"/diary/cramps/{episode.pk}/"
    assert (episode.started_at, episode.muscle, episode.night) == (MORNING, "calf", LAST_NIGHT)
    page = owner_client.get(response["Location"]).content.decode()
    assert "Cramp logged at 07:30" in page
    assert 'value="2024-06-05T07:30"' in page  # the time box is in the person's own zone


def test_it_dates_a_cramp_from_the_relief_guide_to_when_the_guide_started(
    owner_client: Client, londoner: User, morning
) -> None:
    guide_started = MORNING - timedelta(minutes=6)
    owner_client.post(
        "/diary/cramp/", {"muscle": "hamstring", "since": int(guide_started.timestamp())}
    )
    assert CrampEpisode.objects.for_user(londoner).get().started_at == guide_started


def test_it_ignores_an_implausible_relief_start_time(
    owner_client: Client, londoner: User, morning
) -> None:
    owner_client.post("/diary/cramp/", {"muscle": "calf", "since": "tomorrow"})
    owner_client.post("/diary/cramp/", {"muscle": "calf", "since": int(MORNING.timestamp()) + 3600})
    assert CrampEpisode.objects.for_user(londoner).get().started_at == MORNING


def test_it_shows_the_one_tap_button_on_a_get_without_logging(owner_client: Client) -> None:
    page = owner_client.get("/diary/cramp/?muscle=foot").content.decode()
    assert 'name="muscle" value="foot"' in page
    assert not every_row(CrampEpisode).exists()


def test_it_asks_visitors_to_sign_in_before_logging(client: Client, user: User) -> None:
    response = client.post("/diary/cramp/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not every_row(CrampEpisode).exists()


def test_it_saves_edited_details_in_the_persons_zone(
    owner_client: Client, londoner: User, morning
) -> None:
    episode = services.log_cramp(londoner)
    response = owner_client.post(
        f"/diary/cramps/{episode.pk}/",
        {
            "started_at": "2024-06-05T02:10",
            "muscle": "calf",
            "side": "left",
            "severity": "7",
            "duration_minutes": "4",
            "woke_me": "yes",
            "helped": ["stretching", "walking"],
            "notes": "after a long drive",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.started_at == datetime(2024, 6, 5, 1, 10, tzinfo=UTC)
    assert (episode.side, episode.severity, episode.woke_me) == ("left", 7, True)
    assert episode.helped == ["stretching", "walking"]
    assert episode.night == LAST_NIGHT


def test_it_keeps_what_was_typed_and_names_the_bad_field(
    owner_client: Client, londoner: User, morning
) -> None:
    episode = services.log_cramp(londoner)
    response = owner_client.post(
        f"/diary/cramps/{episode.pk}/",
        {"started_at": "2024-06-05T02:10", "duration_minutes": "999", "notes": "kept"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 240." in page
    assert "kept</textarea>" in page
    assert 'value="999"' in page
    episode.refresh_from_db()
    assert episode.notes == ""


def test_it_refuses_a_future_time_beside_the_field(
    owner_client: Client, londoner: User, morning
) -> None:
    response = owner_client.post("/diary/cramps/new/", {"started_at": "2024-06-05T22:00"})
    assert response.status_code == 400
    assert "That time is in the future." in response.content.decode()
    assert not every_row(CrampEpisode).exists()


def test_it_refuses_a_time_the_clocks_skipped(owner_client: Client, londoner: User) -> None:
    # 01:30 on 31 March 2024 never happened in London: the clocks went from 01:00 to 02:00.
    response = owner_client.post("/diary/cramps/new/", {"started_at": "2024-03-31T01:30"})
    assert response.status_code == 400
    assert "Your clocks skipped 01:30" in response.content.decode()


def test_it_deletes_a_cramp_only_after_asking(owner_client: Client, londoner: User) -> None:
    episode = services.create_episode(londoner, started_at=MORNING - timedelta(days=3))
    page = owner_client.get(f"/diary/cramps/{episode.pk}/delete/").content.decode()
    assert "Delete this cramp?" in page
    assert every_row(CrampEpisode).filter(pk=episode.pk).exists()
    response = owner_client.post(f"/diary/cramps/{episode.pk}/delete/")
    assert response.status_code == 302
    assert not every_row(CrampEpisode).filter(pk=episode.pk).exists()


def test_it_checks_in_with_no_cramps_in_one_tap(
    owner_client: Client, londoner: User, morning
) -> None:
    page = owner_client.get("/diary/checkin/").content.decode()
    assert "How was last night?" in page
    assert 'name="night" value="2024-06-04"' in page
    response = owner_client.post("/diary/checkin/", {"night": "2024-06-04", "cramp_count": "0"})
    assert response.status_code == 302
    checkin = NightCheckin.objects.for_user(londoner).get()
    assert (checkin.night, checkin.cramp_count) == (LAST_NIGHT, 0)


def test_it_asks_for_the_pain_after_a_count_and_saves_it(
    owner_client: Client, londoner: User, morning
) -> None:
    response = owner_client.post("/diary/checkin/", {"night": "2024-06-04", "cramp_count": "2"})
    assert response["Location"] == "/diary/checkin/severity/?night=2024-06-04"
    page = owner_client.get(response["Location"]).content.decode()
    assert "How painful were they?" in page
    owner_client.post("/diary/checkin/severity/", {"night": "2024-06-04", "severity": "6"})
    checkin = NightCheckin.objects.for_user(londoner).get()
    assert (checkin.cramp_count, checkin.severity) == (2, 6)


def test_it_swaps_in_the_next_step_for_htmx(owner_client: Client, londoner: User, morning) -> None:
    response = owner_client.post(
        "/diary/checkin/",
        {"night": "2024-06-04", "cramp_count": "3"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card checkin" id="checkin-card"')
    assert "How painful were they?" in page
    done = owner_client.post(
        "/diary/checkin/severity/",
        {"night": "2024-06-04", "severity": "4"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "3 cramps on the night of Tuesday 4 June." in done
    assert "Pain 4 out of 10." in done


def test_it_refuses_a_checkin_for_tonight_before_it_has_begun(
    owner_client: Client, londoner: User, morning
) -> None:
    response = owner_client.post("/diary/checkin/", {"night": "2024-06-05", "cramp_count": "1"})
    assert response.status_code == 400
    assert "That night has not happened yet." in response.content.decode()
    assert not every_row(NightCheckin).exists()


def test_it_refuses_a_count_that_is_not_a_number(
    owner_client: Client, londoner: User, morning
) -> None:
    response = owner_client.post("/diary/checkin/", {"night": "2024-06-04", "cramp_count": "lots"})
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()


def test_it_edits_a_checkin_with_all_its_details(
    owner_client: Client, londoner: User, morning
) -> None:
    services.record_checkin(londoner, LAST_NIGHT, cramp_count=3)
    response = owner_client.post(
        "/diary/checkin/details/",
        {"night": "2024-06-04", "cramp_count": "5", "sleep_disruption": "8", "notes": "rough"},
    )
    assert response.status_code == 302
    checkin = NightCheckin.objects.for_user(londoner).get()
    assert (checkin.cramp_count, checkin.sleep_disruption, checkin.notes) == (5, 8, "rough")


def test_it_lists_the_last_two_weeks_with_the_missing_nights(
    owner_client: Client, londoner: User, morning
) -> None:
    services.record_checkin(londoner, LAST_NIGHT, cramp_count=0)
    services.record_checkin(londoner, date(2024, 6, 1), cramp_count=2)
    page = owner_client.get("/diary/backfill/").content.decode()
    assert "12 nights are missing" in page
    assert "/diary/checkin/?night=2024-06-03" in page
    assert "/diary/checkin/?night=2024-05-22" in page
    assert "/diary/checkin/?night=2024-05-21" not in page  # 15 nights ago


def test_it_asks_a_brand_new_account_only_about_nights_since_it_joined(
    owner_client: Client, londoner: User, morning
) -> None:
    # Joined yesterday evening, when "last night" was the night before: only those two nights
    # can be missing, not the 12 before.
    londoner.date_joined = MORNING - timedelta(hours=12)
    londoner.save(update_fields=["date_joined"])
    diary = owner_client.get("/diary/").content.decode()
    assert "Fill in 2 missed nights" in diary
    page = owner_client.get("/diary/backfill/").content.decode()
    assert "2 nights are missing" in page
    assert f"/diary/checkin/?night={LAST_NIGHT.isoformat()}" in page
    assert "/diary/checkin/?night=2024-06-03" in page
    assert "/diary/checkin/?night=2024-06-02" not in page


def test_it_asks_about_nights_since_the_first_entry_even_before_joining(
    owner_client: Client, londoner: User, morning
) -> None:
    londoner.date_joined = MORNING - timedelta(hours=2)
    londoner.save(update_fields=["date_joined"])
    services.record_checkin(londoner, LAST_NIGHT - timedelta(days=3), cramp_count=1)
    page = owner_client.get("/diary/").content.decode()
    assert "Fill in 3 missed nights" in page


def test_it_asks_only_about_last_night_on_the_evening_an_account_is_made(
    owner_client: Client, londoner: User
) -> None:
    evening = MORNING + timedelta(hours=12)
    londoner.date_joined = evening - timedelta(minutes=5)
    londoner.save(update_fields=["date_joined"])
    with time_machine.travel(evening, tick=False):
        diary = " ".join(owner_client.get("/diary/").content.decode().split())
        page = owner_client.get("/diary/backfill/").content.decode()
    assert "Fill in 1 missed night" in diary
    # Weeks before the account show one line, not seven empty nights.
    assert "Before your diary began." in diary
    assert diary.count("Not recorded") == 2  # last night and tonight
    assert "1 night is missing" in page


def test_it_says_how_many_counted_cramps_are_not_listed(
    owner_client: Client, londoner: User, morning
) -> None:
    services.create_episode(
        londoner, started_at=datetime(2024, 6, 5, 2, 0, tzinfo=UTC), muscle="calf"
    )
    services.record_checkin(londoner, LAST_NIGHT, cramp_count=3)
    page = " ".join(owner_client.get("/diary/").content.decode().split())
    assert "3 cramps" in page
    assert "2 more were counted in the morning check-in but not logged with a time." in page


def test_it_uses_plural_rules_for_the_days_factors(
    owner_client: Client, londoner: User, morning
) -> None:
    from decimal import Decimal

    services.record_checkin(londoner, LAST_NIGHT, cramp_count=0)
    services.record_factors(
        londoner,
        LAST_NIGHT,
        alcohol_drinks=Decimal(1),
        fluid_cups=Decimal("1.5"),
        sitting_hours=Decimal(1),
        exercise_minutes=1,
        exercise_intensity="light",
    )
    page = " ".join(owner_client.get("/diary/").content.decode().split())
    assert "1 alcoholic drink<" in page
    assert "1.5 cups to drink" in page
    assert "1 hour sitting" in page
    assert "1 minute of exercise" in page
    assert "(s)" not in page


def test_it_logs_todays_factors(owner_client: Client, londoner: User, morning) -> None:
    page = owner_client.get("/diary/factors/").content.decode()
    assert "Today’s factors" in page
    response = owner_client.post(
        "/diary/factors/",
        {
            "date": "2024-06-05",
            "fluid_cups": "5.5",
            "exercise_intensity": "none",
            "sitting_hours": "9",
            "footwear": "high_heels",
            "exercise_in_heat": "",
        },
    )
    assert response.status_code == 302
    saved = DailyFactors.objects.for_user(londoner).get()
    assert (str(saved.fluid_cups), saved.footwear, saved.exercise_in_heat) == (
        "5.5",
        "high_heels",
        None,
    )


def test_it_refuses_factors_for_tomorrow_and_keeps_the_form(
    owner_client: Client, londoner: User, morning
) -> None:
    response = owner_client.post("/diary/factors/", {"date": "2024-06-06", "fluid_cups": "4"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "That day has not happened yet." in page
    assert 'value="4"' in page
    assert not every_row(DailyFactors).exists()


def test_it_shows_nights_cramps_and_factors_on_the_diary(
    owner_client: Client, londoner: User, morning
) -> None:
    services.create_episode(
        londoner,
        started_at=datetime(2024, 6, 3, 1, 15, tzinfo=UTC),
        muscle="calf",
        side="left",
        severity=6,
    )
    services.record_checkin(londoner, date(2024, 6, 1), cramp_count=0)
    services.record_factors(londoner, date(2024, 6, 2), sitting_hours=9)
    page = owner_client.get("/diary/").content.decode()
    assert "How was last night?" in page  # no check-in yet for the 4th
    assert "I had a cramp" in page
    assert "02:15" in page  # 01:15 UTC shown in London time
    assert "Calf (left)" in page
    assert "pain 6/10" in page
    assert "No cramps" in page
    assert "9 hours sitting" in page


# Session, person, the three diary tables and today's factors, whatever the diary holds.
QUERY_BUDGET = 6


def test_it_keeps_the_diary_to_a_fixed_number_of_queries(
    owner_client: Client, londoner: User, morning, django_assert_max_num_queries
) -> None:
    owner_client.get("/diary/")  # the first request also checks whether anyone has signed up
    with CaptureQueriesContext(connection) as empty:
        owner_client.get("/diary/?weeks=8")
    for back in range(1, 56):  # every night the page shows but last night
        night = LAST_NIGHT - timedelta(days=back)
        services.record_checkin(londoner, night, cramp_count=back % 3)
        services.record_factors(londoner, night, fluid_cups=back % 8, sitting_hours=back % 12)
        for hour in (22, 23):
            services.create_episode(
                londoner,
                started_at=datetime.combine(night, datetime.min.time(), UTC)
                + timedelta(hours=hour),
            )
    with django_assert_max_num_queries(QUERY_BUDGET), CaptureQueriesContext(connection) as full:
        page = owner_client.get("/diary/?weeks=8").content.decode()
    assert page.count('class="episodes"') == 55
    assert len(full.captured_queries) == len(empty.captured_queries)


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/diary/factors/", {"date": "0001-01-01", "fluid_cups": "4"}, "date"),
        ("/diary/factors/", {"date": "1899-12-31", "fluid_cups": "4"}, "date"),
        ("/diary/checkin/", {"night": "1899-12-31", "cramp_count": "1"}, "night"),
        (
            "/diary/cramps/new/",
            {"started_at": "1899-12-31T23:00", "muscle": "calf", "side": "left"},
            "started_at",
        ),
    ],
)
def test_it_refuses_a_date_before_1900_in_every_diary_form(
    owner_client: Client, londoner: User, morning, url: str, data: dict[str, str], field: str
) -> None:
    response = owner_client.post(url, data)
    assert response.status_code == 400
    assert "must be in 1900 or later" in response.content.decode().lower()
    for model in (DailyFactors, NightCheckin, CrampEpisode):
        assert not model.objects.for_user(londoner).exists()
