"""The public, read-only knowledge API: fields, filters, 404 and 422."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.knowledge.loader import citation_index, get_library
from crampcare.knowledge.search import filter_exercises

pytestmark = pytest.mark.django_db


def _get(client: Client, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.content
    return response.json()


def test_it_lists_every_exercise_with_the_card_fields(client: Client) -> None:
    library = get_library()
    body = _get(client, "/api/v1/exercises")
    assert [item["id"] for item in body] == list(library.exercises)
    first = body[0]
    exercise = library.exercises[first["id"]]
    assert first["name"] == exercise.name.en
    assert first["url"] == f"/exercises/{exercise.id}/"
    assert first["minutes"] == exercise.minutes
    assert [muscle["id"] for muscle in first["target_muscles"]] == exercise.target_muscles
    assert first["target_muscles"][0]["name"] == library.muscles[exercise.target_muscles[0]].name.en


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("muscle=calf", {"muscle": "calf"}),
        ("position=seated", {"position": "seated"}),
        ("max_minutes=3", {"max_minutes": 3}),
        ("muscle=hamstrings&position=floor", {"muscle": "hamstrings", "position": "floor"}),
        ("equipment=chair", {"equipment": ["chair"]}),
        ("equipment=none", {"equipment": ["none"]}),
        ("q=towel", {"query": "towel"}),
    ],
)
def test_it_filters_exercises_like_the_library(
    client: Client, query: str, filters: dict[str, Any]
) -> None:
    expected = [exercise.id for exercise in filter_exercises(get_library(), **filters)]
    body = _get(client, f"/api/v1/exercises?{query}")
    assert [item["id"] for item in body] == expected
    assert 0 < len(expected) < len(get_library().exercises)


def test_it_takes_equipment_repeated_or_comma_separated(client: Client) -> None:
    repeated = _get(client, "/api/v1/exercises?equipment=chair&equipment=wall")
    commas = _get(client, "/api/v1/exercises?equipment=chair,wall")
    expected = filter_exercises(get_library(), equipment=["chair", "wall"])
    assert [item["id"] for item in repeated] == [exercise.id for exercise in expected]
    assert commas == repeated
    assert all(set(item["equipment"]) <= {"chair", "wall", "none"} for item in repeated)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("muscle=elbow", "muscle"),
        ("position=upside_down", "position"),
        ("equipment=sofa", "equipment"),
        ("equipment=chair,trampoline", "equipment"),
        ("max_minutes=-1", "max_minutes"),
        ("max_minutes=soon", "max_minutes"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_it_rejects_a_bad_filter_naming_the_parameter(
    client: Client, query: str, field: str
) -> None:
    body = _get(client, f"/api/v1/exercises?{query}", status=422)
    assert [error["field"] for error in body["errors"]] == [field]
    assert field in body["detail"]


def test_it_names_the_unknown_equipment_and_the_choices(client: Client) -> None:
    body = _get(client, "/api/v1/exercises?equipment=chair,sofa", status=422)
    message = body["errors"][0]["message"]
    assert "sofa" in message
    assert "towel_or_strap" in message


def test_it_returns_one_exercise_with_everything_the_page_shows(client: Client) -> None:
    library = get_library()
    exercise = library.exercises["hamstring-stretch-supine"]
    body = _get(client, "/api/v1/exercises/hamstring-stretch-supine")
    assert body["steps"] == [step.en for step in exercise.steps]
    assert body["cues"] == [cue.en for cue in exercise.cues]
    assert body["mistakes"] == [mistake.en for mistake in exercise.mistakes]
    assert body["dose"] == {
        "hold_seconds": exercise.hold_seconds,
        "reps": exercise.reps,
        "sets": exercise.sets,
        "per_side": exercise.per_side,
        "rest_seconds": exercise.rest_seconds,
        "estimated_seconds": exercise.estimated_seconds,
    }
    assert {c["condition"] for c in body["cautions"]} == {c.condition for c in exercise.cautions}
    assert [link["id"] for link in body["easier"]] == exercise.easier
    assert body["easier"][0]["url"] == f"/exercises/{exercise.easier[0]}/"
    cited = [ref["id"] for ref in body["references"]]
    assert cited[: len(exercise.references)] == exercise.references
    for caution in exercise.cautions:
        assert set(caution.references) <= set(cited)
    assert body["references"][0]["link"].startswith("https://")


def test_it_lists_topics_and_returns_one_with_its_sections(client: Client) -> None:
    library = get_library()
    listed = _get(client, "/api/v1/topics")
    assert [item["id"] for item in listed] == list(library.topics)
    topic = library.topics["when-to-see-a-doctor"]
    body = _get(client, "/api/v1/topics/when-to-see-a-doctor")
    assert body["title"] == topic.title.en
    assert body["disclaimer"] == library.disclaimer.en
    assert [s["heading"] for s in body["sections"]] == [s.heading.en for s in topic.sections]
    assert [s["urgency"] for s in body["sections"]] == [s.urgency for s in topic.sections]
    assert body["sections"][0]["anchor"] == "section-1"
    assert [ref["id"] for ref in body["references"]] == topic.references
    assert [link["id"] for link in body["related_topics"]] == topic.related_topics


def test_it_lists_every_reference_with_where_it_is_cited(client: Client) -> None:
    library = get_library()
    body = _get(client, "/api/v1/references")
    assert [item["id"] for item in body] == list(library.references)
    by_id = {item["id"]: item for item in body}
    hallegraeff = by_id["R1"]
    assert hallegraeff["short"] == "Hallegraeff et al. 2012"
    assert hallegraeff["link"] == "https://doi.org/" + hallegraeff["doi"]
    index = citation_index(library)
    for ref_id, item in by_id.items():
        cited = {(place["kind"], place["id"]) for place in item["cited_in"]}
        topics_and_exercises = {
            (site.kind, site.id) for site in index[ref_id] if site.kind in {"topic", "exercise"}
        }
        assert topics_and_exercises <= cited, ref_id
        assert item["cited_in"], f"{ref_id} is cited nowhere"
        # A relief-guide area that cites a source links to that area's page.
        urls = {place["url"] for place in item["cited_in"]}
        for site in index[ref_id]:
            if site.kind == "relief" and site.id in library.relief_areas:
                assert reverse("knowledge:relief_area", args=[site.id]) in urls, ref_id


@pytest.mark.parametrize(
    "path", ["/api/v1/exercises/no-such-exercise", "/api/v1/topics/no-such-topic"]
)
def test_it_answers_an_unknown_id_with_a_json_404(client: Client, path: str) -> None:
    body = _get(client, path, status=404)
    assert "no-such" in body["detail"]


def test_it_publishes_the_routes_and_their_schemas_in_openapi(client: Client) -> None:
    schema = _get(client, "/api/v1/openapi.json")
    for path in (
        "/api/v1/exercises",
        "/api/v1/exercises/{exercise_id}",
        "/api/v1/topics",
        "/api/v1/topics/{topic_id}",
        "/api/v1/references",
    ):
        answer = schema["paths"][path]["get"]["responses"]["200"]
        assert "$ref" in str(answer["content"]["application/json"]["schema"]), path
    parameters = schema["paths"]["/api/v1/exercises"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {
        "muscle",
        "position",
        "equipment",
        "max_minutes",
        "q",
    }
    assert {"ExerciseOut", "TopicOut", "ReferenceOut"} <= set(schema["components"]["schemas"])
