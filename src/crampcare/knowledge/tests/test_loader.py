"""Loading, validation and cross-reference checks, including deliberately broken documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from crampcare.knowledge.base import read_yaml
from crampcare.knowledge.exercise_schema import load_exercises
from crampcare.knowledge.loader import (
    ContentError,
    Library,
    build_library,
    citation_index,
    cross_reference_problems,
    get_library,
    parse_document,
)
from crampcare.knowledge.schema import (
    MuscleList,
    Reference,
    ReferenceList,
    ReliefGuide,
    Section,
    TopicList,
)

OWN_FILES = ("references.yaml", "topics.yaml", "muscles.yaml", "relief.yaml")


@pytest.fixture
def raw() -> dict[str, Any]:
    """A private, editable copy of the real content, so a test can break one thing in it."""
    return {name: copy.deepcopy(read_yaml(name)) for name in OWN_FILES}


def build(raw: dict[str, Any]) -> Library:
    return build_library(
        references=parse_document(ReferenceList, "references.yaml", raw["references.yaml"]),
        topics=parse_document(TopicList, "topics.yaml", raw["topics.yaml"]),
        muscles=parse_document(MuscleList, "muscles.yaml", raw["muscles.yaml"]),
        relief=parse_document(ReliefGuide, "relief.yaml", raw["relief.yaml"]),
        exercises=load_exercises(),
    )


def topic(raw: dict[str, Any], topic_id: str) -> dict[str, Any]:
    return next(t for t in raw["topics.yaml"]["topics"] if t["id"] == topic_id)


def relief_area(raw: dict[str, Any], area_id: str) -> dict[str, Any]:
    return next(a for a in raw["relief.yaml"]["areas"] if a["id"] == area_id)


def test_it_loads_the_library_once_and_shares_it() -> None:
    assert get_library() is get_library()


def test_it_builds_the_same_library_from_the_raw_files(raw: dict[str, Any]) -> None:
    library = build(raw)
    shared = get_library()
    assert list(library.topics) == list(shared.topics)
    assert list(library.references) == list(shared.references)
    assert list(library.relief_areas) == ["calf", "hamstring", "quadriceps", "foot"]


def test_it_resolves_every_cross_reference_in_the_real_content() -> None:
    assert cross_reference_problems(get_library()) == []


def test_it_rejects_an_unknown_reference_id_naming_file_and_id(raw: dict[str, Any]) -> None:
    topic(raw, "what-does-not-work")["sections"][0]["references"].append("R99")
    with pytest.raises(ContentError) as error:
        build(raw)
    message = str(error.value)
    assert "topics.yaml" in message
    assert "'R99'" in message
    assert "what-does-not-work" in message


def test_it_rejects_an_unknown_reference_in_the_relief_guide(raw: dict[str, Any]) -> None:
    relief_area(raw, "hamstring")["steps"][0]["references"] = ["R7"]
    with pytest.raises(ContentError, match=r"relief\.yaml: .*hamstring.*unknown reference id 'R7'"):
        build(raw)


def test_it_rejects_an_unknown_reference_in_a_muscle(raw: dict[str, Any]) -> None:
    raw["muscles.yaml"]["muscles"][0]["references"] = ["R37"]
    with pytest.raises(ContentError, match=r"muscles\.yaml: muscle 'calf'.*'R37'"):
        build(raw)


def test_it_rejects_a_section_that_cites_nothing(raw: dict[str, Any]) -> None:
    del topic(raw, "preventing-cramps")["sections"][0]["references"]
    with pytest.raises(
        ContentError,
        match=r"topics\.yaml: topics\[preventing-cramps\]\.sections\[0\]\.references: Field required",
    ):
        build(raw)


def test_it_rejects_an_empty_reference_list() -> None:
    section = {"heading": {"en": "A claim"}, "body": [{"text": {"en": "Something."}}]}
    with pytest.raises(ValidationError, match="references"):
        Section.model_validate({**section, "references": []})


def test_it_rejects_a_malformed_reference_id() -> None:
    section = {"heading": {"en": "A claim"}, "body": [{"text": {"en": "Something."}}]}
    with pytest.raises(ValidationError, match="pattern"):
        Section.model_validate({**section, "references": ["Hallegraeff2012"]})


def test_it_rejects_an_unknown_related_topic(raw: dict[str, Any]) -> None:
    topic(raw, "what-is-a-leg-cramp")["related_topics"].append("cramp-cures")
    with pytest.raises(ContentError, match=r"unknown related topic 'cramp-cures'"):
        build(raw)


def test_it_rejects_an_unknown_related_exercise(raw: dict[str, Any]) -> None:
    topic(raw, "preventing-cramps")["related_exercises"].append("handstand")
    with pytest.raises(ContentError, match=r"topics\.yaml: topic 'preventing-cramps'.*'handstand'"):
        build(raw)


def test_it_rejects_an_unknown_exercise_in_a_relief_step(raw: dict[str, Any]) -> None:
    relief_area(raw, "foot")["steps"][0]["exercise"] = "toe-juggling"
    with pytest.raises(
        ContentError, match=r"relief\.yaml: area 'foot': unknown exercise 'toe-juggling'"
    ):
        build(raw)


def test_it_rejects_a_muscle_outside_the_shared_vocabulary(raw: dict[str, Any]) -> None:
    relief_area(raw, "calf")["muscles"].append("biceps")
    with pytest.raises(
        ContentError, match=r"relief\.yaml: areas\[calf\]\.muscles\[2\]: .*'biceps'"
    ):
        build(raw)


def test_it_rejects_a_muscle_missing_from_muscles_yaml(raw: dict[str, Any]) -> None:
    muscles = raw["muscles.yaml"]["muscles"]
    muscles[:] = [muscle for muscle in muscles if muscle["id"] != "soleus"]
    with pytest.raises(ContentError, match=r"unknown muscle 'soleus'"):
        build(raw)


def test_it_rejects_a_duplicate_topic_id(raw: dict[str, Any]) -> None:
    topics = raw["topics.yaml"]["topics"]
    topics.append(copy.deepcopy(topics[0]))
    with pytest.raises(ContentError, match=r"topic id 'what-is-a-leg-cramp' is listed twice"):
        build(raw)


def test_it_rejects_an_unknown_field_rather_than_ignoring_it(raw: dict[str, Any]) -> None:
    topic(raw, "what-is-a-leg-cramp")["reading_time"] = 4
    with pytest.raises(
        ContentError, match=r"topics\.yaml: topics\[what-is-a-leg-cramp\]\.reading_time"
    ):
        build(raw)


def test_it_rejects_a_file_without_its_version(raw: dict[str, Any]) -> None:
    del raw["muscles.yaml"]["version"]
    with pytest.raises(ContentError, match=r"muscles\.yaml: version: Field required"):
        build(raw)


def test_it_rejects_a_reference_that_cannot_be_found() -> None:
    with pytest.raises(ValidationError, match="needs a doi or a url"):
        Reference.model_validate(
            {
                "id": "R1",
                "kind": "trial",
                "authors": "Someone A",
                "title": "A trial",
                "publisher": "A journal",
                "year": 2012,
                "note": {"en": "A trial."},
            }
        )


def test_it_rejects_a_journal_article_without_a_year() -> None:
    with pytest.raises(ValidationError, match="needs a year"):
        Reference.model_validate(
            {
                "id": "R1",
                "kind": "trial",
                "authors": "Someone A",
                "title": "A trial",
                "publisher": "A journal",
                "doi": "10.1000/xyz",
                "note": {"en": "A trial."},
            }
        )


def test_it_rejects_relief_areas_that_are_missing_or_out_of_order(raw: dict[str, Any]) -> None:
    areas = raw["relief.yaml"]["areas"]
    areas.reverse()
    with pytest.raises(
        ContentError, match=r"relief\.yaml: areas: .*calf, hamstring, quadriceps, foot"
    ):
        build(raw)
    areas[:] = areas[1:]
    with pytest.raises(ContentError, match=r"relief\.yaml: areas: "):
        build(raw)


def test_it_keeps_the_library_read_only() -> None:
    library = get_library()
    with pytest.raises(AttributeError):
        library.topics = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        library.topics["new"] = library.topics["what-is-a-leg-cramp"]  # type: ignore[index]


def test_it_indexes_where_each_reference_is_cited() -> None:
    library = get_library()
    index = citation_index(library)
    assert list(index) == list(library.references)
    fda = index["R18"]
    assert ("topic", "what-does-not-work") in {(site.kind, site.id) for site in fda}
    assert ("topic", "bedtime-stretching-trial") in {(site.kind, site.id) for site in index["R1"]}
    # The still-cramping advice rests on NHS guidance, so the references page can show that.
    assert ("relief", "still-cramping") in {(site.kind, site.id) for site in index["R24"]}
