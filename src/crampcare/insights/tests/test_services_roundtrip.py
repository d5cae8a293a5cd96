"""Export -> import into a fresh account gives the same insights (the diary's own transfer)."""

from __future__ import annotations

import pytest
import time_machine

from crampcare.accounts.models import User
from crampcare.insights import services
from crampcare.insights.tests.diary_builders import NOW, fill_diary
from crampcare.portability.exporting import export_zip
from crampcare.portability.importing import import_zip
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


def test_it_reproduces_the_same_insights_after_export_and_import(user: User) -> None:
    user.time_zone = "America/New_York"
    user.save()
    fill_diary(user, 60)
    fresh = make_user("fresh@example.org")
    report = import_zip(fresh, export_zip(user))
    assert report.ok, report.summary()
    with time_machine.travel(NOW, tick=False):
        before = services.insights_for(user, user)
        after = services.insights_for(fresh, fresh)
    assert fresh.time_zone == "America/New_York"
    assert after.records == before.records
    assert after.insights == before.insights
    assert after.figures == before.figures
    assert after.insights.triggers  # something worth comparing
