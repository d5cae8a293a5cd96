from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from crampcare.accounts.models import User
from crampcare.diary import services
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def _in_zone(user: User, zone: str) -> User:
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    return user


def test_it_puts_a_2am_cramp_in_the_previous_evenings_night(user: User) -> None:
    _in_zone(user, "Europe/London")
    episode = services.create_episode(user, started_at=datetime(2024, 6, 5, 2, 0, tzinfo=LONDON))
    assert episode.night == date(2024, 6, 4)


def test_it_counts_the_night_in_the_persons_zone_not_utc(user: User) -> None:
    _in_zone(user, "America/New_York")
    # 03:00 UTC on the 5th is 23:00 on the 4th in New York: the night of the 4th, not the 5th.
    episode = services.create_episode(user, started_at=datetime(2024, 6, 5, 3, 0, tzinfo=UTC))
    assert episode.night == date(2024, 6, 4)


@pytest.mark.parametrize(
    ("zone", "change_night"),
    [
        ("Europe/London", date(2024, 3, 30)),  # clocks go forward: a 23-hour night
        ("Europe/London", date(2024, 10, 26)),  # clocks go back: a 25-hour night
        ("America/New_York", date(2024, 3, 9)),
        ("America/New_York", date(2024, 11, 2)),
    ],
)
def test_it_never_loses_or_doubles_a_night_across_a_clock_change(
    user: User, zone: str, change_night: date
) -> None:
    _in_zone(user, zone)
    tz = ZoneInfo(zone)
    # A cramp at 23:00 local time every evening for a week around the change, plus one every
    # real hour through the changing night itself (23 or 25 of them).
    first = change_night - timedelta(days=3)
    for offset in range(7):
        evening = first + timedelta(days=offset)
        services.create_episode(
            user,
            started_at=datetime.combine(evening, datetime.min.time(), tz) + timedelta(hours=23),
        )
    start = datetime.combine(change_night, datetime.min.time(), tz).replace(hour=12)
    start = start.astimezone(UTC)
    end = datetime.combine(change_night + timedelta(days=1), datetime.min.time(), tz)
    end = end.replace(hour=12).astimezone(UTC)
    instant = start
    while instant < end:
        services.create_episode(user, started_at=instant + timedelta(minutes=30))
        instant += timedelta(hours=1)
    counts = Counter(CrampEpisode.objects.for_user(user).values_list("night", flat=True))
    assert sorted(counts) == [first + timedelta(days=i) for i in range(7)]
    hours = (end - start).total_seconds() / 3600
    assert hours in {23, 25}
    assert counts[change_night] == 1 + hours
    assert all(counts[n] == 1 for n in counts if n != change_night)


def test_it_logs_a_cramp_in_one_tap_at_the_current_second(user: User) -> None:
    with time_machine.travel(datetime(2024, 6, 5, 1, 14, 5, 987_000, tzinfo=UTC), tick=False):
        episode = services.log_cramp(user, muscle="calf")
    assert episode.started_at == datetime(2024, 6, 5, 1, 14, 5, tzinfo=UTC)
    assert episode.muscle == "calf"
    assert episode.night == date(2024, 6, 4)


def test_it_ignores_an_unknown_muscle_on_the_one_tap(user: User) -> None:
    assert services.log_cramp(user, muscle="elbow").muscle == ""


def test_it_does_not_double_a_double_tap(user: User) -> None:
    with time_machine.travel(datetime(2024, 6, 5, 1, 14, 5, tzinfo=UTC), tick=False):
        first = services.log_cramp(user)
        second = services.log_cramp(user)
    assert first.pk == second.pk
    assert CrampEpisode.objects.for_user(user).count() == 1


