"""The program reads as another person (a care team) would: through ``for_reader``, audited when
granted, refused otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from crampcare.accounts.models import User
from crampcare.accounts.ownership import ReadRefused
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers
from crampcare.programs import hold, services
from crampcare.programs.tests.builders import START, make_program
from crampcare.testing.builders import make_user
from crampcare.testing.readers import granting

READS: dict[str, Callable[[User, User], Any]] = {
    "current_program": lambda actor, subject: services.current_program(actor, subject),
    "require_program": lambda actor, subject: services.require_program(actor, subject),
    "history": lambda actor, subject: services.history(actor, subject),
    "hold_for": lambda actor, subject: hold.hold_for(actor, subject),
}


@pytest.fixture
def held(user: User) -> User:
    """A person with a program, held after an urgent check."""
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        make_program(user, now=START)
        payload = answers("leg_pain_at_rest").model_dump(mode="json")
        assessment_services.save_assessment(user, payload)
    return user


@pytest.mark.parametrize("name", READS)
def test_a_granted_reader_reads_the_program_and_the_read_is_audited(held: User, name: str) -> None:
    clinician = make_user()
    read = READS[name]
    with granting(clinician, held) as grant:
        own = read(held, held)
        assert grant.records == []  # the person's own read leaves no record
        assert read(clinician, held) == own
    assert grant.records
    assert {(r.actor_id, r.subject_id) for r in grant.records} == {(clinician.pk, held.pk)}


def test_the_hold_is_the_same_for_a_granted_reader(held: User) -> None:
    clinician = make_user()
    with granting(clinician, held) as grant:
        seen = hold.hold_for(clinician, held)
    assert seen is not None
    assert seen.level == "urgent"
    assert grant.models == {"assessment.Assessment", "programs.ProgramChange"}


@pytest.mark.parametrize("name", READS)
def test_without_a_grant_another_person_is_refused(held: User, other_user: User, name: str) -> None:
    with pytest.raises(ReadRefused):
        READS[name](other_user, held)
