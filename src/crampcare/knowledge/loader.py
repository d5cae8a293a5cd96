"""Load every knowledge content file once, validate it, and check that all its links resolve.

``get_library()`` is what the rest of the app uses. ``build_library()`` takes already-parsed
parts so tests can check the cross-reference rules on small, deliberately broken documents.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from crampcare.knowledge.base import Text, read_exercise_library, read_yaml
from crampcare.knowledge.exercise_schema import Exercise, load_exercises
from crampcare.knowledge.schema import (
    Muscle,
    MuscleList,
    Reference,
    ReferenceList,
    ReliefArea,
    ReliefGuide,
    Topic,
    TopicList,
)

REFERENCES_FILE = "references.yaml"
TOPICS_FILE = "topics.yaml"
MUSCLES_FILE = "muscles.yaml"
RELIEF_FILE = "relief.yaml"
EXERCISES_FILE = "exercises/"

Document = TypeVar("Document", bound=BaseModel)


class ContentError(ValueError):
    """A content file is invalid or points at something that does not exist."""


# eq=False: a library is compared (and cached on) by identity, not by walking its content.
@dataclass(frozen=True, eq=False)
class Library:
    """All knowledge content, keyed by id. Read-only: it is shared by every request."""

    references: Mapping[str, Reference]
    topics: Mapping[str, Topic]
    muscles: Mapping[str, Muscle]
    relief: ReliefGuide
    exercises: Mapping[str, Exercise]
    disclaimer: Text

    @cached_property
    def relief_areas(self) -> Mapping[str, ReliefArea]:
        return MappingProxyType({area.id: area for area in self.relief.areas})


class CitationSite(NamedTuple):
    """Where a reference is cited: kind of content, its id, and the part of it (for links)."""

    kind: str
    id: str
    part: str


def parse_document(model: type[Document], name: str, data: Any) -> Document:
    """Validate one parsed file, naming the file in the error so it can be found quickly."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ContentError(describe_errors(name, error, data)) from error


def describe_errors(name: str, error: ValidationError, data: Any) -> str:
    """One line per problem: file, a path through the document using item ids, what is wrong."""
    lines = []
    for problem in error.errors():
        where = _readable_location(data, problem["loc"])
        given = problem.get("input")
        shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
        lines.append(f"{name}: {where}: {problem['msg']}{shown}")
    return "\n".join(lines)


def _readable_location(data: Any, location: tuple[int | str, ...]) -> str:
    """``topics[preventing-cramps].sections[0]`` rather than ``topics.4.sections.0``."""
    text, node = "", data
    for key in location:
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            node = node[key]
            label = node.get("id") if isinstance(node, dict) else None
            text += f"[{label or key}]"
        else:
            node = node.get(key) if isinstance(node, dict) else None
            text += f".{key}"
    return text.lstrip(".") or "(top level)"


def build_library(
    *,
    references: ReferenceList,
    topics: TopicList,
    muscles: MuscleList,
    relief: ReliefGuide,
    exercises: Mapping[str, Exercise],
) -> Library:
    library = Library(
        references=MappingProxyType({ref.id: ref for ref in references.references}),
        topics=MappingProxyType({topic.id: topic for topic in topics.topics}),
        muscles=MappingProxyType({muscle.id: muscle for muscle in muscles.muscles}),
        relief=relief,
        exercises=MappingProxyType(dict(exercises)),
        disclaimer=topics.disclaimer,
    )
    problems = cross_reference_problems(library)
    if problems:
        raise ContentError("content links do not resolve:\n  " + "\n  ".join(problems))
    return library


def load_library() -> Library:
    try:
        exercises = load_exercises()
    except ValidationError as error:
        data = read_exercise_library()
        raise ContentError(describe_errors(EXERCISES_FILE, error, data)) from error
    return build_library(
        references=parse_document(ReferenceList, REFERENCES_FILE, read_yaml(REFERENCES_FILE)),
        topics=parse_document(TopicList, TOPICS_FILE, read_yaml(TOPICS_FILE)),
        muscles=parse_document(MuscleList, MUSCLES_FILE, read_yaml(MUSCLES_FILE)),
        relief=parse_document(ReliefGuide, RELIEF_FILE, read_yaml(RELIEF_FILE)),
        exercises=exercises,
    )


