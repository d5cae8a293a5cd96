"""The personal risk profile: what applies, why, what to do, modifiable factors first."""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.assessment.engine import evaluate
from crampcare.assessment.schema import Contributor
from crampcare.assessment.tests.builders import answers
from crampcare.knowledge.base import read_yaml


def profile(**fields: Any) -> dict[str, Contributor]:
    return {item.id: item for item in evaluate(answers(**fields)).contributors}


def test_it_lists_only_age_for_typical_older_adult() -> None:
    assert list(profile()) == ["age"]


def test_it_ranks_modifiable_factors_first_then_by_id() -> None:
    result = evaluate(
        answers(
            sitting_hours_per_day=9,
            fluid_cups_per_day=2,
            footwear="high_heels",
            exercise_level="intense",
            exercise_in_heat=True,
            medications=["Lipitor", "Ventolin"],
            conditions=["diabetes", "hip_replacement"],
        )
    )

    assert [item.id for item in result.contributors] == [
        "exercise_in_heat",
        "exercise_intensity",
        "fluids_low",
        "footwear",
        "sitting",
        "age",
        "condition.diabetes",
        "medicine.salbutamol",
        "medicine.statin",
    ]
    assert [item.modifiable for item in result.contributors] == [True] * 5 + [False] * 4


def test_it_sends_each_medicine_to_the_prescriber_with_its_evidence() -> None:
    statin = profile(medications=["atorvastatin"])["medicine.statin"]

    assert statin.message.startswith("Statins (cholesterol medicines): ")
    assert "person who prescribed it" in statin.action
    assert "Do not stop it" in statin.action
    assert statin.references == ["R11", "R13"]


def test_it_leaves_quinine_to_the_triage_warning_not_the_profile() -> None:
    result = evaluate(answers(medications=["Qualaquin"]))

    assert "medicine.quinine" not in {item.id for item in result.contributors}
    assert [reason.rule for reason in result.reasons] == ["taking_quinine"]


def test_it_lists_conditions_linked_to_cramps_but_not_exercise_cautions() -> None:
    items = profile(conditions=["kidney_disease", "knee_pain", "balance_problems"])

    assert set(items) == {"age", "condition.kidney_disease"}
    assert items["condition.kidney_disease"].references == ["R12", "R13"]


def test_it_advises_drinking_to_thirst_and_warns_against_over_drinking() -> None:
    low = profile(fluid_cups_per_day=3)["fluids_low"]
    high = profile(fluid_cups_per_day=20)["fluids_very_high"]

    assert "thirsty" in low.action
    assert "a little more in hot weather" in low.action
    assert "R23" in low.references
    assert "dangerous" in high.message
    assert "fluids_low" not in profile(fluid_cups_per_day=4)
    assert "fluids_very_high" not in profile(fluid_cups_per_day=15)


def test_it_suggests_movement_breaks_for_long_sitting() -> None:
    sitting = profile(sitting_hours_per_day=6)["sitting"]

    assert sitting.modifiable
    assert "movement break" in sitting.action
    assert "sitting" not in profile(sitting_hours_per_day=5.5)


def test_it_links_exercise_cramps_to_effort_even_without_an_intensity_answer() -> None:
    items = profile(exercise_level=None, cramp_times=["after_exercise"])

    assert "exercise_intensity" in items


def test_it_adds_pregnancy_but_not_age_for_a_young_pregnant_woman() -> None:
    items = profile(age=29, pregnant=True, pregnancy_weeks=30)

    assert list(items) == ["pregnancy"]
    assert "on your side" in items["pregnancy"].action


def test_it_adds_nothing_for_unanswered_lifestyle_questions() -> None:
    items = profile(
        age=None,
        sitting_hours_per_day=None,
        fluid_cups_per_day=None,
        exercise_level=None,
        exercise_in_heat=None,
        footwear=None,
        sleeping_position=None,
    )

    assert items == {}


def test_it_suggests_keeping_the_toes_from_pointing_for_front_sleepers() -> None:
    front = profile(sleeping_position="front")["sleeping_on_front"]

    assert front.modifiable
    assert "toes pointed" in front.message
    assert "already short" in front.message
    assert "covers loose" in front.action
    assert "hang over the end of the mattress" in front.action
    assert "pillow under your shins" in front.action
    assert "not been tested in a trial" in front.action
    assert front.references == ["R10", "R12"]
    known = {entry["id"] for entry in read_yaml("references.yaml")["references"]}
    assert set(front.references) <= known


def test_it_lists_front_sleeping_with_the_things_you_can_change() -> None:
    result = evaluate(answers(sleeping_position="front", sitting_hours_per_day=9))

    assert [item.id for item in result.contributors] == ["sitting", "sleeping_on_front", "age"]


@pytest.mark.parametrize("position", ["back", "side", "varies", None])
def test_it_adds_nothing_for_other_sleeping_positions(position: str | None) -> None:
    assert "sleeping_on_front" not in profile(sleeping_position=position)


def test_it_puts_emergency_help_before_the_statin_beside_muscle_breakdown() -> None:
    result = evaluate(answers("dark_urine", medications=["simvastatin", "Lasix"]))
    cards = {item.id: item for item in result.contributors}

    statin = cards["medicine.statin"].action
    assert statin.startswith("Get emergency help first.")
    assert "will advise about your statin" in statin
    assert "stop" not in statin.replace("do not decide", "")
    # Other medicines keep the usual prescriber advice.
    assert "person who prescribed it" in cards["medicine.loop_diuretic"].action
    usual = {item.id: item for item in evaluate(answers(medications=["simvastatin"])).contributors}
    assert "person who prescribed it" in usual["medicine.statin"].action
