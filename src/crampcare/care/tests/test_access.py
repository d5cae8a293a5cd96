"""The care access: a clinician reads through the door only while a relationship grants it, only
a person's health data, and every granted read is in the person's access log."""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts import services as accounts
from crampcare.accounts.models import AccessToken, PushSubscription
from crampcare.accounts.ownership import OwnedModel, ReadRefused
from crampcare.assessment import services as assessment
from crampcare.care import services
from crampcare.care.access import CARE_ACCESS
from crampcare.care.models import AuditRecord, Membership, Role
from crampcare.care.tests.conftest import Team, bring_in, client_for
from crampcare.diary import services as diary
from crampcare.idempotency.models import IdempotencyKey
from crampcare.programs import services as programs
from crampcare.testing.readers import granting

pytestmark = pytest.mark.django_db


def _log(team: Team) -> list[AuditRecord]:
    return list(AuditRecord.objects.for_user(team.person))


def test_ending_the_relationship_stops_access_at_once(team: Team) -> None:
    clinician = client_for(team.clinician)
    url = f"/api/v1/care/patients/{team.person.pk}/episodes"
    assert clinician.get(url).status_code == 200
    services.end(team.person, team.relationship.pk)
    assert clinician.get(url).status_code == 404
    with pytest.raises(ReadRefused):
        diary.episodes(team.clinician, team.person)
    assert list(services.readers(team.person)) == []
    assert list(services.patients(team.clinician)) == []
    assert len(_log(team)) == 2  # Eli's read in the fixture, Tess's one before the end


def test_the_clinician_can_end_it_too_and_access_stops(team: Team) -> None:
    services.end(team.clinician, team.relationship.pk)
    with pytest.raises(ReadRefused):
        diary.checkins(team.clinician, team.person)


def test_leaving_the_organisation_stops_access(team: Team) -> None:
    Membership.objects.filter(user=team.clinician, role=Role.CLINICIAN).delete()
    with pytest.raises(ReadRefused):
        diary.episodes(team.clinician, team.person)
    assert client_for(team.clinician).get("/api/v1/care/patients").json()["count"] == 0


def test_the_organisation_being_deleted_stops_access(team: Team) -> None:
    team.riverside.delete()
    with pytest.raises(ReadRefused):
        diary.episodes(team.clinician, team.person)
    assert list(services.readers(team.person)) == []


def test_a_granted_read_of_each_clinical_app_is_audited(team: Team) -> None:
    assessment.save_answers(team.person, {"age": 67})
    before = len(_log(team))
    list(diary.episodes(team.clinician, team.person))
    list(diary.checkins(team.clinician, team.person))
    assessment.list_for(team.clinician, team.person)
    programs.current_program(team.clinician, team.person)
    read = [record.what for record in _log(team)[: len(_log(team)) - before]]
    assert sorted(read) == sorted(
        ["diary.CrampEpisode", "diary.NightCheckin", "assessment.Assessment", "programs.Program"]
    )
    assert {record.actor_id for record in _log(team)[:4]} == {team.clinician.pk}
    assert {record.actor_name for record in _log(team)[:4]} == {"Tess"}


@pytest.mark.parametrize("model", [AccessToken, AuditRecord, IdempotencyKey, PushSubscription])
def test_a_clinician_never_reads_what_is_not_health_data(
    team: Team, model: type[OwnedModel]
) -> None:
    accounts.create_token(team.person, "phone")
    with pytest.raises(ReadRefused):
        model.objects.for_reader(team.clinician, team.person)


def test_a_clinician_reads_only_their_own_people(team: Team) -> None:
    bring_in(team.colleague, team.stranger)
    with pytest.raises(ReadRefused):
        diary.episodes(team.clinician, team.stranger)
    with pytest.raises(ReadRefused):
        diary.episodes(team.colleague, team.person)
    # A person is nobody's reader, even of their clinician.
    with pytest.raises(ReadRefused):
        diary.episodes(team.person, team.clinician)


def test_the_origin_names_the_route_not_the_address(team: Team) -> None:
    client_for(team.clinician).get(
        f"/api/v1/care/patients/{team.person.pk}/episodes", REMOTE_ADDR="203.0.113.9"
    )
    record = _log(team)[0]
    assert record.origin == "api:care_patient_episodes"
    assert "203.0.113.9" not in str(record.__dict__)


def test_the_audit_keeps_the_readers_name_when_their_account_goes(team: Team) -> None:
    list(diary.episodes(team.clinician, team.person))
    accounts.delete_account(team.clinician)
    record = _log(team)[0]
    assert record.actor_id is None
    assert record.actor_name == "Tess"


def test_a_test_grant_replaces_the_care_access_only_for_its_block(team: Team) -> None:
    with granting(team.stranger, team.person) as grant:
        list(diary.episodes(team.stranger, team.person))
        with pytest.raises(ReadRefused):  # the care access is not in force in the block
            diary.episodes(team.clinician, team.person)
    assert len(grant.records) == 1
    before = len(_log(team))
    list(diary.episodes(team.clinician, team.person))  # the care access is back
    assert len(_log(team)) == before + 1
    with pytest.raises(ReadRefused):
        diary.episodes(team.stranger, team.person)


def test_the_care_access_is_the_one_registered_at_start() -> None:
    from crampcare.accounts.ownership import register_reader_access

    current = register_reader_access(None)
    register_reader_access(current)
    assert current is CARE_ACCESS


def test_a_person_with_no_organisation_uses_everything_alone(owner_client: Client) -> None:
    # Self-hosting for one: no organisation, no care team, every page as before.
    assert owner_client.get("/care/people/").status_code == 200
    assert "Nobody else can see your data." in owner_client.get("/care/people/").content.decode()
    assert owner_client.get("/api/v1/care/patients").json() == {"items": [], "count": 0}
    assert owner_client.get("/api/v1/me/access-log").json() == {"items": [], "count": 0}
    assert owner_client.get("/diary/").status_code == 200