@cache
def get_library() -> Library:
    """The validated content, loaded on first use and shared for the life of the process."""
    return load_library()


# --- cross-references -------------------------------------------------------------------------


def _cited_blocks(node: object, where: str) -> Iterator[tuple[str, list[str]]]:
    """Every ``references`` list inside a content model, with a readable path to it."""
    if isinstance(node, BaseModel):
        for field in type(node).model_fields:
            value = getattr(node, field)
            if field == "references" and isinstance(value, list):
                yield where, value
            else:
                yield from _cited_blocks(value, f"{where}.{field}")
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            label = getattr(item, "id", None) or index
            yield from _cited_blocks(item, f"{where}[{label}]")


def _content_roots(library: Library) -> Iterator[tuple[str, str, str, BaseModel]]:
    """(file, kind, id, model) for every top-level content item that may cite references."""
    for topic in library.topics.values():
        yield TOPICS_FILE, "topic", topic.id, topic
    for muscle in library.muscles.values():
        yield MUSCLES_FILE, "muscle", muscle.id, muscle
    for area in library.relief.areas:
        yield RELIEF_FILE, "relief", area.id, area
    relief = library.relief
    for number, item in enumerate(relief.aftercare, start=1):
        yield RELIEF_FILE, "relief", f"aftercare-{number}", item
    yield RELIEF_FILE, "relief", "still-cramping", relief.still_cramping
    yield RELIEF_FILE, "relief", "emergency", relief.emergency
    yield RELIEF_FILE, "relief", "not-a-cramp", relief.not_a_cramp
    for exercise in library.exercises.values():
        yield EXERCISES_FILE, "exercise", exercise.id, exercise


def _missing(wanted: Collection[str], known: Collection[str]) -> list[str]:
    return [value for value in wanted if value not in known]


def cross_reference_problems(library: Library) -> list[str]:
    """Every link that does not resolve, each naming its file and the bad id."""
    problems: list[str] = []
    for file, kind, item_id, model in _content_roots(library):
        for where, refs in _cited_blocks(model, f"{kind} {item_id!r}"):
            for ref in _missing(refs, library.references):
                problems.append(f"{file}: {where}: unknown reference id {ref!r}")

    for topic in library.topics.values():
        for bad in _missing(topic.related_topics, library.topics):
            problems.append(f"{TOPICS_FILE}: topic {topic.id!r}: unknown related topic {bad!r}")
        for bad in _missing(topic.related_exercises, library.exercises):
            problems.append(f"{TOPICS_FILE}: topic {topic.id!r}: unknown exercise {bad!r}")

    for area in library.relief.areas:
        for bad in _missing(area.muscles, library.muscles):
            problems.append(f"{RELIEF_FILE}: area {area.id!r}: unknown muscle {bad!r}")
        every_step = [*area.steps, *(s for v in area.variants for s in v.steps)]
        linked = [*area.related_exercises, *(s.exercise for s in every_step if s.exercise)]
        for bad in _missing(linked, library.exercises):
            problems.append(f"{RELIEF_FILE}: area {area.id!r}: unknown exercise {bad!r}")

    for exercise in library.exercises.values():
        for bad in _missing(exercise.target_muscles, library.muscles):
            problems.append(f"{EXERCISES_FILE}: {exercise.id!r}: unknown muscle {bad!r}")
        for bad in _missing([*exercise.easier, *exercise.harder], library.exercises):
            problems.append(f"{EXERCISES_FILE}: {exercise.id!r}: unknown variant {bad!r}")
    return problems


def citation_index(library: Library) -> dict[str, list[CitationSite]]:
    """For each reference id (in reference-list order), every place that cites it."""
    index: dict[str, list[CitationSite]] = {ref_id: [] for ref_id in library.references}
    for _file, kind, item_id, model in _content_roots(library):
        for where, refs in _cited_blocks(model, ""):
            site = CitationSite(kind, item_id, where.lstrip("."))
            for ref in refs:
                index.setdefault(ref, []).append(site)
    return index
