"""The insights, the self-tests and the doctor's report read as another person (a care team)
would: through ``for_reader``, audited when granted, refused otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine

from crampcare.accounts.models import User
from crampcare.accounts.ownership import ReadRefused
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.diary import services as diary
from crampcare.insights import report, services
from crampcare.testing.builders import make_user
from crampcare.testing.readers import granting

NOW = "2026-03-20 12:00Z"

READS: dict[str, Callable[[User, User], Any]] = {
    "insights_for": lambda a, s: services.insights_for(a, s).records,
    "records_for": lambda a, s: services.records_for(a, s, date(2026, 3, 1), date(2026, 3, 19)),
    "program_start": lambda a, s: services.program_start(a, s),
    "self_tests": lambda a, s: services.self_tests(a, s),
    "current_self_test": lambda a, s: services.current_self_test(a, s),
    "get_self_test": lambda a, s: services.get_self_test(a, s, services.self_tests(s, s)[0].pk),
    "self_test_view": lambda a, s: (
        services.self_test_view(a, s, services.self_tests(s, s)[0]).weeks
    ),
    "doctor_report": lambda a, s: report.doctor_report(a, s, 4).tally,
    "assessment_section": lambda a, s: report.assessment_section(a, s).level,
}


@pytest.fixture
def diarist(user: User) -> Any:
    with time_machine.travel(NOW, tick=False):
        diary.record_checkin(user, date(2026, 3, 18), cramp_count=2)
        diary.log_cramp(user)
        services.start_self_test(user, "A", "B", 4)
        assessment_services.save_assessment(user, answers().model_dump(mode="json"))
        yield user


@pytest.mark.parametrize("name", READS)
def test_a_granted_reader_reads_the_same_and_the_read_is_audited(diarist: User, name: str) -> None:
    clinician = make_user()
    read = READS[name]
    with granting(clinician, diarist) as grant:
        own = read(diarist, diarist)
        assert grant.records == []  # the person's own read leaves no record
        assert read(clinician, diarist) == own
    assert grant.records
    assert {(r.actor_id, r.subject_id) for r in grant.records} == {(clinician.pk, diarist.pk)}


@pytest.mark.parametrize("name", READS)
def test_without_a_grant_another_person_is_refused(
    diarist: User, other_user: User, name: str
) -> None:
    with pytest.raises(ReadRefused):
        READS[name](other_user, diarist)
