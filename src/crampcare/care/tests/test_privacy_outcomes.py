"""The authorisation matrix of the population outcomes (page and API) × the team's 8 actors, and
the aggregate door itself.

Only an admin of the organisation sees its outcomes; everyone else gets 404 alike for an
organisation they may not read and one that does not exist (an anonymous visitor: sign-in or
401). Each cell asserts the status, that nothing of Olive's (her note, name, address) or of any
member's is in the body, that the admin's read leaves exactly one record in the organisation's
audit trail and a refused one none, and that nobody's personal access log gets a line.
"""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.ownership import ReadRefused
from crampcare.accounts.population import NotAnAggregate, population_read
from crampcare.care.models import AuditRecord, OrganisationAuditRecord, Role
from crampcare.care.tests.conftest import ACTORS, SECRET_NOTE, Team, client_for
from crampcare.care.tests.population import Person, add_person, baseline, week6

pytestmark = pytest.mark.django_db

HIDDEN = "fewer than 10 people — hidden to protect privacy"


def _page(org_id: int) -> str:
    return f"/care/organisations/{org_id}/outcomes/"


def _api(org_id: int) -> str:
    return f"/api/v1/care/organisations/{org_id}/outcomes"


def _client(team: Team, actor: str) -> Client:
    return client_for(team.actors()[actor])


def _nothing_personal(team: Team, body: str) -> None:
    assert SECRET_NOTE not in body
    for person in (team.person, team.stranger):
        assert person.email not in body
        assert str(person) not in body


def _trail() -> int:
    return OrganisationAuditRecord.objects.count()


def _logs(team: Team) -> tuple[int, int]:
    return (
        AuditRecord.objects.for_user(team.person).count(),
        AuditRecord.objects.for_user(team.stranger).count(),
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_admin_opens_the_outcomes_page(team: Team, actor: str) -> None:
    before, logs = _trail(), _logs(team)
    response = _client(team, actor).get(_page(team.riverside.pk))
    body = response.content.decode()
    if actor == "organisation admin":
        assert response.status_code == 200
        assert "Outcomes: Riverside Physio" in body
        # Two members (Olive and Sam): every number is hidden.
        assert HIDDEN in body
        assert _trail() == before + 1
        record = OrganisationAuditRecord.objects.first()
        assert record is not None
        assert (record.actor, record.organisation, record.what, record.origin) == (
            team.admin,
            team.riverside,
            "outcomes",
            "care:outcomes",
        )
    else:
        if actor == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404
        assert _trail() == before, "a refused read left an audit record"
    _nothing_personal(team, body)
    assert _logs(team) == logs, "an aggregate read wrote into a person's access log"


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_admin_reads_the_outcomes_api(team: Team, actor: str) -> None:
    before, logs = _trail(), _logs(team)
    response = _client(team, actor).get(_api(team.riverside.pk))
    if actor == "organisation admin":
        assert response.status_code == 200
        body = response.json()
        assert body == {
            "organisation_id": team.riverside.pk,
            "organisation": "Riverside Physio",
            "as_of": body["as_of"],
            "enrolled": None,
            "active": None,
            "adherence": [
                {"band": band, "label": label, "people": None}
                for band, label in (
                    ("no_program", "no program yet"),
                    ("none", "0% of planned nights"),
                    ("low", "1–49%"),
                    ("middle", "50–79%"),
                    ("high", "80–100%"),
                )
            ],
            "cramp_change": {
                "people": None,
                "median": None,
                "lower_quartile": None,
                "upper_quartile": None,
            },
        }
        assert _trail() == before + 1
        record = OrganisationAuditRecord.objects.first()
        assert record is not None
        assert record.origin == "api:care_organisation_outcomes"
    else:
        assert response.status_code == (401 if actor == "anonymous" else 404)
        assert _trail() == before
    _nothing_personal(team, response.content.decode())
    assert _logs(team) == logs


@pytest.mark.parametrize("actor", ACTORS)
def test_nobody_changes_the_outcomes(team: Team, actor: str) -> None:
    """No writes: the page answers GET only, the API route has no other method."""
    before = _trail()
    client = _client(team, actor)
    page, api = client.post(_page(team.riverside.pk)), client.delete(_api(team.riverside.pk))
    assert page.status_code == api.status_code == 405
    assert _trail() == before


@pytest.mark.parametrize("path", [_page, _api])
def test_a_missing_organisation_and_a_forbidden_one_answer_alike(team: Team, path: object) -> None:
    clinician = client_for(team.clinician)
    forbidden = clinician.get(path(team.riverside.pk))  # type: ignore[operator]
    missing = client_for(team.admin).get(path(999_999))  # type: ignore[operator]
    assert forbidden.status_code == missing.status_code == 404
    if str(path(1)).startswith("/api/"):  # type: ignore[operator]
        assert forbidden.json() == missing.json()
    assert _trail() == 0


def test_the_admin_of_one_organisation_cannot_read_another(team: Team) -> None:
    """Bo is a clinician of Northside; made an admin of Northside he still gets 404 for
    Riverside."""
    from crampcare.care import services

    services.add_member(team.admin, team.northside, team.outsider, Role.ADMIN)
    client = client_for(team.outsider)
    assert client.get(_page(team.riverside.pk)).status_code == 404
    assert client.get(_page(team.northside.pk)).status_code == 200
    assert _trail() == 1


def test_numbers_shown_carry_no_member_rows(team: Team) -> None:
    """Twelve measured members with names and addresses: the admin sees counts and medians,
    never a name, an address or a note of any of them."""
    members = [
        add_person(
            team.admin,
            team.riverside,
            Person(
                done_this_week=7,
                checkins={**baseline([2] * 14), **week6([1] * 7)},
            ),
        )
        for _ in range(12)
    ]
    for number, member in enumerate(members):
        member.display_name = f"Member Number {number}"
        member.save(update_fields=["display_name"])
    client = client_for(team.admin)
    page = client.get(_page(team.riverside.pk)).content.decode()
    api = client.get(_api(team.riverside.pk))
    assert api.json()["enrolled"] == 14  # and Olive and Sam
    assert api.json()["cramp_change"]["median"] == -1.0
    assert "-1.00" in page
    for body in (page, api.content.decode()):
        _nothing_personal(team, body)
        for member in members:
            assert member.email not in body
            assert "Member Number" not in body


# -- the door itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor",
    [
        "person",
        "another person",
        "their clinician",
        "same-organisation clinician",
        "other-organisation clinician",
        "clinician after the end",
        "anonymous",
    ],
)
def test_the_aggregate_door_refuses_everyone_but_the_admin(team: Team, actor: str) -> None:
    user = team.actors()[actor]
    with pytest.raises(ReadRefused):
        population_read(user, team.riverside, what="outcomes")
    assert _trail() == 0


