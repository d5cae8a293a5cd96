from datetime import time

import pytest
from pydantic import ValidationError

from crampcare.programs.profile import (
    PREGNANCY_CAUTION,
    SITS_A_LOT_HOURS,
    PlanProfile,
    profile_from_assessment,
)

ASSESSMENT = {
    "age": 67,
    "sex": "female",
    "pregnant": False,
    "pregnancy_weeks": None,
    "cramp_times": ["night"],
    "muscles": ["calf", "hamstring"],
    "sides": "both",
    "cramps_per_week": 3,
    "conditions": ["knee_pain", "diabetes"],
    "sitting_hours_per_day": 7.5,
    "fluid_cups_per_day": 6,
    "exercise_level": "light",
    "medications": ["simvastatin"],
    "symptoms": {"weakness": False},
}


def test_it_reads_the_assessment_fields_the_plan_uses_and_ignores_the_rest() -> None:
    profile = profile_from_assessment(ASSESSMENT)

    assert profile.age == 67
    assert profile.cramp_times == ("night",)
    assert profile.muscles == ("calf", "hamstring")
    assert profile.conditions == ("diabetes", "knee_pain")
    assert profile.sitting_hours_per_day == 7.5
    assert profile.exercise_level == "light"
    assert not profile.pregnant


def test_it_gives_defaults_for_missing_and_null_answers() -> None:
    profile = profile_from_assessment({"age": None, "pregnant": None, "muscles": []})

    assert profile == PlanProfile()
    assert profile.bedtime == time(22, 0)
    assert not profile.prefers_in_bed
    assert not profile.cleared_for_hip_rotation


def test_it_takes_preferences_from_the_data_or_the_preferences_argument() -> None:
    profile = profile_from_assessment(
        {**ASSESSMENT, "bedtime": "23:00", "prefers_in_bed": True},
        {"bedtime": "21:30", "reminder_minutes_before": 30, "cleared_for_hip_rotation": True},
    )

    assert profile.bedtime == time(21, 30)
    assert profile.reminder_minutes_before == 30
    assert profile.prefers_in_bed
    assert profile.cleared_for_hip_rotation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", 12),
        ("conditions", ["bad_knees"]),
        ("muscles", ["neck"]),
        ("cramp_times", ["sometimes"]),
        ("exercise_level", "extreme"),
        ("sitting_hours_per_day", 25),
        ("reminder_minutes_before", -5),
    ],
)
def test_it_rejects_values_outside_the_shared_vocabulary(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as error:
        profile_from_assessment({**ASSESSMENT, field: value})

    assert error.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    ("pregnant", "weeks", "after_first_trimester"),
    [
        (False, None, False),
        (True, 8, False),
        (True, 12, False),
        (True, 13, True),
        (True, 34, True),
        # Weeks not known: assume past the first trimester, the cautious reading.
        (True, None, True),
    ],
)
def test_it_counts_pregnancy_after_the_first_trimester_cautiously(
    pregnant: bool, weeks: int | None, after_first_trimester: bool
) -> None:
    profile = PlanProfile(pregnant=pregnant, pregnancy_weeks=weeks)

    assert profile.after_first_trimester is after_first_trimester
    assert (PREGNANCY_CAUTION in profile.caution_keys) is after_first_trimester


def test_it_derives_caution_keys_only_from_conditions_that_have_them() -> None:
    profile = PlanProfile(conditions=("diabetes", "hip_replacement", "balance_problems"))

    assert profile.caution_keys == {"hip_replacement", "balance_problems"}


def test_it_keeps_lists_sorted_and_unique_so_equal_answers_give_equal_profiles() -> None:
    first = PlanProfile(muscles=("foot", "calf", "foot"), conditions=("knee_pain", "diabetes"))
    second = PlanProfile(muscles=("calf", "foot"), conditions=("diabetes", "knee_pain"))

    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


@pytest.mark.parametrize(
    ("hours", "sits_a_lot"),
    [(None, False), (0, False), (SITS_A_LOT_HOURS - 0.5, False), (SITS_A_LOT_HOURS, True)],
)
def test_it_says_who_sits_a_lot(hours: float | None, sits_a_lot: bool) -> None:
    assert PlanProfile(sitting_hours_per_day=hours).sits_a_lot is sits_a_lot


@pytest.mark.parametrize(
    ("times", "with_exercise"),
    [
        ((), False),
        (("night", "day"), False),
        (("during_exercise",), True),
        (("after_exercise",), True),
    ],
)
def test_it_says_who_cramps_with_exercise(times: tuple[str, ...], with_exercise: bool) -> None:
    assert PlanProfile.model_validate({"cramp_times": times}).cramps_with_exercise is with_exercise
