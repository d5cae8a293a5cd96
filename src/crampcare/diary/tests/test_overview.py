"""The diary page's own nights (``diary.overview``): every night, recorded or not."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from crampcare.accounts.models import User
from crampcare.diary import services

pytestmark = pytest.mark.django_db

N1, N2, N3 = date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 3)


def test_it_reads_the_diary_pages_nights_in_three_queries_whatever_the_range(
    user: User, django_assert_num_queries
) -> None:
    for day in range(1, 29):
        night = date(2024, 2, day)
        services.record_checkin(user, night, cramp_count=day % 3)
        services.record_factors(user, night, fluid_cups=Decimal(day % 9))
        services.create_episode(user, started_at=datetime(2024, 2, day, 23, tzinfo=UTC))
    with django_assert_num_queries(3):
        assert len(services.diary_nights(user, user, date(2024, 2, 1), date(2024, 2, 28))) == 28


def test_it_lists_every_night_newest_first_with_the_gaps(user: User) -> None:
    user.date_joined = datetime(2024, 1, 1, tzinfo=UTC)
    user.save(update_fields=["date_joined"])
    services.record_checkin(user, N2, cramp_count=0)
    nights = services.backfill_nights(user, N3, count=3)
    assert [(n.night, n.recorded, n.cramps) for n in nights] == [
        (N3, False, None),
        (N2, True, 0),
        (N1, False, None),
    ]
