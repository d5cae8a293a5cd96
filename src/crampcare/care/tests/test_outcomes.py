"""Population outcomes: the numbers on a small hand-made organisation, worked out by hand, and
the small-number suppression at 9 and 10 people (and when a small group could be worked out by
subtraction). Runs on SQLite and on PostgreSQL (``DATABASE_URL``): the percentiles are computed
differently on each and must agree with the hand-worked figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crampcare.accounts.models import User
from crampcare.accounts.population import population_read
from crampcare.care import outcomes, services
from crampcare.care.models import Organisation, OrganisationAuditRecord, Role
from crampcare.care.tests.population import (
    NOW,
    STARTED,
    TODAY,
    Person,
    add_checkins,
    add_person,
    baseline,
    week6,
)
from crampcare.programs import sessions
from crampcare.programs.models import Phase, Program
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db

# Outside both windows of the change in cramps: the night before the baseline, the program's
# first night, and the night after week 6. Nine cramps each, so a mistake shows.
NOISE = {
    STARTED - timedelta(days=15): 9,
    STARTED: 9,
    STARTED + timedelta(days=20): 9,
    STARTED + timedelta(days=42): 9,
}


@pytest.fixture
def admin() -> User:
    return make_user("ada@example.org", display_name="Ada", is_staff=True)


@pytest.fixture
def lakeside(admin: User) -> Organisation:
    return services.create_organisation(admin, "Lakeside Clinic", Organisation.Kind.CLINIC)


def _numbers(admin: User, organisation: Organisation) -> tuple[list[int], tuple[object, ...]]:
    population = population_read(admin, organisation, what="outcomes")
    return outcomes._counts(population, TODAY), outcomes._cramp_change(population, TODAY)


def test_it_counts_a_hand_made_organisation(admin: User, lakeside: Organisation) -> None:
    """Twelve members; per person (change = week-6 rate minus baseline rate):

    P1 2.0 → 1.0 = −1.0; P2 3.0 → 0.5 = −2.5; P3 1 → 1 = 0; P4 8 cramps on 8 nights (one night
    only logged one by one) → 3 + 0 × 4 on 5 nights (a night whose check-in says 1 but with 3
    cramps logged counts 3) = 0.6 − 1.0 = −0.4; P5 0 → 1 = +1.0; P10 1 → 1.5 = +0.5. P6 (6
    baseline nights), P7 (3 week-6 nights) and P8 (started 25 May: week 6 not over) are not
    measured. Sorted: −2.5, −1.0, −0.4, 0, 0.5, 1.0 (n = 6): median at position 2.5 is −0.2;
    lower quartile at 1.25 is −1.0 + 0.25 × 0.6 = −0.85; upper at 3.75 is 0 + 0.75 × 0.5 =
    0.375.
    """
    people = {
        "P1": Person(
            phase=Phase.MAINTENANCE,
            done_this_week=4,  # of 5: 80%
            checkins={**baseline([2] * 14), **week6([1] * 7), **NOISE},
        ),
        "P2": Person(
            done_this_week=3,  # 43%
            checkins={**baseline([3] * 7), **week6([0, 0, 1, 1]), date(2025, 6, 23): 0},
        ),
        "P3": Person(
            done_this_week=4,  # 57%
            checkins={**baseline([1] * 10), **week6([1] * 7)},
            other_sessions={date(2025, 6, 20): (8, True)},  # last week's: not this week's
        ),
        "P4": Person(
            done_this_week=0,
            checkins={
                **baseline([2, 2, 2, 1, 0, 0, 0]),
                **week6([1, 0, 0, 0, 0]),
                date(2025, 6, 22): 0,  # a night before the last seven: not active
            },
            cramps={STARTED - timedelta(days=7): 1, STARTED + timedelta(days=35): 3},
            other_sessions={date(2025, 6, 28): (9, False)},  # started, never finished
        ),
        "P5": Person(done_this_week=6, checkins={**baseline([0] * 7), **week6([1] * 4)}),
        "P6": Person(
            phase=Phase.MAINTENANCE,
            done_this_week=3,  # of 5: 60%
            checkins={**baseline([1] * 6), **week6([0] * 7)},
        ),
        "P7": Person(done_this_week=5, checkins={**baseline([1] * 14), **week6([0] * 3)}),
        "P8": Person(
            started=date(2025, 5, 25),
            week=6,
            done_this_week=1,  # 14%
            checkins={
                **baseline([5] * 14, date(2025, 5, 25)),
                **week6([0] * 2, date(2025, 5, 25)),
            },
        ),
        "P9": Person(started=None, cramps={date(2025, 6, 30): 2}),
        "P10": Person(done_this_week=7, checkins={**baseline([1] * 7), **week6([1, 2, 2, 1])}),
        "P11": Person(started=None, checkins={date(2025, 6, 23): 1}),
        "P12": Person(started=None, checkins={date(2025, 6, 22): 1}),
    }
    for person in people.values():
        add_person(admin, lakeside, person)
    # Not members: a clinician of Lakeside and a member of another organisation, both busy.
    busy = Person(done_this_week=7, checkins={**baseline([9] * 14), **week6([0] * 7)})
    add_person(admin, lakeside, busy, role=Role.CLINICIAN)
    elsewhere = services.create_organisation(admin, "Elsewhere", Organisation.Kind.EMPLOYER)
    add_person(admin, elsewhere, busy)

    counts, change = _numbers(admin, lakeside)

    # enrolled, active, then no program / 0% / 1-49% / 50-79% / 80-100%
    assert counts == [12, 10, 3, 1, 2, 3, 3]
    measured, median, lower, upper = change
    assert measured == 6
    assert median == pytest.approx(-0.2)
    assert lower == pytest.approx(-0.85)
    assert upper == pytest.approx(0.375)


def test_the_bands_count_a_week_as_the_program_page_does(
    admin: User, lakeside: Organisation
) -> None:
    """Every number of nights done, in the program (7 planned) and when keeping it up (5),
    lands in the band of the percent the person's own program page shows."""
    band_of_percent: dict[str, int] = {"none": 0, "low": 0, "middle": 0, "high": 0}
    for phase, planned in ((Phase.ACTIVE, 7), (Phase.MAINTENANCE, 5)):
        for done in range(planned + 1):
            user = add_person(admin, lakeside, Person(phase=phase, done_this_week=done))
            program = Program.objects.for_user(user).get()
            percent = sessions.adherence(user, program, NOW).this_week.percent
            assert sessions.adherence(user, program, NOW).this_week.planned == planned
            band = (
                "none"
                if percent == 0
                else "low"
                if percent < 50
                else "middle"
                if percent < 80
                else "high"
            )
            band_of_percent[band] += 1
    counts, _ = _numbers(admin, lakeside)
    assert counts[3:] == [
        band_of_percent["none"],
        band_of_percent["low"],
        band_of_percent["middle"],
        band_of_percent["high"],
    ]
    assert counts[3:] == [2, 5, 3, 4]  # 0/7 0/5; 1-3/7 1-2/5; 4-5/7 3/5; 6-7/7 4-5/5


