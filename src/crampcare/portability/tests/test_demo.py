from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from crampcare.accounts.models import User
from crampcare.care import services as care
from crampcare.care.models import AuditRecord, Membership, Organisation, RosterEntry
from crampcare.core.nights import night_of
from crampcare.insights.nights import nights_for
from crampcare.portability import services as portability
from crampcare.portability.demo import BASELINE_WEEKS, generate
from crampcare.testing.cast import signed_in
from crampcare.testing.cli import run_cli
from crampcare.testing.mfa import code_now

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 6, 5, 7, 30, tzinfo=UTC)
LAST_NIGHT = date(2024, 6, 4)


def test_it_makes_the_same_diary_from_the_same_seed() -> None:
    first = generate(LAST_NIGHT, LONDON, seed=7)
    assert generate(LAST_NIGHT, LONDON, seed=7) == first
    assert generate(LAST_NIGHT, LONDON, seed=8) != first


def test_it_spans_ten_weeks_with_a_three_week_baseline() -> None:
    diary = generate(LAST_NIGHT, LONDON, seed=1)
    assert diary.first_night == LAST_NIGHT - timedelta(days=69)
    assert diary.program_start == diary.first_night + timedelta(weeks=BASELINE_WEEKS)
    nights = {c.night for c in diary.checkins}
    assert 55 <= len(nights) < 70  # most mornings, not all
    assert all(diary.program_start <= s.night <= LAST_NIGHT for s in diary.sessions)


def test_it_eases_from_the_baseline_to_the_last_weeks() -> None:
    for seed in range(5):
        diary = generate(LAST_NIGHT, LONDON, seed=seed)
        counts = {c.night: c.cramp_count for c in diary.checkins}
        baseline = [n for night, n in counts.items() if night < diary.program_start]
        latest = [n for night, n in counts.items() if night > LAST_NIGHT - timedelta(days=14)]
        assert mean(baseline) > mean(latest) + 0.5, seed


def test_it_puts_every_cramp_in_its_night_and_never_in_the_future() -> None:
    diary = generate(LAST_NIGHT, LONDON, seed=3, now=NOW)
    assert diary.cramps
    assert all(c.started_at <= NOW for c in diary.cramps)
    assert all(
        diary.first_night <= night_of(c.started_at, "Europe/London") <= LAST_NIGHT
        for c in diary.cramps
    )
    assert len({c.started_at for c in diary.cramps}) == len(diary.cramps)


def test_it_refuses_too_short_a_diary_for_a_baseline() -> None:
    with pytest.raises(ValueError, match="more than 3 weeks"):
        generate(LAST_NIGHT, LONDON, seed=1, weeks=3)


