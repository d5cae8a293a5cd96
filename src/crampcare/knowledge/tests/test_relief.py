"""The "cramp now" guide: anatomically right moves, timed steps, and the still-cramping branch."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from crampcare.knowledge.loader import get_library
from crampcare.knowledge.schema import ReliefArea, ReliefStep


def area(area_id: str) -> ReliefArea:
    return get_library().relief_areas[area_id]


def step_words(relief_area: ReliefArea) -> list[str]:
    """Everything a person is told to do in an area's steps (and every variant's), shown or
    spoken, in every language."""
    words: list[str] = []
    every = [*relief_area.steps, *(s for v in relief_area.variants for s in v.steps)]
    for step in every:
        for text in (step.text, step.spoken):
            words.extend(value for value in text.model_dump(exclude_none=True).values())
    return words


def test_it_never_tells_a_hamstring_cramp_to_bend_the_knee() -> None:
    # Bending the knee shortens the hamstrings; heel-to-buttock is the quadriceps stretch and can
    # make a hamstring cramp worse (clinical-facts section 7).
    bend = re.compile(r"\bbend", re.IGNORECASE)
    heel_up = re.compile(r"\b(heel|foot|feet)\b.{0,60}\b(buttock|bottom|bum)", re.IGNORECASE)
    for text in step_words(area("hamstring")):
        assert not bend.search(text), text
        assert not heel_up.search(text), text


def test_it_tells_a_hamstring_cramp_to_straighten_the_knee_and_hinge_at_the_hip() -> None:
    texts = [text.lower() for text in step_words(area("hamstring"))]
    assert any("straighten" in text for text in texts)
    assert any("knee straight" in text for text in texts)
    assert any("forward from your hips" in text for text in texts)


def test_it_warns_against_the_wrong_hamstring_move_before_the_steps() -> None:
    avoid = area("hamstring").avoid
    assert avoid, "the hamstring guide should say which common move to avoid"
    assert "front of the thigh" in avoid[0].text.en


def test_it_stretches_a_calf_cramp_with_a_straight_knee() -> None:
    first = area("calf").steps[0].text.en.lower()
    assert "straighten" in first
    assert "toward your shin" in first
    assert any("press the heel" in text.lower() for text in step_words(area("calf")))


def test_it_bends_the_knee_for_a_cramp_at_the_front_of_the_thigh() -> None:
    first = area("quadriceps").steps[0].text.en.lower()
    assert "bend the knee" in first
    assert "heel toward your bottom" in first
    assert "hold a chair" in first


def test_it_pulls_the_toes_up_for_a_foot_cramp() -> None:
    first = area("foot").steps[0].text.en.lower()
    assert "pull them up toward your shin" in first


@pytest.mark.parametrize("area_id", ["calf", "hamstring", "quadriceps", "foot"])
def test_it_times_every_step_and_repeats_the_main_stretch(area_id: str) -> None:
    steps = area(area_id).steps
    assert all(step.hold_seconds >= 5 for step in steps)
    assert any(step.hold_seconds >= 30 and step.repeat > 1 for step in steps)
    assert all(step.spoken.en for step in steps)


def test_it_links_each_area_to_the_muscles_that_map_to_it() -> None:
    library = get_library()
    for muscle in library.muscles.values():
        if muscle.relief_area is not None:
            assert muscle.id in library.relief_areas[muscle.relief_area].muscles, muscle.id
    for relief_area in library.relief.areas:
        for muscle_id in relief_area.muscles:
            assert library.muscles[muscle_id].relief_area == relief_area.id, muscle_id


def test_it_sends_a_cramp_lasting_over_ten_minutes_to_same_day_care() -> None:
    still = get_library().relief.still_cramping
    assert still.threshold_minutes == 10
    assert still.urgency == "same_day"
    assert "R24" in still.references
    assert "today" in still.message.en


def test_it_ends_with_aftercare_that_keeps_painkillers_for_soreness() -> None:
    aftercare = [item.text.en.lower() for item in get_library().relief.aftercare]
    assert any("massage" in text or "rub" in text for text in aftercare)
    assert any("warm" in text for text in aftercare)
    assert any("walk" in text for text in aftercare)
    painkiller = next(text for text in aftercare if "painkiller" in text)
    assert "soreness" in painkiller
    assert "too slowly to stop the cramp" in painkiller


def test_it_rejects_a_spoken_cue_too_long_to_follow_by_ear() -> None:
    with pytest.raises(ValidationError, match="longer than 140"):
        ReliefStep.model_validate(
            {
                "id": "too-long",
                "text": {"en": "Stretch."},
                "spoken": {"en": "Stretch " * 30},
                "hold_seconds": 30,
                "references": ["R25"],
            }
        )


def test_it_counts_holds_and_rests_in_a_step() -> None:
    step = ReliefStep.model_validate(
        {
            "id": "hold",
            "text": {"en": "Hold."},
            "spoken": {"en": "Hold."},
            "hold_seconds": 30,
            "repeat": 3,
            "rest_seconds": 5,
            "references": ["R25"],
        }
    )
    assert step.total_seconds == 3 * 30 + 2 * 5


def test_it_links_each_step_to_an_exercise_for_the_same_muscle() -> None:
    library = get_library()
    for relief_area in library.relief.areas:
        for step in relief_area.steps:
            if step.exercise is None:
                continue
            targets = set(library.exercises[step.exercise].target_muscles)
            assert targets & set(relief_area.muscles), f"{relief_area.id}/{step.id}"


def test_it_asks_for_standing_only_when_safe_and_with_a_support() -> None:
    # At night, in pain and half asleep, standing on a cramping leg is a fall risk.
    standing_steps = [
        step
        for relief_area in get_library().relief_areas.values()
        for step in relief_area.steps
        if re.search(r"\bstand\b", step.text.en, re.IGNORECASE)
    ]
    assert len(standing_steps) >= 3
    for step in standing_steps:
        text = step.text.en.lower()
        assert "safely" in text, step.id
        assert re.search(r"hold|support|steady", text), step.id
    for relief_area in get_library().relief_areas.values():
        first = relief_area.steps[0].text.en.lower()
        # The first move must be possible without standing, or offer a way that is.
        assert "stand" not in first or re.search(r"if you (can|cannot) stand safely", first), (
            relief_area.id
        )


def test_it_keeps_the_hip_below_a_right_angle_in_the_lying_hamstring_steps() -> None:
    lying = area("hamstring").variant("lying")
    assert lying is not None
    assert "R30" in lying.intro.references
    assert "less than a right angle" in lying.intro.text.en
    texts = [step.text.en.lower() for step in lying.steps]
    assert texts[0].startswith("lie on your back")
    assert any("knee straight" in text and "keep it low" in text for text in texts)
    # No sitting up or leaning forward: both bend the hip past 90 degrees.
    assert not any("sit" in text.split() or "lean forward" in text for text in texts)


def test_it_never_cites_diagnostic_criteria_for_foot_relief() -> None:
    # R8 is a review of how cramps are diagnosed; it says nothing about easing a foot cramp.
    foot = area("foot")
    cited = {ref for step in foot.steps for ref in step.references}
    assert "R8" not in cited
    assert foot.evidence_note is not None
    assert "R8" not in foot.evidence_note.references


def test_it_says_not_to_stretch_an_injury() -> None:
    note = get_library().relief.not_a_cramp
    text = note.text.en
    for sign in ("pop", "blow like a kick", "cannot put weight"):
        assert sign in text
    assert "Do not stretch it" in text
    assert "today" in text
    assert note.references


def test_it_warns_against_rubbing_a_calf_that_may_hold_a_clot() -> None:
    aftercare = get_library().relief.aftercare
    clot = [item for item in aftercare if "Do not rub a calf" in item.text.en]
    assert len(clot) == 1
    assert "swollen, red or warm on one side" in clot[0].text.en
    assert "R24" in clot[0].references
    # Said before the advice to rub the muscle, never after it.
    rub = next(i for i, item in enumerate(aftercare) if item.text.en.startswith("Rub the muscle"))
    assert aftercare.index(clot[0]) < rub


def test_it_calls_a_cold_pale_numb_leg_an_emergency() -> None:
    emergency = get_library().relief.emergency.text.en
    assert emergency.startswith("Call an emergency number now")
    assert "cold, pale and numb" in emergency


def test_it_links_the_lying_hamstring_steps_only_to_hip_safe_exercises() -> None:
    from crampcare.programs.rules import HIP_PAST_RIGHT_ANGLE

    lying = area("hamstring").variant("lying")
    assert lying is not None
    linked = {step.exercise for step in lying.steps if step.exercise}
    assert linked
    assert not linked & HIP_PAST_RIGHT_ANGLE


def test_it_calls_chest_symptoms_an_emergency_without_leg_signs() -> None:
    emergency = get_library().relief.emergency
    text = " ".join(emergency.text.en.split())
    assert (
        "sudden breathlessness, chest pain or cough up blood, even if your legs look normal" in text
    )
    assert "leg pain or swelling comes with" not in text
    # The statin part rests on R13 (R26 covers exertion and heat only).
    assert "statin" in text
    assert "R13" in emergency.references


def test_it_sends_pregnancy_headache_to_the_emergency_section_of_when_to_see_a_doctor() -> None:
    topic = get_library().topics["when-to-see-a-doctor"]
    by_urgency = {
        section.urgency: " ".join(str(block) for block in section.body)
        for section in topic.sections
    }
    assert "severe headache" in by_urgency["emergency"]
    assert "severe headache" not in by_urgency["same_day"]
    assert "during or just after hard exercise" in by_urgency["soon"]
