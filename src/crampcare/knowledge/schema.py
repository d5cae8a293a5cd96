"""Schemas for the knowledge content we own: references, topics, muscles and the relief guide.

Each content file is a versioned document (``version: 1`` at the top) so a later format change can
be detected instead of half-parsed. Exercises have their own schema in ``exercise_schema``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from crampcare.knowledge.base import Cited, ContentModel, RefId, Slug, Text
from crampcare.vocabulary import MuscleId

SCHEMA_VERSION = 1

ReliefAreaId = Literal["calf", "hamstring", "quadriceps", "foot"]
RELIEF_AREA_ORDER: tuple[ReliefAreaId, ...] = ("calf", "hamstring", "quadriceps", "foot")

ReferenceKind = Literal[
    "trial",
    "systematic-review",
    "review",
    "observational",
    "qualitative",
    "guideline",
    "regulatory",
    "patient-information",
    "commentary",
    "letter",
]
# How soon to act, shared wording with the assessment's triage levels.
Urgency = Literal["emergency", "same_day", "soon", "next_visit"]

Doi = Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")]
HttpsUrl = Annotated[str, Field(pattern=r"^https://[^\s]+$")]


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.add(value)
    return values


class VersionedDocument(ContentModel):
    version: Literal[1]


# --- references -------------------------------------------------------------------------------


class Reference(ContentModel):
    """One source. Authors is a person list or, for web pages, the organisation that wrote it."""

    id: RefId
    kind: ReferenceKind
    authors: str = Field(min_length=2)
    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2, description="Journal, or the organisation that publishes")
    year: int | None = Field(default=None, ge=1950, le=2100)
    details: str | None = Field(default=None, description="Volume, issue and pages")
    doi: Doi | None = None
    url: HttpsUrl | None = None
    pmid: int | None = Field(default=None, ge=1)
    note: Text

    @model_validator(mode="after")
    def _findable(self) -> Reference:
        if self.doi is None and self.url is None:
            raise ValueError(f"reference {self.id} needs a doi or a url")
        # Journal articles always have a year; only living web pages may lack one.
        if self.year is None and self.kind not in {"patient-information", "guideline"}:
            raise ValueError(f"reference {self.id} ({self.kind}) needs a year")
        return self

    @property
    def link(self) -> str:
        """Where a reader can find the source: the DOI resolver first, as DOIs outlive URLs."""
        if self.doi is not None:
            return f"https://doi.org/{self.doi}"
        assert self.url is not None  # guaranteed by _findable
        return self.url

    @property
    def citation(self) -> str:
        """A one-line citation for reference lists."""
        parts = [self.authors, self.title, self.publisher]
        if self.year is not None:
            parts[-1] += f" {self.year}"
        if self.details:
            parts[-1] += f";{self.details}"
        # Authors like "Merck & Co." and titles ending in "?" already close themselves.
        return " ".join(part if part.endswith((".", "?", "!")) else f"{part}." for part in parts)


class ReferenceList(VersionedDocument):
    references: list[Reference] = Field(min_length=1)

    @field_validator("references")
    @classmethod
    def _unique_ids(cls, value: list[Reference]) -> list[Reference]:
        _unique([ref.id for ref in value], "reference id")
        return value


# --- education topics -------------------------------------------------------------------------


class Block(ContentModel):
    """A paragraph or a bullet list, in reading order."""

    text: Text | None = None
    bullets: list[Text] | None = None
    style: Literal["plain", "note", "warning"] = "plain"

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        if (self.text is None) == (self.bullets is None):
            raise ValueError("a block has either text or bullets, not both and not neither")
        if self.bullets is not None and not self.bullets:
            raise ValueError("a bullet list needs at least one item")
        return self

    def strings(self) -> list[Text]:
        return [self.text] if self.text is not None else list(self.bullets or [])


class Section(Cited):
    """A claim-bearing part of a topic: its references back every sentence in it."""

    heading: Text
    body: list[Block] = Field(min_length=1)
    urgency: Urgency | None = None


class Topic(ContentModel):
    id: Slug
    title: Text
    summary: Text
    reading_minutes: int = Field(ge=1, le=30)
    sections: list[Section] = Field(min_length=1)
    related_exercises: list[Slug] = Field(default_factory=list)
    related_topics: list[Slug] = Field(default_factory=list)

    @field_validator("related_exercises", "related_topics")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return _unique(value, "related id")

    @model_validator(mode="after")
    def _not_self_related(self) -> Topic:
        if self.id in self.related_topics:
            raise ValueError(f"topic {self.id} lists itself as related")
        return self

    @property
    def references(self) -> list[str]:
        """Every reference the topic cites, in order of first use (the page ends with these)."""
        ordered: dict[str, None] = {}
        for section in self.sections:
            ordered.update(dict.fromkeys(section.references))
        return list(ordered)


class TopicList(VersionedDocument):
    disclaimer: Text
    topics: list[Topic] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _unique_ids(cls, value: list[Topic]) -> list[Topic]:
        _unique([topic.id for topic in value], "topic id")
        return value


# --- muscles ----------------------------------------------------------------------------------


class Muscle(Cited):
    id: MuscleId
    name: Text
    anatomical_name: Text
    location: Text
    action: Text
    relief_area: ReliefAreaId | None = None


class MuscleList(VersionedDocument):
    muscles: list[Muscle] = Field(min_length=1)

    @field_validator("muscles")
    @classmethod
    def _unique_ids(cls, value: list[Muscle]) -> list[Muscle]:
        _unique([muscle.id for muscle in value], "muscle id")
        return value


# --- "cramp now" relief guide -----------------------------------------------------------------


class ReliefStep(Cited):
    """One step of the relief guide: shown as text, read aloud as ``spoken``, timed on screen."""

    id: Slug
    text: Text
    # Read aloud at 3 a.m.: short enough to follow without looking at the screen.
    spoken: Text
    hold_seconds: int = Field(ge=5, le=120)
    repeat: int = Field(default=1, ge=1, le=6)
    rest_seconds: int = Field(default=0, ge=0, le=60)
    exercise: Slug | None = None

    @field_validator("spoken")
    @classmethod
    def _short_cue(cls, value: Text) -> Text:
        for language, cue in value.model_dump(exclude_none=True).items():
            if len(cue) > 140:
                raise ValueError(f"spoken cue ({language}) is longer than 140 characters")
        return value

    @property
    def total_seconds(self) -> int:
        return self.hold_seconds * self.repeat + self.rest_seconds * (self.repeat - 1)


class CitedText(Cited):
    text: Text


class Aftercare(CitedText):
    # Left out for a person whose program is held after a red flag (programs/hold.py): ``held``
    # for any urgent or emergency result, ``calf_caution`` while a clot or muscle breakdown is
    # suspected (nothing that rubs or loads the calf; hazard P16).
    hidden_when: Literal["held", "calf_caution"] | None = None


class ReliefVariant(ContentModel):
    """Another set of steps for the same area, for people who cannot use the usual position
    (e.g. lying down, hip kept below 90 degrees, after a hip replacement)."""

    id: Slug
    # The link that offers it ("Can't sit up, or had a hip replacement?").
    label: Text
    # Said above its steps: who it is for and what to keep to.
    intro: CitedText
    steps: list[ReliefStep] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, value: list[ReliefStep]) -> list[ReliefStep]:
        _unique([step.id for step in value], "step id")
        return value


class ReliefArea(ContentModel):
    id: ReliefAreaId
    title: Text
    description: Text
    muscles: list[MuscleId] = Field(min_length=1)
    steps: list[ReliefStep] = Field(min_length=1)
    # Moves people often get wrong for this area, said plainly (shown before the steps).
    avoid: list[CitedText] = Field(default_factory=list)
    variants: list[ReliefVariant] = Field(default_factory=list)
    # How good the evidence for these steps is, when that is worth saying (shown under them).
    evidence_note: CitedText | None = None
    related_exercises: list[Slug] = Field(default_factory=list)

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, value: list[ReliefStep]) -> list[ReliefStep]:
        _unique([step.id for step in value], "step id")
        return value

    @field_validator("variants")
    @classmethod
    def _unique_variants(cls, value: list[ReliefVariant]) -> list[ReliefVariant]:
        _unique([variant.id for variant in value], "variant id")
        return value

    def variant(self, variant_id: str | None) -> ReliefVariant | None:
        return next((v for v in self.variants if v.id == variant_id), None)

    @property
    def total_seconds(self) -> int:
        return sum(step.total_seconds for step in self.steps)


class StillCramping(Cited):
    """What to say when stretching has not eased the cramp after ``threshold_minutes``."""

    threshold_minutes: int = Field(ge=1, le=30)
    urgency: Urgency
    title: Text
    message: Text
    spoken: Text


class ReliefGuide(VersionedDocument):
    title: Text
    intro: Text
    question: Text
    areas: list[ReliefArea]
    aftercare: list[Aftercare] = Field(min_length=1)
    still_cramping: StillCramping
    emergency: CitedText
    # Pain that began with an injury is not a cramp: stretching it can make it worse.
    not_a_cramp: CitedText

    @field_validator("areas")
    @classmethod
    def _every_area_once(cls, value: list[ReliefArea]) -> list[ReliefArea]:
        ids = tuple(area.id for area in value)
        if ids != RELIEF_AREA_ORDER:
            raise ValueError(f"relief areas must be {', '.join(RELIEF_AREA_ORDER)} in that order")
        return value
