"""Read-only, public API over the knowledge content: the same fields the pages show.

No account needed: this is the content of a public health leaflet, nothing personal. Text comes
back in the request's language (English until a translation exists).
"""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from crampcare.knowledge import views
from crampcare.knowledge.exercise_schema import (
    EQUIPMENT_IDS,
    Category,
    CautionKey,
    Difficulty,
    Equipment,
    Exercise,
    MuscleId,
    Position,
)
from crampcare.knowledge.loader import Library, get_library
from crampcare.knowledge.schema import Reference, ReferenceKind, Topic, Urgency
from crampcare.knowledge.search import filter_exercises
from crampcare.knowledge.templatetags.knowledge_tags import source_name

router = Router(tags=["knowledge"], auth=None)


# --- output schemas ---------------------------------------------------------------------------


class MuscleOut(Schema):
    id: MuscleId
    name: str
    anatomical_name: str


class LinkOut(Schema):
    id: str
    title: str
    url: str = Field(description="The page on this site")


class CitationOut(Schema):
    id: str = Field(description="Reference id, as listed by GET /api/v1/references")
    short: str = Field(description='Short name, e.g. "Hallegraeff et al. 2012"')
    citation: str
    link: str = Field(description="DOI resolver or web address of the source")


class ExerciseSummaryOut(Schema):
    id: str
    name: str
    summary: str
    url: str
    target_muscles: list[MuscleOut]
    category: Category
    position: Position
    equipment: list[Equipment]
    difficulty: Difficulty
    minutes: int = Field(description="Time for the whole dose, both sides, rounded up")


class CautionOut(Schema):
    condition: CautionKey
    action: Literal["avoid", "modify"]
    advice: str
    references: list[str]


class ExerciseDoseOut(Schema):
    hold_seconds: int | None = Field(description="Length of one timed repetition; null if counted")
    reps: int
    sets: int
    per_side: bool
    rest_seconds: int
    estimated_seconds: int


class ExerciseOut(ExerciseSummaryOut):
    aliases: list[str]
    steps: list[str]
    dose: ExerciseDoseOut
    cues: list[str]
    mistakes: list[str]
    cautions: list[CautionOut]
    easier: list[LinkOut]
    harder: list[LinkOut]
    references: list[CitationOut]


class TopicSummaryOut(Schema):
    id: str
    title: str
    summary: str
    reading_minutes: int
    url: str


class BlockOut(Schema):
    style: Literal["plain", "note", "warning"]
    text: str | None
    bullets: list[str] | None


class SectionOut(Schema):
    anchor: str = Field(description="Fragment of the section on the topic page")
    heading: str
    urgency: Urgency | None
    body: list[BlockOut]
    references: list[str]


class TopicOut(TopicSummaryOut):
    disclaimer: str
    sections: list[SectionOut]
    related_exercises: list[LinkOut]
    related_topics: list[LinkOut]
    references: list[CitationOut]


class CitedInOut(Schema):
    kind: Literal["topic", "exercise", "muscle", "relief"]
    id: str
    title: str
    url: str


class ReferenceOut(Schema):
    id: str
    kind: ReferenceKind
    authors: str
    title: str
    publisher: str
    year: int | None
    details: str | None
    doi: str | None
    url: str | None
    pmid: int | None
    link: str
    short: str
    citation: str
    note: str
    cited_in: list[CitedInOut]


