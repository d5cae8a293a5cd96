"""The batch door, ``Model.objects.for_readers(actor, subjects)``: many people's rows at once, one
policy check for them all, one audit record per person and model, written in one insert."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crampcare.accounts.models import User
from crampcare.accounts.ownership import ReadRefused
from crampcare.assessment import services as assessments
from crampcare.assessment.tests.builders import answers
from crampcare.care import services
from crampcare.care.access import reading_from
from crampcare.care.models import AuditRecord, Role
from crampcare.care.tests.conftest import SECRET_NOTE, Team, bring_in
from crampcare.diary import services as diary
from crampcare.diary.models import CrampEpisode
from crampcare.programs import caseload
from crampcare.programs.tests.builders import make_program
from crampcare.testing.builders import make_user
from crampcare.testing.readers import granting

pytestmark = pytest.mark.django_db


def _second_person(team: Team) -> User:
    """Pia: a member of Riverside in Tess's care too, with one cramp."""
    pia = make_user("pia@example.org", display_name="Pia")
    services.add_member(team.admin, team.riverside, pia, Role.MEMBER)
    bring_in(team.clinician, pia)
    diary.create_episode(pia, started_at=datetime(2025, 3, 2, 1, 0, tzinfo=UTC), notes="pia")
    return pia


def _log(person: User) -> list[AuditRecord]:
    return list(AuditRecord.objects.for_user(person))


def test_it_reads_every_granted_persons_rows_and_audits_each_once(team: Team) -> None:
    pia = _second_person(team)
    olive_before, pia_before = len(_log(team.person)), len(_log(pia))
    with reading_from("care:index"):
        rows = list(
            CrampEpisode.objects.for_readers(team.clinician, [team.person, pia]).values_list(
                "owner_id", "notes"
            )
        )
    assert sorted(rows) == sorted([(team.person.pk, SECRET_NOTE), (pia.pk, "pia")])
    for person, before in ((team.person, olive_before), (pia, pia_before)):
        log = _log(person)
        assert len(log) == before + 1
        record = log[0]
        assert (record.actor_id, record.actor_name, record.action, record.what, record.origin) == (
            team.clinician.pk,
            "Tess",
            "read",
            "diary.CrampEpisode",
            "care:index",
        )


def test_its_queries_do_not_grow_with_the_number_of_people(team: Team) -> None:
    pia = _second_person(team)
    with CaptureQueriesContext(connection) as one:
        list(CrampEpisode.objects.for_readers(team.clinician, [team.person]))
    with CaptureQueriesContext(connection) as two:
        list(CrampEpisode.objects.for_readers(team.clinician, [team.person, pia]))
    # the policy, the reader's name, one insert of the audit records, the rows
    assert len(one.captured_queries) == len(two.captured_queries) == 4


def test_a_refused_subject_refuses_the_whole_read_and_nothing_is_audited(team: Team) -> None:
    olive_before, sam_before = len(_log(team.person)), len(_log(team.stranger))
    with pytest.raises(ReadRefused):
        CrampEpisode.objects.for_readers(team.clinician, [team.person, team.stranger])
    assert len(_log(team.person)) == olive_before
    assert len(_log(team.stranger)) == sam_before


def test_with_drop_refused_a_refused_subject_is_left_out_unaudited(team: Team) -> None:
    olive_before, sam_before = len(_log(team.person)), len(_log(team.stranger))
    rows = CrampEpisode.objects.for_readers(
        team.clinician, [team.person, team.stranger], drop_refused=True
    )
    assert {row.owner_id for row in rows} == {team.person.pk}
    assert len(_log(team.person)) == olive_before + 1
    assert len(_log(team.stranger)) == sam_before


def test_an_ended_relationship_is_refused(team: Team) -> None:
    before = len(_log(team.person))
    with pytest.raises(ReadRefused):
        CrampEpisode.objects.for_readers(team.former, [team.person])
    assert not CrampEpisode.objects.for_readers(team.former, [team.person], drop_refused=True)
    assert len(_log(team.person)) == before


def test_nobody_but_the_clinician_reads_through_it(team: Team) -> None:
    before = len(_log(team.person))
    for actor in (team.colleague, team.outsider, team.admin, team.stranger):
        with pytest.raises(ReadRefused):
            CrampEpisode.objects.for_readers(actor, [team.person])
    with pytest.raises(ReadRefused):
        AuditRecord.objects.for_readers(team.clinician, [team.person])  # not health data
    assert len(_log(team.person)) == before


def test_ones_own_rows_need_no_grant_and_leave_no_record(team: Team) -> None:
    before = len(_log(team.person))
    rows = CrampEpisode.objects.for_readers(team.person, [team.person])
    assert [row.notes for row in rows] == [SECRET_NOTE]
    assert len(_log(team.person)) == before


def test_nobody_at_all_reads_nothing(team: Team) -> None:
    assert not CrampEpisode.objects.for_readers(team.clinician, [])


def test_an_access_without_batch_hooks_is_asked_once_per_person(team: Team) -> None:
    with granting(team.clinician, team.person) as grant:
        rows = CrampEpisode.objects.for_readers(team.clinician, [team.person])
        assert [row.notes for row in rows] == [SECRET_NOTE]
        with pytest.raises(ReadRefused):
            CrampEpisode.objects.for_readers(team.clinician, [team.person, team.stranger])
    assert [(r.actor_id, r.subject_id, r.model) for r in grant.records] == [
        (team.clinician.pk, team.person.pk, "diary.CrampEpisode")
    ]


def test_each_apps_batch_read_goes_through_the_batch_door(team: Team) -> None:
    """The dashboard's reads of each app, with a test access: granted and audited for Olive,
    people the reader may not read left out, with no record."""
    assessments.save_assessment(team.person, answers().model_dump(mode="json"))
    make_program(team.person)
    reader = team.colleague
    with granting(reader, team.person) as grant:
        checks = assessments.glance_for_each(reader, [team.person, team.stranger])
        entries = diary.glance_for_each(
            reader, [team.person, team.stranger], date(2025, 1, 1), date(2025, 3, 31)
        )
        programs = caseload.glance_for_each(reader, [team.person, team.stranger])
    assert set(checks) == set(entries) == set(programs) == {team.person.pk}
    assert entries[team.person.pk].cramps == {date(2025, 2, 28): 1}
    assert checks[team.person.pk].latest is not None
    assert {(r.subject_id, r.model) for r in grant.records} == {
        (team.person.pk, model)
        for model in (
            "assessment.Assessment",
            "diary.CrampEpisode",
            "diary.NightCheckin",
            "programs.Program",
            "programs.Session",
            "programs.ProgramChange",
        )
    }
    assert len(grant.records) == 6  # each kind once
