"""The exercise library: the real content file, and the schema's rejection of bad content."""

from __future__ import annotations

import copy
import re
from math import ceil
from typing import Any

import pytest
from pydantic import ValidationError

from crampcare.knowledge.exercise_schema import (
    CAUTION_KEYS,
    MUSCLE_IDS,
    Exercise,
    load_exercises,
    parse_exercises,
)

# The shared vocabularies from the project brief, which other apps rely on.
SHARED_EXERCISE_IDS = [
    "calf-stretch-wall",
    "soleus-stretch-wall",
    "calf-stretch-towel-bed",
    "calf-stretch-seated",
    "calf-stretch-step",
    "hamstring-stretch-supine",
    "hamstring-stretch-seated",
    "hamstring-stretch-standing",
    "hamstring-stretch-side-lying",
    "quad-stretch-standing",
    "quad-stretch-side-lying",
    "hip-flexor-stretch-standing",
    "hip-flexor-stretch-half-kneeling",
    "pigeon-pose",
    "figure-four-supine",
    "figure-four-seated",
    "clamshell",
    "glute-bridge",
    "heel-raises-supported",
    "heel-raises-seated",
    "toe-raises-supported",
    "ankle-pumps",
    "ankle-circles",
    "towel-scrunch",
    "plantar-fascia-stretch",
    "toe-stretch-seated",
    "foot-roll-ball",
    "calf-self-massage",
    "foam-roll-calf",
    "foam-roll-hamstring",
    "seated-marching",
    "desk-calf-pumps",
    "walking-break",
    "sit-to-stand",
    "side-lying-leg-lift",
    "standing-hamstring-curl",
    "knee-to-chest",
    "butterfly-stretch",
    "march-in-place-warm-up",
    "leg-swings-supported",
]
SHARED_MUSCLE_IDS = {
    "calf",
    "soleus",
    "hamstrings",
    "quadriceps",
    "foot",
    "shin",
    "glutes",
    "hip-flexors",
    "hip-rotators",
    "adductors",
}
SHARED_CAUTION_KEYS = {
    "pregnancy_after_first_trimester",
    "hip_replacement",
    "knee_replacement",
    "balance_problems",
    "knee_pain",
    "limited_mobility",
}
# Exercises that bend the knee deeply or kneel on it.
DEEP_KNEE_BENDING = [
    "quad-stretch-standing",
    "quad-stretch-side-lying",
    "hip-flexor-stretch-half-kneeling",
    "sit-to-stand",
    "pigeon-pose",
    "quad-stretch-prone",
    "quad-stretch-side-lying-bed",
    "cramp-release-quad-in-bed",
    "toe-stretch-kneeling",
    "soleus-stretch-half-kneeling",
    "walking-lunges",
]


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    return load_exercises()


def conditions(exercise: Exercise) -> dict[str, str]:
    return {caution.condition: caution.action for caution in exercise.cautions}


def all_text(exercise: Exercise) -> str:
    parts = [exercise.name, exercise.summary, *exercise.steps, *exercise.cues, *exercise.mistakes]
    parts += [caution.advice for caution in exercise.cautions]
    return " ".join(part.en for part in parts)


# ---------------------------------------------------------------- the real content


def test_it_loads_at_least_a_hundred_and_ten_exercises(library: dict[str, Exercise]) -> None:
    assert len(library) >= 110
    assert load_exercises() is library


CRAMP_MUSCLES = ("calf", "soleus", "hamstrings", "quadriceps", "foot", "shin")


