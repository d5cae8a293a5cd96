"""The assessment history reads as another person (a care team) would: through ``for_reader``,
audited when granted, refused otherwise."""

from __future__ import annotations

import pytest

from crampcare.accounts.models import User
from crampcare.accounts.ownership import ReadRefused
from crampcare.assessment import services
from crampcare.assessment.tests.builders import answers
from crampcare.testing.builders import make_user
from crampcare.testing.readers import granting


def test_a_granted_reader_reads_the_history_and_each_read_is_audited(user: User) -> None:
    saved = services.save_assessment(user, answers().model_dump(mode="json"))
    clinician = make_user()
    with granting(clinician, user) as grant:
        assert list(services.list_for(clinician, user)) == [saved]
        assert services.latest_for(clinician, user) == saved
        assert services.get_for(clinician, user, saved.pk) == saved
    assert len(grant.records) == 3
    assert {(r.actor_id, r.subject_id, r.model) for r in grant.records} == {
        (clinician.pk, user.pk, "assessment.Assessment")
    }


def test_without_a_grant_another_person_is_refused(user: User, other_user: User) -> None:
    saved = services.save_assessment(user, answers().model_dump(mode="json"))
    with pytest.raises(ReadRefused):
        services.list_for(other_user, user)
    with pytest.raises(ReadRefused):
        services.latest_for(other_user, user)
    with pytest.raises(ReadRefused):
        services.get_for(other_user, user, saved.pk)