def test_it_refuses_a_cramp_in_the_future(user: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_episode(user, started_at=datetime.now(UTC) + timedelta(hours=1))
    assert caught.value.message_dict == {"started_at": ["That time is in the future."]}
    assert not every_row(CrampEpisode).exists()


def test_it_refuses_a_time_without_a_zone(user: User) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        services.create_episode(user, started_at=datetime(2024, 6, 5, 2, 0))


def test_it_validates_every_field_and_names_it(user: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_episode(
            user,
            started_at=datetime(2024, 6, 5, 2, 0, tzinfo=UTC),
            severity=11,
            muscle="elbow",
            helped=["stretching", "dancing"],
        )
    assert set(caught.value.message_dict) == {"severity", "muscle", "helped"}
    assert "dancing is not one of the choices." in caught.value.message_dict["helped"]
    assert not every_row(CrampEpisode).exists()


def test_it_refuses_two_cramps_at_the_same_instant(user: User) -> None:
    when = datetime(2024, 6, 5, 2, 0, tzinfo=UTC)
    services.create_episode(user, started_at=when)
    with pytest.raises(ValidationError, match="already logged a cramp at exactly this time"):
        services.create_episode(user, started_at=when)


def test_it_moves_a_cramp_to_the_right_night_when_its_time_is_edited(user: User) -> None:
    episode = services.create_episode(user, started_at=datetime(2024, 6, 5, 2, 0, tzinfo=UTC))
    moved = services.update_episode(
        user, episode.pk, started_at=datetime(2024, 6, 5, 22, 0, tzinfo=UTC), severity=4
    )
    assert (moved.night, moved.severity) == (date(2024, 6, 5), 4)


def test_it_hides_another_persons_cramp(user: User, other_user: User) -> None:
    episode = services.create_episode(user, started_at=datetime(2024, 6, 5, 2, 0, tzinfo=UTC))
    with pytest.raises(Http404):
        services.update_episode(other_user, episode.pk, severity=1)
    with pytest.raises(Http404):
        services.delete_episode(other_user, episode.pk)
    episode.refresh_from_db()
    assert episode.severity is None


def test_it_keeps_one_checkin_per_night_and_keeps_unsent_fields(user: User) -> None:
    night = date(2024, 6, 4)
    first, created = services.record_checkin(user, night, cramp_count=2, notes="left calf")
    again, created_again = services.record_checkin(user, night, cramp_count=1)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert (again.cramp_count, again.notes) == (1, "left calf")
    assert NightCheckin.objects.for_user(user).count() == 1


def test_it_refuses_a_checkin_for_a_night_that_has_not_begun(user: User) -> None:
    with (
        time_machine.travel(datetime(2024, 6, 5, 9, 0, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError, match="not happened yet"),
    ):
        services.record_checkin(user, date(2024, 6, 5), cramp_count=0)


def test_it_asks_about_last_night_in_the_morning(user: User) -> None:
    _in_zone(user, "America/New_York")
    # 03:00 UTC on the 5th is still the evening of the 4th in New York.
    assert services.last_night(user, datetime(2024, 6, 5, 3, 0, tzinfo=UTC)) == date(2024, 6, 3)
    assert services.last_night(user, datetime(2024, 6, 5, 12, 0, tzinfo=UTC)) == date(2024, 6, 4)


def test_it_keeps_one_set_of_factors_per_day(user: User) -> None:
    day = date(2024, 6, 4)
    services.record_factors(user, day, fluid_cups=Decimal("5.5"))
    saved, created = services.record_factors(user, day, sitting_hours=Decimal(9))
    assert not created
    assert (saved.fluid_cups, saved.sitting_hours) == (Decimal("5.5"), Decimal(9))
    assert DailyFactors.objects.for_user(user).count() == 1


def test_it_refuses_factors_for_tomorrow(user: User) -> None:
    with pytest.raises(ValidationError, match="not happened yet"):
        services.record_factors(user, date.today() + timedelta(days=2), fluid_cups=Decimal(3))


def test_it_refuses_a_date_range_that_ends_before_it_starts(user: User) -> None:
    with pytest.raises(ValidationError, match="before the start"):
        services.episodes(user, user, date(2024, 6, 5), date(2024, 6, 1))


def test_it_rejects_fields_it_does_not_know_as_a_programming_error(user: User) -> None:
    with pytest.raises(TypeError, match="colour"):
        services.create_episode(user, started_at=datetime(2024, 6, 5, tzinfo=UTC), colour="red")