@pytest.mark.parametrize("muscle", CRAMP_MUSCLES)
def test_every_cramping_muscle_has_relief_at_night_and_prevention_for_everyone(
    library: dict[str, Exercise], muscle: str
) -> None:
    """Relief that can be done in bed or sitting, and stretches or strengthening that stay open
    to someone pregnant, someone with a new hip, and someone looking for an easy or a harder
    version (issue: every cramp-relevant muscle has relief and prevention options)."""
    works = [e for e in library.values() if muscle in e.target_muscles]
    prevention = [e for e in works if e.category in ("stretch", "strengthen")]
    relief_at_night = [
        e for e in works if e.category == "relief" and e.position in ("in_bed", "seated")
    ]
    assert relief_at_night, f"no way to ease a {muscle} cramp in bed or sitting"
    assert prevention, f"no stretch or strengthening for the {muscle}"
    for condition in ("pregnancy_after_first_trimester", "hip_replacement"):
        safe = [e for e in prevention if conditions(e).get(condition) != "avoid"]
        if condition.startswith("pregnancy"):
            safe = [e for e in safe if not e.is_supine]
        assert safe, f"nothing for the {muscle} with {condition}"
    assert {e.difficulty for e in prevention} - {"easy"}, f"no harder {muscle} exercise"
    assert "easy" in {e.difficulty for e in prevention}, f"no easy {muscle} exercise"
    positions = {e.position for e in works}
    assert {"in_bed", "seated", "standing"} <= positions, (muscle, positions)


def test_it_has_every_shared_exercise_id(library: dict[str, Exercise]) -> None:
    missing = sorted(set(SHARED_EXERCISE_IDS) - set(library))
    assert missing == []


def test_it_includes_the_four_exercises_the_source_article_names(
    library: dict[str, Exercise],
) -> None:
    assert library["calf-stretch-wall"].category == "stretch"
    assert library["hamstring-stretch-standing"].target_muscles == ["hamstrings"]
    assert "hip-rotators" in library["pigeon-pose"].target_muscles
    assert library["clamshell"].category == "strengthen"


def test_it_uses_the_shared_vocabularies() -> None:
    assert set(MUSCLE_IDS) == SHARED_MUSCLE_IDS
    assert set(CAUTION_KEYS) == SHARED_CAUTION_KEYS


def test_it_covers_every_muscle_position_and_category(library: dict[str, Exercise]) -> None:
    # The library page filters by these; an empty filter value would be a dead end.
    muscles = {muscle for exercise in library.values() for muscle in exercise.target_muscles}
    assert muscles == SHARED_MUSCLE_IDS
    assert {exercise.position for exercise in library.values()} == {
        "in_bed",
        "seated",
        "standing",
        "floor",
    }
    assert {exercise.category for exercise in library.values()} == {
        "stretch",
        "strengthen",
        "mobility",
        "relief",
        "circulation",
        "massage",
    }