class ExerciseFilters(Schema):
    """The exercise library's filters; each one narrows the list."""

    muscle: MuscleId | None = Field(None, description="Exercises that work this muscle")
    position: Position | None = None
    equipment: list[str] | None = Field(
        None,
        description=(
            "What you have to hand, repeated or comma-separated (e.g. chair,wall): exercises "
            "that need nothing else. 'none' alone means no equipment at all."
        ),
    )
    max_minutes: float | None = Field(None, gt=0, description="Whole dose takes at most this long")
    q: str | None = Field(None, max_length=views.MAX_QUERY_LENGTH, description="Text search")

    @field_validator("equipment")
    @classmethod
    def _known_equipment(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        items = [item.strip() for raw in value for item in raw.split(",") if item.strip()]
        unknown = [item for item in items if item not in EQUIPMENT_IDS]
        if unknown:
            raise PydanticCustomError(
                "unknown_equipment",
                "unknown equipment {unknown}; use any of {known}",
                {"unknown": ", ".join(unknown), "known": ", ".join(EQUIPMENT_IDS)},
            )
        return items or None


# --- building the answers ---------------------------------------------------------------------


def _citations(library: Library, ids: list[str]) -> list[CitationOut]:
    return [_citation(library.references[ref_id]) for ref_id in ids]


def _citation(reference: Reference) -> CitationOut:
    return CitationOut(
        id=reference.id,
        short=source_name(reference),
        citation=reference.citation,
        link=reference.link,
    )


def _exercise_link(exercise: Exercise) -> LinkOut:
    url = reverse("knowledge:exercise", args=[exercise.id])
    return LinkOut(id=exercise.id, title=str(exercise.name), url=url)


def _exercise_summary(library: Library, exercise: Exercise) -> dict[str, object]:
    return {
        "id": exercise.id,
        "name": str(exercise.name),
        "summary": str(exercise.summary),
        "url": reverse("knowledge:exercise", args=[exercise.id]),
        "target_muscles": [
            MuscleOut(
                id=muscle.id, name=str(muscle.name), anatomical_name=str(muscle.anatomical_name)
            )
            for muscle in (library.muscles[key] for key in exercise.target_muscles)
        ],
        "category": exercise.category,
        "position": exercise.position,
        "equipment": exercise.equipment,
        "difficulty": exercise.difficulty,
        "minutes": exercise.minutes,
    }


def _exercise(library: Library, exercise: Exercise) -> ExerciseOut:
    sources = dict.fromkeys(exercise.references)
    for caution in exercise.cautions:
        sources.update(dict.fromkeys(caution.references))
    return ExerciseOut(
        **_exercise_summary(library, exercise),  # type: ignore[arg-type]
        aliases=[str(alias) for alias in exercise.aliases],
        steps=[str(step) for step in exercise.steps],
        dose=ExerciseDoseOut(
            hold_seconds=exercise.hold_seconds,
            reps=exercise.reps,
            sets=exercise.sets,
            per_side=exercise.per_side,
            rest_seconds=exercise.rest_seconds,
            estimated_seconds=exercise.estimated_seconds,
        ),
        cues=[str(cue) for cue in exercise.cues],
        mistakes=[str(mistake) for mistake in exercise.mistakes],
        cautions=[
            CautionOut(
                condition=caution.condition,
                action=caution.action,
                advice=str(caution.advice),
                references=list(caution.references),
            )
            for caution in exercise.cautions
        ],
        easier=[_exercise_link(library.exercises[key]) for key in exercise.easier],
        harder=[_exercise_link(library.exercises[key]) for key in exercise.harder],
        references=_citations(library, list(sources)),
    )


def _topic_summary(topic: Topic) -> dict[str, object]:
    return {
        "id": topic.id,
        "title": str(topic.title),
        "summary": str(topic.summary),
        "reading_minutes": topic.reading_minutes,
        "url": reverse("knowledge:topic", args=[topic.id]),
    }


def _topic(library: Library, topic: Topic) -> TopicOut:
    return TopicOut(
        **_topic_summary(topic),  # type: ignore[arg-type]
        disclaimer=str(library.disclaimer),
        sections=[
            SectionOut(
                anchor=f"section-{number}",
                heading=str(section.heading),
                urgency=section.urgency,
                body=[
                    BlockOut(
                        style=block.style,
                        text=str(block.text) if block.text is not None else None,
                        bullets=[str(item) for item in block.bullets] if block.bullets else None,
                    )
                    for block in section.body
                ],
                references=list(section.references),
            )
            for number, section in enumerate(topic.sections, start=1)
        ],
        related_exercises=[
            _exercise_link(library.exercises[key]) for key in topic.related_exercises
        ],
        related_topics=[
            LinkOut(
                id=other,
                title=str(library.topics[other].title),
                url=reverse("knowledge:topic", args=[other]),
            )
            for other in topic.related_topics
        ],
        references=_citations(library, topic.references),
    )


# --- routes -----------------------------------------------------------------------------------


@router.get("/exercises", response=list[ExerciseSummaryOut], summary="The exercise library")
def list_exercises(request: HttpRequest, filters: Query[ExerciseFilters]) -> object:
    library = get_library()
    found = filter_exercises(
        library,
        muscle=filters.muscle,
        position=filters.position,
        equipment=filters.equipment,
        max_minutes=filters.max_minutes,
        query=filters.q,
    )
    return [_exercise_summary(library, exercise) for exercise in found]


@router.get("/exercises/{exercise_id}", response=ExerciseOut, summary="One exercise")
def get_exercise(request: HttpRequest, exercise_id: str) -> object:
    library = get_library()
    exercise = library.exercises.get(exercise_id)
    if exercise is None:
        raise Http404(f"There is no exercise {exercise_id!r}.")
    return _exercise(library, exercise)


@router.get("/topics", response=list[TopicSummaryOut], summary="Education topics")
def list_topics(request: HttpRequest) -> object:
    return [_topic_summary(topic) for topic in get_library().topics.values()]


@router.get("/topics/{topic_id}", response=TopicOut, summary="One education topic")
def get_topic(request: HttpRequest, topic_id: str) -> object:
    library = get_library()
    topic = library.topics.get(topic_id)
    if topic is None:
        raise Http404(f"There is no topic {topic_id!r}.")
    return _topic(library, topic)


@router.get("/references", response=list[ReferenceOut], summary="Every source we cite")
def list_references(request: HttpRequest) -> object:
    library = get_library()
    places = views.cited_in(library)
    return [
        {
            **reference.model_dump(exclude={"note"}),
            "link": reference.link,
            "short": source_name(reference),
            "citation": reference.citation,
            "note": str(reference.note),
            "cited_in": [place.__dict__ for place in places.get(reference.id, [])],
        }
        for reference in library.references.values()
    ]
