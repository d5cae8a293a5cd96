from __future__ import annotations

import pytest

from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.models import Assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db


def test_it_reads_the_triage_level_from_the_stored_result(user: User) -> None:
    stored = services.save_assessment(user, typical_payload())
    assert stored.triage == "self_care"
    assert str(stored).startswith("self_care (")


def test_it_has_no_level_before_a_result_exists(user: User) -> None:
    assert Assessment(owner=user).triage is None


def test_it_is_deleted_with_its_owner(user: User) -> None:
    services.save_assessment(user, typical_payload())
    user.delete()
    assert not every_row(Assessment).exists()


def test_it_lists_the_newest_first(user: User) -> None:
    first = services.save_assessment(user, typical_payload(age=60))
    second = services.save_assessment(user, typical_payload(age=61))
    assert list(Assessment.objects.for_user(user)) == [second, first]
