from datetime import date

import pytest

from crampcare.core.stats import (
    ALCOHOL_MIN_DRINKS,
    HIGH_STEPS_MIN,
    INTENSE_EXERCISE_MIN_MINUTES,
    LONG_SITTING_MIN_HOURS,
    LOW_FLUIDS_BELOW_CUPS,
    SHORT_SLEEP_BELOW_MINUTES,
    DailyFactors,
    Intensity,
    NightRecord,
    exposures_from,
)

NIGHT = date(2024, 3, 4)


def test_it_counts_low_fluids_strictly_below_the_threshold() -> None:
    assert exposures_from(DailyFactors(fluid_cups=LOW_FLUIDS_BELOW_CUPS - 0.5)).present == {
        "low_fluids"
    }
    assert (
        "low_fluids" not in exposures_from(DailyFactors(fluid_cups=LOW_FLUIDS_BELOW_CUPS)).present
    )


def test_it_needs_vigorous_exercise_for_long_enough_to_count_as_intense() -> None:
    def intense(minutes: int, intensity: Intensity | None) -> bool:
        day = DailyFactors(exercise_minutes=minutes, exercise_intensity=intensity)
        return "intense_exercise" in exposures_from(day).present

    assert intense(INTENSE_EXERCISE_MIN_MINUTES, Intensity.VIGOROUS)
    assert not intense(INTENSE_EXERCISE_MIN_MINUTES - 1, Intensity.VIGOROUS)
    assert not intense(120, Intensity.MODERATE)
    assert (
        "intense_exercise"
        in exposures_from(DailyFactors(exercise_minutes=45, exercise_intensity=None)).not_recorded
    )
    assert "intense_exercise" not in exposures_from(DailyFactors(exercise_minutes=0)).not_recorded


def test_it_counts_long_sitting_and_alcohol_from_the_threshold_up() -> None:
    at = exposures_from(
        DailyFactors(sitting_hours=LONG_SITTING_MIN_HOURS, alcohol_drinks=ALCOHOL_MIN_DRINKS)
    )
    assert {"long_sitting", "alcohol"} <= at.present
    below = exposures_from(DailyFactors(sitting_hours=LONG_SITTING_MIN_HOURS - 1, alcohol_drinks=1))
    assert not {"long_sitting", "alcohol"} & below.present


def test_it_needs_some_exercise_for_exercise_in_the_heat() -> None:
    assert (
        "exercise_in_heat"
        in exposures_from(DailyFactors(exercise_in_heat=True, exercise_minutes=20)).present
    )
    assert "exercise_in_heat" in exposures_from(DailyFactors(exercise_in_heat=True)).present
    assert (
        "exercise_in_heat"
        not in exposures_from(DailyFactors(exercise_in_heat=True, exercise_minutes=0)).present
    )


def test_it_marks_unanswered_questions_as_not_recorded_rather_than_absent() -> None:
    blank = exposures_from(DailyFactors())
    assert blank.present == frozenset()
    assert blank.not_recorded == {
        "low_fluids",
        "intense_exercise",
        "exercise_in_heat",
        "long_sitting",
        "unsupportive_footwear",
        "alcohol",
        "short_sleep",
        "high_steps",
    }
    medicine = exposures_from(DailyFactors(new_medicine=True, unsupportive_footwear=False))
    assert medicine.present == {"new_medicine"}
    assert "unsupportive_footwear" not in medicine.not_recorded


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"cramps": -1}, "negative"),
        ({"cramps": 1, "severities": (3.0, 4.0)}, "more pain scores than cramps"),
        ({"cramps": 1, "severities": (11.0,)}, "outside 0-10"),
        ({"cramps": 1, "severities": (float("nan"),)}, "outside 0-10"),
        ({"cramps": 0, "exposures": frozenset({"coffee"})}, "unknown factor"),
        (
            {
                "cramps": 0,
                "exposures": frozenset({"alcohol"}),
                "not_recorded": frozenset({"alcohol"}),
            },
            "both present and not recorded",
        ),
    ],
)
def test_it_rejects_an_impossible_night(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        NightRecord(night=NIGHT, **fields)  # type: ignore[arg-type]


def test_it_averages_a_nights_scored_cramps() -> None:
    assert NightRecord(NIGHT, 3, severities=(4.0, 6.0)).mean_severity == 5.0
    assert NightRecord(NIGHT, 3).mean_severity is None


def test_it_counts_a_short_night_before_and_a_high_step_day() -> None:
    assert exposures_from(
        DailyFactors(sleep_minutes_before=SHORT_SLEEP_BELOW_MINUTES - 1, steps=HIGH_STEPS_MIN)
    ).present == {"short_sleep", "high_steps"}
    neither = exposures_from(
        DailyFactors(sleep_minutes_before=SHORT_SLEEP_BELOW_MINUTES, steps=HIGH_STEPS_MIN - 1)
    )
    assert not neither.present & {"short_sleep", "high_steps"}
    assert not neither.not_recorded & {"short_sleep", "high_steps"}