def _demo(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_a_demo_account_with_about_seventy_nights() -> None:
    output = _demo("--time-zone", "Europe/London")
    user = User.objects.get(email="demo@example.org")
    password = output.split("Password (shown only now): ")[1].split()[0]
    assert len(password) >= 16
    assert user.check_password(password)
    nights = nights_for(user, user, LAST_NIGHT - timedelta(days=69), LAST_NIGHT)
    assert 60 <= len(nights) <= 70
    assert sum(n.program_done for n in nights) > 20
    assert f"{len(nights)} nights recorded from 2024-03-27 to 2024-06-04" in output
    assert "evening stretching sessions done on the program" in output


@pytest.mark.django_db
def test_it_resets_only_when_asked_and_never_reuses_a_password() -> None:
    first = _demo("--seed", "5")
    with pytest.raises(CommandError, match=r"already exists\. Add --reset"):
        _demo()
    before = portability.csv_files(User.objects.get(email="demo@example.org"))
    second = _demo("--seed", "5", "--reset")
    after = portability.csv_files(User.objects.get(email="demo@example.org"))
    assert first.split("Password")[1] != second.split("Password")[1]
    assert {name: text for name, text in after.items() if name != "profile.csv"} == {
        name: text for name, text in before.items() if name != "profile.csv"
    }


@pytest.mark.django_db
def test_it_refuses_an_address_a_real_person_could_own(user: User) -> None:
    with pytest.raises(CommandError, match="could belong to a real person"):
        _demo("--email", "olive@gmail.com", "--reset")
    with pytest.raises(CommandError, match="not a time zone"):
        _demo("--time-zone", "Mars/Olympus")


def test_it_explains_itself_with_help(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "demo", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    assert "--reset" in result.stdout
    assert "--seed" in result.stdout


def _printed(output: str, label: str, after: str) -> str:
    return output.split(after, 1)[1].split(f"{label}: ", 1)[1].split()[0]


@pytest.mark.django_db
def test_it_makes_a_clinic_whose_clinician_reads_the_demo_person_through_the_door() -> None:
    output = _demo()
    person = User.objects.get(email="demo@example.org")
    assert "Care team: Demo Physio Clinic (clinic)" in output
    clinic = Organisation.objects.get(name="Demo Physio Clinic")
    assert clinic.kind == "clinic"
    roles = {(m.user.email, m.role) for m in Membership.objects.filter(organisation=clinic)}
    assert roles == {
        ("admin.demo@example.org", "admin"),
        ("clinician.demo@example.org", "clinician"),
        ("colleague.demo@example.org", "clinician"),
        ("demo@example.org", "member"),
    }
    clinician = User.objects.get(email="clinician.demo@example.org")
    colleague = User.objects.get(email="colleague.demo@example.org")
    assert list(care.patients(clinician).values_list("person", flat=True)) == [person.pk]
    assert not care.patients(colleague).exists()

    url = f"/api/v1/care/patients/{person.pk}/episodes"
    assert url in output
    before = AuditRecord.objects.for_user(person).count()
    response = signed_in(clinician).get(url)
    assert response.status_code == 200
    assert response.json()["count"] > 20
    assert AuditRecord.objects.for_user(person).count() == before + 1
    record = AuditRecord.objects.for_user(person).first()
    assert record is not None
    assert record.actor_id == clinician.pk
    assert signed_in(colleague).get(url).status_code == 404
    assert AuditRecord.objects.for_user(person).count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clinician", "colleague", "admin"])
def test_each_clinic_account_signs_in_with_its_printed_password_and_key(who: str) -> None:
    output = _demo()
    email = f"{who}.demo@example.org"
    password = _printed(output, "Password (shown only now)", email)
    secret = _printed(output, "Authenticator key (base32, shown only now)", email)
    assert len(password) >= 16
    assert len(secret) == 32
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    client = Client()
    step = client.post("/accounts/login/", {"login": email, "password": password})
    assert step["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
    assert client.get("/care/").status_code == 200


@pytest.mark.django_db
def test_a_reset_makes_the_clinic_again_with_new_secrets() -> None:
    first = _demo()
    with pytest.raises(CommandError, match="already exists"):
        _demo()
    second = _demo("--reset")
    assert Organisation.objects.filter(name="Demo Physio Clinic").count() == 1
    assert User.objects.filter(email__endswith=".demo@example.org").count() == 3
    for email in ("clinician.demo@example.org", "admin.demo@example.org"):
        for label in ("Password (shown only now)", "Authenticator key (base32, shown only now)"):
            assert _printed(first, label, email) != _printed(second, label, email)
    person = User.objects.get(email="demo@example.org")
    clinician = User.objects.get(email="clinician.demo@example.org")
    assert list(care.patients(clinician).values_list("person", flat=True)) == [person.pk]


@pytest.mark.django_db
def test_a_left_over_clinic_account_also_needs_reset() -> None:
    _demo()
    User.objects.get(email="demo@example.org").delete()
    with pytest.raises(CommandError, match=r"\.demo@example\.org already exists"):
        _demo()
    assert "Care team" in _demo("--reset")


@pytest.mark.django_db
def test_the_printed_member_id_and_date_of_birth_pass_the_coverage_check() -> None:
    output = _demo()
    member_id = output.split("try member id ", 1)[1].split()[0]
    born = output.split("with date of birth ", 1)[1].split()[0]
    response = Client().post(
        "/api/v1/coverage/check",
        {"identifier": member_id, "date_of_birth": born},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [offer["organisation"] for offer in response.json()["offers"]] == ["Demo Physio Clinic"]
    person = User.objects.get(email="demo@example.org")
    clinic = Organisation.objects.get(name="Demo Physio Clinic")
    assert RosterEntry.objects.filter(organisation=clinic).count() == 3
    assert RosterEntry.objects.get(organisation=clinic, email=person.email).enrolled_user == person
