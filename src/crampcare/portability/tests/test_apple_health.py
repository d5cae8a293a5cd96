"""Importing Apple Health's export: what is read, how it is stored, and that it is idempotent."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from crampcare.accounts.models import User
from crampcare.diary import services as diary
from crampcare.diary.models import DailyFactors, HealthDay
from crampcare.portability.apple_health import import_apple_health
from crampcare.portability.tests.health_exports import (
    JUNE_5,
    PHONE,
    export_xml,
    export_zip,
    sleep,
    steps,
    water,
    workout,
)

pytestmark = pytest.mark.django_db

JUNE_5_DAY = date(2024, 6, 5)


@pytest.fixture(autouse=True)
def _after_june() -> Any:
    with time_machine.travel(datetime(2024, 6, 20, 12, 0), tick=False):
        yield


@pytest.fixture
def person(user: User) -> User:
    user.time_zone = "Europe/London"
    user.save()
    return user


def _import(user: User, data: bytes, **options: Any) -> Any:
    return import_apple_health(user, io.BytesIO(data), **options)


def _rows(user: User) -> list[dict[str, Any]]:
    return list(HealthDay.objects.for_user(user).order_by("date").values())


def _factors(user: User) -> list[dict[str, Any]]:
    return list(DailyFactors.objects.for_user(user).order_by("date").values())


def test_it_adds_up_a_day_and_a_night(person: User) -> None:
    report = _import(person, export_zip(export_xml(*JUNE_5)))

    assert report.saved, report.message
    assert (report.days, report.nights, report.workouts) == (1, 1, 1)
    day = HealthDay.objects.for_user(person).get()
    assert day.date == JUNE_5_DAY
    # The watch counted more than the phone that day: its steps only, never both added.
    assert (day.steps, day.steps_source) == (12800, "Ann’s Apple Watch")
    # 500 mL + 0.5 L + 8.45 US fl oz (250 mL) = 1.25 L = 5 cups of 250 mL.
    assert day.water_cups == Decimal("5.0")
    assert day.standing_minutes == 12
    # The night of the 5th (the evening's date): 23:00-02:00 and 02:20-05:00 asleep, in bed and
    # awake not counted; the 20 minutes awake are one awakening.
    assert (day.sleep_minutes, day.awakenings) == (340, 1)
    # 450 kcal in 45 minutes is about 9 METs for 70 kg: hard; 84 °F is 28.9 °C: in the heat.
    assert (day.workouts, day.workout_minutes, day.workout_intensity) == (1, 45, "intense")
    assert day.workout_in_heat is True
    assert day.last_workout_end == time(18, 45)
    factors = DailyFactors.objects.for_user(person).get()
    assert (factors.fluid_cups, factors.exercise_minutes) == (Decimal("5.0"), 45)
    assert (factors.exercise_intensity, factors.exercise_in_heat) == ("intense", True)
    assert sorted(factors.imported) == sorted(
        ["fluid_cups", "exercise_minutes", "exercise_intensity", "exercise_in_heat"]
    )
    assert "1 day, 1 night and 1 workout" in report.summary()


def test_it_reads_a_bare_export_xml_too(person: User) -> None:
    assert _import(person, export_xml(*JUNE_5)).saved
    assert HealthDay.objects.for_user(person).get().steps == 12800


def test_it_changes_nothing_when_the_same_export_comes_twice(person: User) -> None:
    data = export_zip(export_xml(*JUNE_5))
    _import(person, data)
    before = (_rows(person), _factors(person))

    again = _import(person, data)

    assert again.saved
    assert (again.created, again.updated) == (0, 1)
    assert (_rows(person), _factors(person)) == before


def test_it_replaces_a_days_totals_from_an_overlapping_export(person: User) -> None:
    _import(person, export_xml(*JUNE_5))
    later = export_xml(
        *JUNE_5,
        steps("2024-06-06 09:00:00 +0100", "2024-06-06 09:30:00 +0100", 4000),
    )

    report = _import(person, later)

    assert (report.created, report.updated) == (1, 1)
    rows = {row["date"]: row for row in _rows(person)}
    assert rows[JUNE_5_DAY]["steps"] == 12800  # replaced, not added to
    assert rows[date(2024, 6, 6)]["steps"] == 4000


def test_it_never_replaces_what_the_person_typed(person: User) -> None:
    diary.record_factors(person, JUNE_5_DAY, fluid_cups=Decimal("9"))

    report = _import(person, export_xml(*JUNE_5))

    factors = DailyFactors.objects.for_user(person).get()
    assert factors.fluid_cups == Decimal("9")
    assert factors.exercise_minutes == 45  # blank before: filled
    assert "fluid_cups" not in factors.imported
    assert report.factors_kept == 1
    assert HealthDay.objects.for_user(person).get().water_cups == Decimal("5.0")


def test_an_imported_answer_the_person_changes_becomes_theirs(person: User) -> None:
    _import(person, export_xml(*JUNE_5))
    factors = DailyFactors.objects.for_user(person).get()
    diary.update_factors(person, factors.pk, exercise_minutes=20, fluid_cups=Decimal("5.0"))

    _import(person, export_xml(*JUNE_5))

    factors.refresh_from_db()
    assert factors.exercise_minutes == 20
    assert "exercise_minutes" not in factors.imported
    assert "fluid_cups" in factors.imported  # saved unchanged: still the import's


def test_it_counts_days_and_nights_in_the_persons_time_zone(person: User) -> None:
    person.time_zone = "America/New_York"
    person.save()
    data = export_xml(
        # 02:00 in London on the 6th is 21:00 on the 5th in New York.
        steps("2024-06-06 02:00:00 +0100", "2024-06-06 02:10:00 +0100", 300),
        # Asleep from 04:00 London (23:00 New York on the 5th): the night of the 5th.
        sleep("2024-06-06 04:00:00 +0100", "2024-06-06 11:00:00 +0100"),
    )

    _import(person, data)

    day = HealthDay.objects.for_user(person).get()
    assert (day.date, day.steps, day.sleep_minutes) == (JUNE_5_DAY, 300, 420)


def test_it_judges_a_workout_by_mets_then_energy_then_its_kind(person: User) -> None:
    data = export_xml(
        workout("2024-06-01 08:00:00 +0100", "2024-06-01 08:30:00 +0100", 30, mets=4.2),
        workout("2024-06-02 08:00:00 +0100", "2024-06-02 08:30:00 +0100", 30, "Yoga"),
        workout("2024-06-03 08:00:00 +0100", "2024-06-03 08:30:00 +0100", 30, "Curling"),
        workout(
            "2024-06-04 08:00:00 +0100",
            "2024-06-04 08:30:00 +0100",
            30,
            temperature="31 degC",
            indoor=True,
        ),
        workout(
            "2024-06-05 08:00:00 +0100", "2024-06-05 08:30:00 +0100", 30, temperature="20 degC"
        ),
    )

    _import(person, data)

    rows = {row["date"].day: row for row in _rows(person)}
    assert rows[1]["workout_intensity"] == "moderate"
    assert rows[2]["workout_intensity"] == "light"
    assert rows[3]["workout_intensity"] == ""  # unknown kind, no METs, no energy: not said
    assert rows[4]["workout_in_heat"] is False  # indoors: the weather outside does not count
    assert rows[5]["workout_in_heat"] is False
    assert rows[1]["workout_in_heat"] is None  # no temperature: not said
    assert DailyFactors.objects.for_user(person).get(date=date(2024, 6, 3)).exercise_intensity == ""


def test_it_leaves_out_days_that_have_not_happened(person: User) -> None:
    report = _import(person, export_xml(*JUNE_5, water("2024-07-01 09:00:00 +0100", 300)))

    assert report.saved
    assert [row["date"] for row in _rows(person)] == [JUNE_5_DAY]
    assert any("after today" in note for note in report.notes)


def test_it_reports_progress_in_bytes_read(person: User) -> None:
    seen: list[tuple[int, int | None]] = []
    data = export_zip(export_xml(*JUNE_5))

    _import(person, data, progress=lambda done, total: seen.append((done, total)))

    assert seen
    assert seen[-1][0] == seen[-1][1]  # the whole export.xml was read


def test_it_reads_only_the_persons_own_rows(person: User, other_user: User) -> None:
    _import(other_user, export_xml(*JUNE_5))
    _import(
        person,
        export_xml(steps("2024-06-05 09:00:00 +0100", "2024-06-05 09:10:00 +0100", 10, PHONE)),
    )

    assert HealthDay.objects.for_user(person).get().steps == 10
    assert HealthDay.objects.for_user(other_user).get().steps == 12800


def test_the_command_imports_a_file_with_a_progress_line(person: User, tmp_path: Any) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(export_zip(export_xml(*JUNE_5)))
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_data",
        "apple-health",
        str(path),
        "--user",
        person.email.upper(),
        stdout=out,
        stderr=err,
    )

    assert "1 day, 1 night and 1 workout" in out.getvalue()
    assert err.getvalue().startswith("\rReading export.xml: 0 MB of 0 MB (100%)")
    assert HealthDay.objects.for_user(person).get().steps == 12800


def test_the_command_says_what_is_wrong_and_saves_nothing(person: User, tmp_path: Any) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(b"\xff\xd8\xff\xe0 a photo")

    with pytest.raises(CommandError, match="picture"):
        call_command("import_data", "apple-health", str(path), "--user", person.email)
    with pytest.raises(CommandError, match="No account"):
        call_command("import_data", "apple-health", str(path), "--user", "nobody@example.org")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_data", "apple-health", str(tmp_path / "x"), "--user", person.email)
    assert not HealthDay.objects.for_user(person).exists()


def test_it_splits_an_hour_that_crosses_midnight_in_a_half_hour_zone(person: User) -> None:
    person.time_zone = "Asia/Kolkata"  # UTC+05:30
    person.save()
    data = export_xml(
        steps("2024-06-05 18:10:00 +0000", "2024-06-05 18:12:00 +0000", 100),  # 23:40 on the 5th
        steps("2024-06-05 18:40:00 +0000", "2024-06-05 18:42:00 +0000", 7),  # 00:10 on the 6th
        steps("2024-06-05 18:20:00 +0000", "2024-06-05 18:22:00 +0000", 20),  # 23:50 on the 5th
    )

    _import(person, data)

    assert [(row["date"].day, row["steps"]) for row in _rows(person)] == [(5, 120), (6, 7)]


def test_a_later_export_with_other_totals_replaces_the_day_keeping_its_row(person: User) -> None:
    _import(person, export_xml(*JUNE_5))
    before = HealthDay.objects.for_user(person).get()
    more = steps("2024-06-05 20:00:00 +0100", "2024-06-05 20:30:00 +0100", 1000)

    _import(person, export_xml(*JUNE_5, more))

    after = HealthDay.objects.for_user(person).get()
    assert (after.pk, after.steps, after.sleep_minutes) == (before.pk, 13800, 340)
