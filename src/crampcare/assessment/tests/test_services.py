from __future__ import annotations

import pytest
from django.http import Http404

from crampcare.accounts.models import User
from crampcare.assessment import engine, services
from crampcare.assessment.errors import InvalidAnswers
from crampcare.assessment.models import Assessment
from crampcare.assessment.schema import validate_payload
from crampcare.assessment.tests.builders import typical_payload
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db


def test_it_evaluates_exactly_as_the_engine_does() -> None:
    payload = typical_payload(medications=["Lipitor 20 mg"], sleep_disrupted=True)
    expected = engine.evaluate(validate_payload(payload), "en").model_dump(mode="json")
    assert services.evaluate(payload, "en") == expected


def test_it_stores_nothing_when_it_only_evaluates(user: User) -> None:
    services.evaluate(typical_payload())
    assert every_row(Assessment).count() == 0


def test_it_names_every_bad_field_at_once() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        services.evaluate({"age": 12, "sex": "robot", "favourite_colour": "blue"})
    assert {problem.field: problem.message for problem in caught.value.problems} == {
        "age": "must be between 18 and 120",
        "sex": "must be 'female', 'male' or 'other'",
        "favourite_colour": "is not a field we know",
    }


def test_it_saves_a_finished_assessment_with_its_result(user: User) -> None:
    payload = typical_payload(symptoms={"dark_urine": True})
    stored = services.save_assessment(user, payload)
    stored.refresh_from_db()
    assert stored.completed
    assert stored.answers == payload
    assert stored.shown_result() == services.evaluate(payload)
    assert stored.result["triage"] == "emergency"


def test_it_saves_nothing_when_the_answers_are_invalid(user: User) -> None:
    with pytest.raises(InvalidAnswers):
        services.save_assessment(user, typical_payload(age="seventy"))
    assert every_row(Assessment).count() == 0


def test_it_saves_answers_page_by_page_into_one_draft(user: User) -> None:
    draft = services.save_answers(user, {"age": 70})
    assert not draft.completed
    updated = services.save_answers(
        user, {"age": 70, "symptoms": {"leg_cold_pale_numb": True}}, assessment=draft
    )
    assert updated.pk == draft.pk
    assert updated.result["triage"] == "emergency"
    finished = services.save_answers(user, updated.answers, assessment=updated, finish=True)
    assert finished.completed
    assert every_row(Assessment).count() == 1


def test_it_keeps_a_finished_assessment_finished_when_answers_change(user: User) -> None:
    stored = services.save_assessment(user, typical_payload())
    changed = services.save_answers(user, typical_payload(age=80), assessment=stored)
    assert changed.completed
    assert changed.answers["age"] == 80


def test_it_refuses_to_update_someone_elses_assessment(user: User, other_user: User) -> None:
    stored = services.save_assessment(user, typical_payload())
    with pytest.raises(Http404):
        services.save_answers(other_user, {"age": 99}, assessment=stored)
    stored.refresh_from_db()
    assert stored.answers["age"] == 67


def test_it_claims_a_visitors_answers_for_their_new_account(user: User) -> None:
    claimed = services.claim_anonymous(user, typical_payload(), completed=True)
    assert claimed is not None
    assert claimed.owner == user
    assert claimed.completed
    assert services.claim_anonymous(user, {}) is None


def test_it_does_not_claim_answers_that_no_longer_validate(user: User) -> None:
    assert services.claim_anonymous(user, {"age": 3}) is None
    assert every_row(Assessment).count() == 0


def test_it_finds_the_latest_finished_and_the_unfinished(user: User) -> None:
    assert services.latest_for(user, user) is None
    older = services.save_assessment(user, typical_payload())
    draft = services.save_answers(user, {"age": 50})
    assert services.latest_for(user, user) == older
    assert services.unfinished_for(user) == draft
    assert list(services.list_for(user, user)) == [draft, older]


def test_it_shows_each_person_only_their_own(user: User, other_user: User) -> None:
    mine = services.save_assessment(user, typical_payload())
    assert list(services.list_for(other_user, other_user)) == []
    assert services.latest_for(other_user, other_user) is None
    assert services.get_for(user, user, mine.pk) == mine
    with pytest.raises(Http404):
        services.get_for(other_user, other_user, mine.pk)


def test_it_discards_only_unfinished_drafts(user: User) -> None:
    finished = services.save_assessment(user, typical_payload())
    draft = services.save_answers(user, {"age": 50})
    services.discard_unfinished(user, finished)
    services.discard_unfinished(user, draft)
    assert list(services.list_for(user, user)) == [finished]