def test_nobody_measured_gives_no_median(admin: User, lakeside: Organisation) -> None:
    add_person(admin, lakeside, Person(started=None))
    counts, change = _numbers(admin, lakeside)
    assert counts == [1, 0, 1, 0, 0, 0, 0]
    assert change == (0, None, None, None)


def test_an_empty_organisation_counts_zero(admin: User, lakeside: Organisation) -> None:
    counts, change = _numbers(admin, lakeside)
    assert counts == [0, 0, 0, 0, 0, 0, 0]
    assert change == (0, None, None, None)


# -- suppression ------------------------------------------------------------------------------


def _members(admin: User, organisation: Organisation, count: int, person: Person) -> None:
    for _ in range(count):
        add_person(admin, organisation, person)


ACTIVE = Person(started=None, checkins={date(2025, 6, 29): 0})
QUIET = Person(started=None)


@pytest.mark.parametrize(("members", "shown"), [(9, None), (10, 10)])
def test_fewer_than_ten_members_hide_everything(
    admin: User, lakeside: Organisation, members: int, shown: int | None
) -> None:
    _members(admin, lakeside, members, QUIET)
    found = outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW)
    assert found.enrolled == shown
    if shown is None:
        assert all(band.people is None for band in found.bands)
        assert found.active is None
    else:
        # All ten have no program: shown; the four empty bands together hold nobody, so the
        # ten are hidden with them (else "0 people at 0%" would tell each person's week).
        assert [band.people for band in found.bands] == [None] * 5