def test_the_aggregate_door_records_the_admins_read_once(team: Team) -> None:
    population = population_read(team.admin, team.riverside, what="outcomes", origin="a test")
    assert population.one_row("SELECT COUNT(*) FROM ({owners}) m") == (2,)
    assert population.one_row("SELECT COUNT(*) FROM ({owners}) m WHERE 1 = %s", [1]) == (2,)
    (record,) = OrganisationAuditRecord.objects.all()
    assert (record.actor, record.organisation, record.what, record.origin) == (
        team.admin,
        team.riverside,
        "outcomes",
        "a test",
    )
    assert _logs(team) == (1, 0)  # Olive's log holds only Eli's old read


def test_the_aggregate_door_answers_one_row_never_rows(team: Team) -> None:
    population = population_read(team.admin, team.riverside, what="outcomes")
    with pytest.raises(NotAnAggregate):
        population.one_row("SELECT user_id FROM ({owners}) m")
    with pytest.raises(NotAnAggregate):
        population.one_row("SELECT user_id FROM ({owners}) m WHERE 1 = 0")


def test_the_door_needs_the_care_access(team: Team) -> None:
    from crampcare.accounts.population import register_population_access

    previous = register_population_access(None)
    try:
        with pytest.raises(ReadRefused):
            population_read(team.admin, team.riverside, what="outcomes")
    finally:
        register_population_access(previous)
    assert _trail() == 0


def test_the_organisations_audit_trail_is_append_only(team: Team) -> None:
    from crampcare.care.models import AppendOnly

    population_read(team.admin, team.riverside, what="outcomes")
    record = OrganisationAuditRecord.objects.get()
    with pytest.raises(AppendOnly):
        record.save()
    with pytest.raises(AppendOnly):
        record.delete()
    with pytest.raises(AppendOnly):
        OrganisationAuditRecord.objects.all().delete()
    with pytest.raises(AppendOnly):
        OrganisationAuditRecord.objects.update(what="nothing")
    assert OrganisationAuditRecord.objects.count() == 1


def test_the_trail_outlives_the_admin_and_the_organisation(team: Team) -> None:
    population_read(team.admin, team.northside, what="outcomes")
    team.northside.delete()
    team.admin.delete()
    record = OrganisationAuditRecord.objects.get()
    assert (record.actor, record.organisation) == (None, None)
    assert (record.actor_name, record.organisation_name) == ("Ada", "Northside Health")


def test_a_population_cannot_be_made_around_the_door(team: Team) -> None:
    from crampcare.accounts.population import Population
    from crampcare.care.models import Membership

    with pytest.raises(TypeError):
        Population(Membership.objects.values("user_id"))
