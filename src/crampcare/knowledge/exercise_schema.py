"""The exercise library: schema, safety rules and loader for ``content/exercises/*.yaml``.

An exercise is validated on its own (dose makes sense, safety cautions present for its position)
and then as part of the library (variant links resolve and form a consistent easier/harder order,
and anyone who cannot do an exercise safely has somewhere easier to go).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from math import ceil
from typing import Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from crampcare.knowledge.base import Cited, ContentModel, Slug, Text, read_exercise_library
from crampcare.knowledge.poses import Pose, pose_problems, shared_pictures
from crampcare.vocabulary import MuscleId

CautionKey = Literal[
    "pregnancy_after_first_trimester",
    "hip_replacement",
    "knee_replacement",
    "balance_problems",
    "knee_pain",
    "limited_mobility",
]
Category = Literal["stretch", "strengthen", "mobility", "relief", "circulation", "massage"]
Position = Literal["in_bed", "seated", "standing", "floor"]
Difficulty = Literal["easy", "moderate", "hard"]
Equipment = Literal[
    "none",
    "wall",
    "chair",
    "counter_or_support",
    "towel_or_strap",
    "step",
    "foam_roller",
    "ball",
    "bed",
    "pillow",
    "mat",
]
LyingOn = Literal["back", "side", "front"]

MUSCLE_IDS: tuple[str, ...] = get_args(MuscleId)
CAUTION_KEYS: tuple[str, ...] = get_args(CautionKey)
CATEGORIES: tuple[str, ...] = get_args(Category)
POSITIONS: tuple[str, ...] = get_args(Position)
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)
EQUIPMENT_IDS: tuple[str, ...] = get_args(Equipment)

# Untimed repetitions (a heel raise, a clamshell) take about this long when done slowly.
SECONDS_PER_REP = 3
# Getting into position, finding the wall or the towel.
SETUP_SECONDS = 10

_DIFFICULTY_RANK = {name: rank for rank, name in enumerate(DIFFICULTIES)}


class Caution(Cited):
    """Who must avoid or change an exercise, and how."""

    condition: CautionKey
    action: Literal["avoid", "modify"]
    advice: Text


def _no_repeats(values: list[str], what: str) -> list[str]:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"{what} listed twice: {', '.join(repeated)}")
    return values


class Exercise(Cited):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    summary: Text
    target_muscles: list[MuscleId] = Field(min_length=1)
    category: Category
    position: Position
    # Set for exercises done lying down, so a pregnancy program can leave out lying on the back.
    lying_on: LyingOn | None = None
    equipment: list[Equipment] = Field(min_length=1)
    difficulty: Difficulty
    steps: list[Text] = Field(min_length=2)
    # Length of one repetition when it is timed: a stretch hold, or a bout such as 60 s of
    # massage. None means untimed repetitions (heel raises, clamshells).
    hold_seconds: int | None = Field(default=None, gt=0)
    reps: int = Field(ge=1)
    sets: int = Field(ge=1)
    # Pause between timed holds, or between sets of untimed repetitions.
    rest_seconds: int = Field(ge=0)
    per_side: bool
    cues: list[Text] = Field(min_length=1)
    mistakes: list[Text] = Field(min_length=1)
    cautions: list[Caution] = Field(default_factory=list)
    easier: list[Slug] = Field(default_factory=list)
    harder: list[Slug] = Field(default_factory=list)
    # The picture: a line figure in one to four keyframes (knowledge/poses.py, docs/poses.md).
    pose: Pose | None = None

    @field_validator("target_muscles")
    @classmethod
    def _unique_muscles(cls, value: list[str]) -> list[str]:
        return _no_repeats(value, "target muscle")

    @field_validator("equipment")
    @classmethod
    def _coherent_equipment(cls, value: list[str]) -> list[str]:
        _no_repeats(value, "equipment")
        if "none" in value and len(value) > 1:
            raise ValueError("equipment 'none' cannot be combined with other equipment")
        return value

    @field_validator("cautions")
    @classmethod
    def _one_caution_per_condition(cls, value: list[Caution]) -> list[Caution]:
        _no_repeats([caution.condition for caution in value], "caution condition")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        problems: list[str] = []
        for field in ("easier", "harder"):
            links: list[str] = getattr(self, field)
            if self.id in links:
                problems.append(f"{field} variant points to the exercise itself")
            if len(set(links)) != len(links):
                problems.append(f"{field} variant listed twice")
        both = sorted(set(self.easier) & set(self.harder))
        if both:
            problems.append(f"{', '.join(both)} listed as both easier and harder")
        if self.category == "stretch" and self.hold_seconds is None:
            problems.append("a stretch needs hold_seconds")
        if self.lying_on is not None and self.position not in ("floor", "in_bed"):
            problems.append(f"lying_on is set but the position is {self.position}")
        conditions = {caution.condition for caution in self.cautions}
        # Lying on the back later in pregnancy can press on the big vein returning blood [R27].
        if self.lying_on == "back" and "pregnancy_after_first_trimester" not in conditions:
            problems.append("lies on the back but has no pregnancy_after_first_trimester caution")
        if self.position == "standing" and "balance_problems" not in conditions:
            problems.append("is done standing but has no balance_problems caution")
        problems.extend(pose_problems(self))
        if problems:
            raise ValueError(f"{self.id}: " + "; ".join(problems))
        return self

    @property
    def sides(self) -> int:
        return 2 if self.per_side else 1

    @property
    def estimated_seconds(self) -> int:
        """Realistic time for the whole dose, both sides, rests and setting up included."""
        per_rep = self.hold_seconds if self.hold_seconds is not None else SECONDS_PER_REP
        work = self.sides * self.sets * self.reps * per_rep
        # Timed holds rest between each hold; untimed reps rest between sets. Changing side
        # takes about one rest, and there is no rest after the last effort.
        efforts_per_side = self.sets * self.reps if self.hold_seconds is not None else self.sets
        rests = (self.sides * efforts_per_side - 1) * self.rest_seconds
        return SETUP_SECONDS + work + rests

    @property
    def minutes(self) -> int:
        return ceil(self.estimated_seconds / 60)

    @property
    def is_supine(self) -> bool:
        return self.lying_on == "back"

    def uses_only(self, available: Iterable[str]) -> bool:
        """True if everything this exercise needs is in ``available`` ('none' always is)."""
        have = {*available, "none"}
        return all(item in have for item in self.equipment)


class ExerciseLibrary(ContentModel):
    exercises: list[Exercise] = Field(min_length=1)

    @model_validator(mode="after")
    def _linked(self) -> ExerciseLibrary:
        problems = _library_problems(self.exercises)
        if problems:
            raise ValueError("exercise library: " + "; ".join(problems))
        return self


def _library_problems(exercises: list[Exercise]) -> list[str]:
    ids = [exercise.id for exercise in exercises]
    duplicates = sorted({value for value in ids if ids.count(value) > 1})
    if duplicates:
        return [f"duplicate exercise id {value}" for value in duplicates]
    by_id = {exercise.id: exercise for exercise in exercises}
    problems: list[str] = []
    # harder_than[a] holds every b that a is said to be harder than, from either side's links.
    harder_than: dict[str, set[str]] = {key: set() for key in by_id}
    for exercise in exercises:
        for field, sign in (("easier", -1), ("harder", 1)):
            for other_id in getattr(exercise, field):
                other = by_id.get(other_id)
                if other is None:
                    problems.append(f"{exercise.id}: {field} variant {other_id!r} does not exist")
                    continue
                if sign < 0:
                    harder_than[exercise.id].add(other_id)
                else:
                    harder_than[other_id].add(exercise.id)
                step = _DIFFICULTY_RANK[other.difficulty] - _DIFFICULTY_RANK[exercise.difficulty]
                if step * sign < 0:
                    problems.append(
                        f"{exercise.id}: {field} variant {other_id} is rated {other.difficulty}"
                    )
    problems.extend(_contradictions(harder_than))
    problems.extend(shared_pictures(exercises))
    problems.extend(_missing_safe_alternatives(exercises, by_id))
    return problems


def _contradictions(harder_than: dict[str, set[str]]) -> list[str]:
    """Find a loop in "is harder than" (A > B > ... > A), which would make progression circular."""
    done: set[str] = set()
    problems: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            loop = [*path[path.index(node) :], node]
            problems.append("contradictory variants: " + " is harder than ".join(loop))
            return
        if node in done:
            return
        for easier in sorted(harder_than[node]):
            visit(easier, [*path, node])
        done.add(node)

    for start in sorted(harder_than):
        if not problems:
            visit(start, [])
    return problems


def _missing_safe_alternatives(exercises: list[Exercise], by_id: dict[str, Exercise]) -> list[str]:
    """Whoever is told to change an exercise needs a version they can do instead."""
    problems: list[str] = []
    for exercise in exercises:
        easier = [by_id[key] for key in exercise.easier if key in by_id]
        if exercise.is_supine and all(other.is_supine for other in easier):
            problems.append(f"{exercise.id}: lies on the back but no easier variant avoids that")
        if exercise.position == "standing" and all(o.position == "standing" for o in easier):
            problems.append(f"{exercise.id}: is done standing but no easier variant is not")
    return problems


def parse_exercises(data: Any) -> dict[str, Exercise]:
    """Validate raw library data (the parsed YAML) into exercises keyed by id, in file order."""
    library = ExerciseLibrary.model_validate(data)
    return {exercise.id: exercise for exercise in library.exercises}


@cache
def load_exercises() -> dict[str, Exercise]:
    return parse_exercises(read_exercise_library())
