"""Search over topics and exercises, and the exercise filters."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crampcare.knowledge.exercise_schema import Exercise
from crampcare.knowledge.loader import Library, get_library
from crampcare.knowledge.schema import TopicList
from crampcare.knowledge.search import (
    build_index,
    filter_exercises,
    normalise,
    search,
    stem,
)


def ids(query: str, limit: int = 20) -> list[str]:
    return [hit.id for hit in search(query, limit)]


def topic(topic_id: str, title: str, body: str) -> dict[str, Any]:
    return {
        "id": topic_id,
        "title": {"en": title},
        "summary": {"en": "A short page."},
        "reading_minutes": 1,
        "sections": [
            {"heading": {"en": "Part"}, "body": [{"text": {"en": body}}], "references": ["R1"]}
        ],
    }


def library_with_topics(*topics: dict[str, Any]) -> Library:
    """The real library with its topics swapped for a few made-up ones."""
    parsed = TopicList.model_validate(
        {"version": 1, "disclaimer": {"en": "Not a diagnosis."}, "topics": list(topics)}
    )
    return dataclasses.replace(get_library(), topics={t.id: t for t in parsed.topics})


def test_it_finds_quinine_in_the_page_on_what_does_not_work() -> None:
    hits = search("quinine")
    assert hits[0].kind == "topic"
    assert hits[0].id == "what-does-not-work"
    assert "quinine" in hits[0].snippet.lower()


def test_it_matches_the_start_of_a_word() -> None:
    found = ids("pregnan")
    assert found[0] == "cramps-in-pregnancy"
    # "pregnant" in other pages is found by the same prefix.
    assert len(found) > 1


def test_it_ignores_case_and_accents() -> None:
    assert ids("QUÍNINE") == ids("quinine")
    assert ids("Magnésium") == ids("magnesium")


def test_it_treats_plurals_loosely() -> None:
    assert ids("cramps") == ids("cramp")
    assert ids("stretches") == ids("stretch")
    calf_exercises = {"calf-stretch-wall", "soleus-stretch-wall", "calf-stretch-seated"}
    assert calf_exercises <= set(ids("calves", limit=50))


def test_it_finds_every_exercise_by_each_of_its_aliases() -> None:
    library = get_library()
    checked = 0
    for exercise in library.exercises.values():
        for alias in exercise.aliases:
            assert exercise.id in ids(alias.en, limit=50), f"{alias.en!r} -> {exercise.id}"
            checked += 1
    assert checked > 0


def test_it_finds_exercises_by_the_muscle_they_work() -> None:
    found = {hit.id for hit in search("hamstrings", 50) if hit.kind == "exercise"}
    expected = {
        exercise.id
        for exercise in get_library().exercises.values()
        if "hamstrings" in exercise.target_muscles
    }
    assert expected <= found


def test_it_ranks_a_title_match_above_a_body_match() -> None:
    library = library_with_topics(
        topic("mentions", "Sleep and rest", "Quinine is mentioned here in passing."),
        topic("about", "Quinine", "Nothing else to say."),
    )
    hits = [hit for hit in build_index(library).search("quinine") if hit.kind == "topic"]
    assert [hit.id for hit in hits] == ["about", "mentions"]
    assert hits[0].score > hits[1].score


def test_it_requires_every_word_of_the_query() -> None:
    library = library_with_topics(
        topic("both", "Night cramps", "Pickle juice and quinine."),
        topic("one", "Night cramps", "Only quinine here."),
    )
    hits = build_index(library).search("quinine pickle")
    assert [hit.id for hit in hits] == ["both"]


# --- forgiving search (issue 10.6) -------------------------------------------------------------


def test_it_forgives_a_typo_in_calf() -> None:
    found = ids("calff", limit=10)
    assert found
    assert all("calf" in hit.title.lower() or "soleus" in hit.id for hit in search("calff", 5))
    assert set(found[:5]) <= set(ids("calf", limit=50))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hamstrng", "hamstring"),
        ("strech", "stretch"),
        ("magnesum", "magnesium"),
        ("quinnine", "quinine"),
        ("pregancy", "pregnancy"),
        ("cramsp", "cramp"),  # two letters swapped
    ],
)
def test_it_finds_what_a_misspelt_word_meant(typed: str, meant: str) -> None:
    wanted = ids(meant, limit=5)
    found = ids(typed, limit=50)
    assert wanted
    assert set(wanted) & set(found[:10]), (typed, found[:10])


def test_it_never_corrects_a_word_the_library_has() -> None:
    # "leg" is a word of the library: it must not also find pages for "log" or "lag".
    for hit in search("leg", 50):
        assert "leg" in (hit.title + " " + hit.snippet).lower(), hit.id


def test_it_finds_the_pregnancy_page_for_a_question_in_everyday_words() -> None:
    for query in ("cramp at night pregnant", "pregnant night cramps", "leg cramps when pregnant"):
        assert ids(query, 3)[0] == "cramps-in-pregnancy", query


def test_it_finds_quinine_when_asked_about_tonic_water() -> None:
    hits = search("tonic water")
    assert hits[0].id == "what-does-not-work"
    assert "quinine" in hits[0].snippet.lower()


@pytest.mark.parametrize("query", ["water tablets", "water pills", "water tablet"])
def test_it_finds_the_medicines_page_for_water_tablets(query: str) -> None:
    found = ids(query, 3)
    assert "medicines-and-cramps" in found
    assert "why-cramps-happen" in ids(query, 10)  # where diuretics are explained


def test_it_does_not_care_about_word_order_or_plurals() -> None:
    assert ids("stretch calf") == ids("calf stretch")
    assert ids("calf stretches") == ids("calves stretch")
    assert ids("night cramps") == ids("cramp night")


def test_it_ranks_pages_with_every_word_above_pages_missing_one() -> None:
    library = library_with_topics(
        topic("all", "Cramps and sleep", "Night cramps in pregnancy are common."),
        topic("two", "Cramps in pregnancy", "Common in the last months."),
        topic("none", "Footwear", "Shoes matter."),
    )
    hits = build_index(library).search("night cramps pregnancy")
    found = [hit.id for hit in hits if hit.kind == "topic"]
    assert found[:2] == ["all", "two"]
    assert "none" not in found


def test_it_builds_the_snippet_around_the_match() -> None:
    filler = "Stretching before bed is simple. " * 10
    library = library_with_topics(topic("long", "Night cramps", f"{filler}Avoid quinine. {filler}"))
    (hit,) = build_index(library).search("quinine")
    assert "quinine" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert len(hit.snippet) <= 170


@pytest.mark.parametrize("query", ["", "   ", "the and of", "?!"])
def test_it_returns_nothing_for_an_empty_query(query: str) -> None:
    assert search(query) == []


def test_it_respects_the_limit() -> None:
    assert len(search("stretch", limit=3)) == 3
    assert search("stretch", limit=0) == []


def test_it_names_each_hit_for_display() -> None:
    library = get_library()
    for hit in search("calf"):
        source = library.topics[hit.id] if hit.kind == "topic" else library.exercises[hit.id]
        name = source.title if hit.kind == "topic" else source.name  # type: ignore[union-attr]
        assert hit.title == name.en
        assert hit.snippet


@given(st.text(max_size=60))
def test_it_never_fails_on_any_query(query: str) -> None:
    hits = search(query, limit=5)
    assert len(hits) <= 5
    assert all(hit.score > 0 for hit in hits)


def test_it_normalises_and_stems_consistently() -> None:
    assert normalise("Grossesse Éclair") == "grossesse eclair"
    assert stem("pregnancies") == "pregnancy"
    assert stem("calves") == "calf"
    assert stem("stretches") == "stretch"
    assert stem("glass") == "glass"


# --- filters ----------------------------------------------------------------------------------


def everything() -> list[Exercise]:
    return list(get_library().exercises.values())


def test_it_filters_exercises_by_muscle() -> None:
    found = filter_exercises(get_library(), muscle="glutes")
    assert found
    assert found == [e for e in everything() if "glutes" in e.target_muscles]


def test_it_filters_exercises_by_position() -> None:
    found = filter_exercises(get_library(), position="in_bed")
    assert found
    assert found == [e for e in everything() if e.position == "in_bed"]


def test_it_filters_exercises_by_the_equipment_you_have() -> None:
    library = get_library()
    nothing = filter_exercises(library, equipment=[])
    assert nothing
    assert all(e.equipment == ["none"] for e in nothing)
    with_chair = filter_exercises(library, equipment={"chair"})
    assert set(map(id, nothing)) < set(map(id, with_chair))
    assert all(set(e.equipment) <= {"none", "chair"} for e in with_chair)
    assert filter_exercises(library, equipment="chair") == with_chair


def test_it_filters_exercises_by_time() -> None:
    found = filter_exercises(get_library(), max_minutes=2)
    assert 0 < len(found) < len(everything())
    assert found == [e for e in everything() if e.estimated_seconds <= 120]


def test_it_filters_exercises_by_query_best_match_first() -> None:
    library = get_library()
    found = filter_exercises(library, query="towel")
    exercise_hits = [hit.id for hit in search("towel", 50) if hit.kind == "exercise"]
    assert [e.id for e in found] == exercise_hits
    assert filter_exercises(library, query="  ") == everything()


def test_it_combines_filters() -> None:
    found = filter_exercises(get_library(), muscle="calf", position="standing", max_minutes=3)
    assert found == [
        e
        for e in everything()
        if "calf" in e.target_muscles and e.position == "standing" and e.estimated_seconds <= 180
    ]


# ---------------------------------------------------------------- in Spanish


def test_it_finds_the_calf_stretches_in_spanish_with_the_snippet_in_spanish() -> None:
    hits = search("estiramiento de pantorrilla", language="es")
    assert hits, "nothing found"
    top = [hit.id for hit in hits[:5]]
    assert "calf-stretch-wall" in top
    assert any("pantorrilla" in hit.title.lower() for hit in hits[:5])


def test_spanish_everyday_words_find_the_library_words() -> None:
    assert ids("agua tónica")[0] == "what-does-not-work"
    assert "cramps-in-pregnancy" in ids("calambres de noche embarazada")[:3]
    assert ids("gemelos")[:3] == ids("pantorrilla")[:3]


def test_spanish_function_words_do_not_drown_a_question() -> None:
    """Without its function words the question is four words, and the page on pregnancy has them."""
    found = ids("¿qué puedo hacer con los calambres en el embarazo?")
    assert "cramps-in-pregnancy" in found[:3]