@pytest.mark.parametrize(("active", "shown"), [(9, None), (10, 10)])
def test_an_active_group_under_ten_is_hidden(
    admin: User, lakeside: Organisation, active: int, shown: int | None
) -> None:
    _members(admin, lakeside, active, ACTIVE)
    _members(admin, lakeside, 20 - active, QUIET)
    found = outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW)
    assert found.enrolled == 20
    assert found.active == shown


def test_a_small_inactive_group_hides_the_active_count_too(
    admin: User, lakeside: Organisation
) -> None:
    """20 enrolled and 11 active would tell that 9 were not: the active count is hidden."""
    _members(admin, lakeside, 11, ACTIVE)
    _members(admin, lakeside, 9, QUIET)
    found = outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW)
    assert found.enrolled == 20
    assert found.active is None


def test_a_hidden_band_cannot_be_worked_out_from_the_total(
    admin: User, lakeside: Organisation
) -> None:
    """12 with no program, 10 at 80-100%, 3 at 0%: 25 enrolled minus the two shown bands would
    give the 3 back, so the smaller shown band is hidden as well."""
    _members(admin, lakeside, 12, QUIET)
    _members(admin, lakeside, 10, Person(done_this_week=7))
    _members(admin, lakeside, 3, Person(done_this_week=0))
    found = outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW)
    assert found.enrolled == 25
    assert {band.key: band.people for band in found.bands} == {
        "no_program": 12,
        "none": None,
        "low": None,
        "middle": None,
        "high": None,
    }


def _measured(change: float) -> Person:
    """A member whose cramps per night went from 2 to 2 + change (change a multiple of 1/7)."""
    sevenths = round(7 * (2 + change))
    per_night = [sevenths // 7 + (1 if n < sevenths % 7 else 0) for n in range(7)]
    return Person(checkins={**baseline([2] * 14), **week6(per_night)})


@pytest.mark.parametrize("measured", [9, 10])
def test_the_change_in_cramps_needs_ten_people(
    admin: User, lakeside: Organisation, measured: int
) -> None:
    _members(admin, lakeside, measured, _measured(-1))
    _members(admin, lakeside, 10, QUIET)
    change = outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW).change
    if measured == 9:
        assert change == outcomes.CrampChange(None, None, None, None)
        assert not change.shown
    else:
        assert change == outcomes.CrampChange(10, -1.0, -1.0, -1.0)


def test_the_number_measured_is_hidden_when_the_rest_is_a_small_group(
    admin: User, lakeside: Organisation
) -> None:
    """14 enrolled, 12 measured: showing 12 would tell that 2 were not; the median (of 12
    people) is still shown."""
    for change in (-2, -1, -1, -1, 0, 0, -1, -2, -1, 0, -1, -1):
        add_person(admin, lakeside, _measured(change))
    _members(admin, lakeside, 2, QUIET)
    found = outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW)
    assert found.enrolled == 14
    # Sorted: -2 -2 -1 ×7 0 0 0; median (positions 5, 6) = -1; quartiles at 2.75 and 8.25.
    assert found.change == outcomes.CrampChange(None, -1.0, -1.0, -0.75)


def test_reading_the_outcomes_is_recorded_once_for_the_organisation(
    admin: User, lakeside: Organisation
) -> None:
    _members(admin, lakeside, 3, ACTIVE)
    add_checkins(admin, [(date(2025, 6, 29), 1)])
    outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW, origin="care:outcomes")
    (record,) = OrganisationAuditRecord.objects.all()
    assert (record.organisation, record.actor, record.what, record.origin) == (
        lakeside,
        admin,
        "outcomes",
        "care:outcomes",
    )
    assert (record.organisation_name, record.actor_name) == ("Lakeside Clinic", "Ada")


def test_it_asks_the_database_the_same_questions_whatever_the_size(
    admin: User, lakeside: Organisation
) -> None:
    """The organisation, the admin check, the admin's name and the audit record, then two
    statements of aggregates (and, on PostgreSQL, their two settings), for 12 members as for 24."""
    asked = []
    for _ in range(2):
        _members(admin, lakeside, 12, _measured(-1))
        with CaptureQueriesContext(connection) as queries:
            outcomes.organisation_outcomes(admin, lakeside.pk, now=NOW)
        asked.append([q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]])
    assert len(asked[0]) == len(asked[1]) == (8 if connection.vendor == "postgresql" else 6)