def test_it_resolves_every_variant(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        for other in [*exercise.easier, *exercise.harder]:
            assert other in library, f"{exercise.id} -> {other}"
            assert other != exercise.id


def test_it_links_variants_both_ways_without_contradiction(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        for other in exercise.harder:
            assert exercise.id not in library[other].harder, f"{exercise.id} <-> {other}"
        for other in exercise.easier:
            assert exercise.id not in library[other].easier, f"{exercise.id} <-> {other}"


def test_it_keeps_steps_short_and_numbered_by_order(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        assert 3 <= len(exercise.steps) <= 6, exercise.id
        for step in exercise.steps:
            # The player numbers steps itself, so the text must not start with its own number.
            assert not re.match(r"^\s*\d", step.en), f"{exercise.id}: {step.en}"
            assert len(step.en.split()) <= 25, f"{exercise.id}: {step.en}"


def test_it_marks_every_back_lying_exercise_as_such(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        lies_on_back = any("lie on your back" in step.en.lower() for step in exercise.steps)
        assert lies_on_back == exercise.is_supine, exercise.id
    for key in ("hamstring-stretch-supine", "figure-four-supine", "glute-bridge", "knee-to-chest"):
        assert library[key].is_supine


def test_it_gives_every_supine_exercise_a_pregnancy_caution_and_a_way_out(
    library: dict[str, Exercise],
) -> None:
    supine = [exercise for exercise in library.values() if exercise.is_supine]
    assert len(supine) >= 4
    for exercise in supine:
        caution = next(
            c for c in exercise.cautions if c.condition == "pregnancy_after_first_trimester"
        )
        assert caution.action == "modify"
        assert "R27" in caution.references
        assert any(not library[other].is_supine for other in exercise.easier), exercise.id


def test_it_makes_pigeon_pose_avoid_hip_replacement(library: dict[str, Exercise]) -> None:
    pigeon = library["pigeon-pose"]
    caution = next(c for c in pigeon.cautions if c.condition == "hip_replacement")
    assert caution.action == "avoid"
    assert "R30" in caution.references
    assert {"figure-four-supine", "figure-four-seated"} <= set(pigeon.easier)


def test_it_gives_standing_exercises_balance_advice_and_a_seated_option(
    library: dict[str, Exercise],
) -> None:
    standing = [exercise for exercise in library.values() if exercise.position == "standing"]
    assert len(standing) >= 10
    for exercise in standing:
        caution = next(c for c in exercise.cautions if c.condition == "balance_problems")
        assert caution.action == "modify"
        assert {"R1", "R41"} & set(caution.references), exercise.id
        assert any(library[other].position != "standing" for other in exercise.easier), exercise.id


def test_it_cautions_about_deep_knee_bending(library: dict[str, Exercise]) -> None:
    for key in DEEP_KNEE_BENDING:
        found = conditions(library[key])
        assert "knee_pain" in found, key
        assert "knee_replacement" in found, key


def test_it_uses_the_trial_dose_and_says_so(library: dict[str, Exercise]) -> None:
    for key in ("calf-stretch-wall", "hamstring-stretch-standing"):
        exercise = library[key]
        assert (exercise.hold_seconds, exercise.reps, exercise.rest_seconds) == (10, 3, 10)
        assert exercise.per_side
    for key in ("calf-stretch-wall", "hamstring-stretch-standing", "hamstring-stretch-seated"):
        exercise = library[key]
        assert "R1" in exercise.references
        assert any("trial" in cue.en and "10" in cue.en for cue in exercise.cues), key


def test_it_follows_the_documented_doses(library: dict[str, Exercise]) -> None:
    soleus = library["soleus-stretch-wall"]
    assert (soleus.hold_seconds, soleus.reps) == (30, 4)
    towel = library["calf-stretch-towel-bed"]
    assert towel.hold_seconds is not None
    assert 15 <= towel.hold_seconds <= 30
    assert towel.reps == 3
    for key in ("hamstring-stretch-supine", "hamstring-stretch-seated", "quad-stretch-standing"):
        assert (library[key].hold_seconds, library[key].reps) == (30, 4), key
    for key in ("clamshell", "glute-bridge"):
        assert (library[key].sets, library[key].reps) == (3, 10), key
    assert 8 <= library["heel-raises-supported"].reps <= 12


def test_it_keeps_stretch_holds_within_general_guidance(library: dict[str, Exercise]) -> None:
    # To tightness, held 10-30 s (up to 60 s in older adults), never bounced [R28].
    for exercise in library.values():
        if exercise.category == "stretch":
            assert exercise.hold_seconds is not None
            assert 10 <= exercise.hold_seconds <= 60, exercise.id
            assert exercise.reps <= 4, exercise.id


def test_it_never_tells_you_to_shorten_a_cramping_hamstring(library: dict[str, Exercise]) -> None:
    relief = library["cramp-release-hamstring"]
    steps = " ".join(step.en.lower() for step in relief.steps)
    assert "straighten" in steps
    assert "towards your bottom" not in steps


def test_it_keeps_content_free_of_quinine_and_medicine_advice(
    library: dict[str, Exercise],
) -> None:
    for exercise in library.values():
        text = all_text(exercise).lower()
        assert "quinine" not in text, exercise.id
        assert "stop taking" not in text, exercise.id


def test_it_estimates_a_sane_time_for_the_trial_calf_stretch(
    library: dict[str, Exercise],
) -> None:
    calf = library["calf-stretch-wall"]
    assert 60 <= calf.estimated_seconds <= 150
    assert calf.minutes == ceil(calf.estimated_seconds / 60)


def test_it_keeps_every_estimate_between_one_and_ten_minutes(
    library: dict[str, Exercise],
) -> None:
    for exercise in library.values():
        assert 30 <= exercise.estimated_seconds <= 600, exercise.id
        assert 1 <= exercise.minutes <= 10
        assert (exercise.minutes - 1) * 60 < exercise.estimated_seconds <= exercise.minutes * 60


# ---------------------------------------------------------------- built data


def exercise_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test-stretch",
        "name": {"en": "Test stretch"},
        "summary": {"en": "A stretch used only in tests."},
        "target_muscles": ["calf"],
        "category": "stretch",
        "position": "seated",
        "equipment": ["chair"],
        "difficulty": "easy",
        "steps": [{"en": "Sit down."}, {"en": "Stretch."}, {"en": "Relax."}],
        "hold_seconds": 10,
        "reps": 3,
        "sets": 1,
        "rest_seconds": 10,
        "per_side": True,
        "cues": [{"en": "Breathe."}],
        "mistakes": [{"en": "Bouncing."}],
        "references": ["R28"],
    }
    data.update(changes)
    return data


def library_data(*exercises: dict[str, Any]) -> dict[str, Any]:
    return {"exercises": list(exercises)}


def test_it_accepts_the_minimal_built_exercise() -> None:
    parsed = parse_exercises(library_data(exercise_data()))
    assert list(parsed) == ["test-stretch"]


def test_it_computes_the_time_from_the_dose() -> None:
    held = parse_exercises(library_data(exercise_data()))["test-stretch"]
    # 2 sides x 3 holds x 10 s, 5 rests of 10 s between the 6 holds, 10 s to set up.
    assert held.estimated_seconds == 60 + 50 + 10
    counted = parse_exercises(
        library_data(
            exercise_data(category="strengthen", hold_seconds=None, reps=10, sets=3, per_side=False)
        )
    )["test-stretch"]
    # 30 reps at about 3 s each, rests between the 3 sets, 10 s to set up.
    assert counted.estimated_seconds == 90 + 20 + 10
    assert counted.minutes == 2


def test_it_matches_equipment_to_what_you_have() -> None:
    exercise = parse_exercises(library_data(exercise_data(equipment=["chair", "towel_or_strap"])))[
        "test-stretch"
    ]
    assert exercise.uses_only({"chair", "towel_or_strap", "wall"})
    assert not exercise.uses_only({"chair"})
    bare = parse_exercises(library_data(exercise_data(equipment=["none"])))["test-stretch"]
    assert bare.uses_only([])


def test_it_rejects_an_unknown_field() -> None:
    with pytest.raises(ValidationError, match=r"(?s)colour.*Extra inputs are not permitted"):
        parse_exercises(library_data(exercise_data(colour="blue")))


def test_it_rejects_an_unknown_field_in_a_caution() -> None:
    caution = {
        "condition": "knee_pain",
        "action": "modify",
        "advice": {"en": "Go gently."},
        "references": ["R28"],
        "severity": "high",
    }
    with pytest.raises(ValidationError, match=r"(?s)severity.*Extra inputs"):
        parse_exercises(library_data(exercise_data(cautions=[caution])))


def test_it_rejects_an_unknown_variant_id() -> None:
    with pytest.raises(ValidationError, match="easier variant 'no-such-stretch' does not exist"):
        parse_exercises(library_data(exercise_data(easier=["no-such-stretch"])))


def test_it_rejects_missing_references() -> None:
    data = exercise_data()
    del data["references"]
    with pytest.raises(ValidationError, match=r"(?s)references\s+Field required"):
        parse_exercises(library_data(data))


def test_it_rejects_an_empty_reference_list() -> None:
    with pytest.raises(ValidationError, match=r"(?s)references\s+List should have at least 1"):
        parse_exercises(library_data(exercise_data(references=[])))


def test_it_rejects_a_variant_pointing_to_itself() -> None:
    with pytest.raises(ValidationError, match="harder variant points to the exercise itself"):
        parse_exercises(library_data(exercise_data(harder=["test-stretch"])))


def test_it_rejects_contradictory_variants() -> None:
    first = exercise_data(id="first", harder=["second"])
    second = exercise_data(id="second", harder=["first"])
    with pytest.raises(ValidationError, match="contradictory variants: first is harder than"):
        parse_exercises(library_data(first, second))


def test_it_rejects_a_loop_through_easier_and_harder_links() -> None:
    # b is harder than a, c harder than b, yet a lists c as easier than itself.
    a = exercise_data(id="a", harder=["b"], easier=["c"])
    b = exercise_data(id="b", harder=["c"])
    c = exercise_data(id="c")
    with pytest.raises(ValidationError, match="contradictory variants"):
        parse_exercises(library_data(a, b, c))


def test_it_rejects_an_easier_variant_rated_harder() -> None:
    hard = exercise_data(id="hard-one", difficulty="hard")
    easy = exercise_data(id="easy-one", easier=["hard-one"])
    with pytest.raises(ValidationError, match="easy-one: easier variant hard-one is rated hard"):
        parse_exercises(library_data(hard, easy))


def test_it_rejects_duplicate_ids() -> None:
    with pytest.raises(ValidationError, match="duplicate exercise id test-stretch"):
        parse_exercises(library_data(exercise_data(), exercise_data()))


def test_it_rejects_a_supine_exercise_without_a_pregnancy_caution() -> None:
    with pytest.raises(ValidationError, match="no pregnancy_after_first_trimester caution"):
        parse_exercises(library_data(exercise_data(position="floor", lying_on="back")))


def test_it_rejects_a_supine_exercise_with_no_other_way_to_do_it() -> None:
    caution = {
        "condition": "pregnancy_after_first_trimester",
        "action": "modify",
        "advice": {"en": "Prop yourself up."},
        "references": ["R27"],
    }
    supine = exercise_data(position="floor", lying_on="back", cautions=[caution])
    with pytest.raises(ValidationError, match="no easier variant avoids that"):
        parse_exercises(library_data(supine))


def test_it_rejects_a_standing_exercise_without_balance_advice() -> None:
    with pytest.raises(ValidationError, match="standing but has no balance_problems caution"):
        parse_exercises(library_data(exercise_data(position="standing")))


def test_it_rejects_an_unknown_caution_condition_muscle_and_equipment() -> None:
    caution = {
        "condition": "bad_back",
        "action": "modify",
        "advice": {"en": "Careful."},
        "references": ["R28"],
    }
    bad = exercise_data(target_muscles=["biceps"], equipment=["kettlebell"], cautions=[caution])
    with pytest.raises(ValidationError) as error:
        parse_exercises(library_data(bad))
    message = str(error.value)
    for field in ("target_muscles", "equipment", "cautions.0.condition"):
        assert field in message


def test_it_rejects_a_stretch_without_a_hold() -> None:
    with pytest.raises(ValidationError, match="a stretch needs hold_seconds"):
        parse_exercises(library_data(exercise_data(hold_seconds=None)))


def test_it_rejects_none_alongside_real_equipment() -> None:
    with pytest.raises(ValidationError, match="'none' cannot be combined"):
        parse_exercises(library_data(exercise_data(equipment=["none", "chair"])))


def test_it_rejects_two_cautions_for_one_condition() -> None:
    caution = {
        "condition": "knee_pain",
        "action": "modify",
        "advice": {"en": "Go gently."},
        "references": ["R28"],
    }
    with pytest.raises(ValidationError, match="caution condition listed twice: knee_pain"):
        parse_exercises(library_data(exercise_data(cautions=[caution, copy.deepcopy(caution)])))


def test_it_rejects_a_dose_of_zero() -> None:
    with pytest.raises(ValidationError, match=r"(?s)reps\s+Input should be greater than or equal"):
        parse_exercises(library_data(exercise_data(reps=0)))
