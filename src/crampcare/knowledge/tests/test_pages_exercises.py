"""The exercise library page (filters, htmx partial, bad input) and every exercise page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from crampcare.knowledge.loader import get_library
from crampcare.knowledge.search import filter_exercises
from crampcare.knowledge.templatetags.knowledge_tags import CAUTION_LABELS
from crampcare.knowledge.tests.test_pages import Html, get_page

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _result_ids(client: Client, query: str, *, status: int = 200, htmx: bool = False) -> list[str]:
    """Ids of the exercises listed, in order (links to exercise pages)."""
    headers = HTMX if htmx else {}
    response = client.get(f"/exercises/?{query}", **headers)  # type: ignore[arg-type]
    assert response.status_code == status
    html = Html(response.content.decode())
    return [
        a["href"].split("/")[2]
        for a in html.find("a")
        if re.fullmatch(r"/exercises/[a-z0-9-]+/", a.get("href", ""))
    ]


def test_it_lists_every_exercise_with_its_card_details(client: Client) -> None:
    library = get_library()
    _, html = get_page(client, "/exercises/")
    assert _result_ids(client, "") == list(library.exercises)
    assert len(html.find("li", class_="exercise-card")) == len(library.exercises)
    exercise = library.exercises["calf-stretch-wall"]
    assert "Standing" in html.text
    assert f"about {exercise.minutes} min" in html.text
    assert html.find("li", class_="difficulty-easy")


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("muscle=calf", {"muscle": "calf"}),
        ("position=in_bed", {"position": "in_bed"}),
        ("max_minutes=2", {"max_minutes": 2}),
        (
            "muscle=calf&position=standing&max_minutes=3",
            {"muscle": "calf", "position": "standing", "max_minutes": 3},
        ),
        ("equipment=chair&equipment=towel_or_strap", {"equipment": ["chair", "towel_or_strap"]}),
        ("equipment=none", {"equipment": ["none"]}),
        ("q=hamstring", {"query": "hamstring"}),
        ("q=strap&position=floor", {"query": "strap", "position": "floor"}),
    ],
)
def test_it_narrows_the_results_with_each_filter(
    client: Client, query: str, filters: dict[str, Any]
) -> None:
    expected = [exercise.id for exercise in filter_exercises(get_library(), **filters)]
    assert 0 < len(expected) < len(get_library().exercises)
    assert _result_ids(client, query) == expected


def test_it_keeps_the_chosen_filters_in_the_form(client: Client) -> None:
    _, html = get_page(client, "/exercises/?muscle=soleus&position=standing&equipment=wall")
    assert html.find("option", value="soleus", selected="")
    assert html.find("option", value="standing", selected="")
    assert html.find("input", value="wall", checked="")


def test_it_works_without_javascript_and_enhances_with_htmx(client: Client) -> None:
    _, html = get_page(client, "/exercises/")
    (form,) = html.find("form", class_="filters")
    assert form["method"] == "get"
    assert form["action"] == "/exercises/"
    assert form["hx-get"] == "/exercises/"
    assert form["hx-target"] == "#exercise-results"
    assert form["hx-push-url"] == "true"
    assert html.find("button", type="submit")
    assert html.find("input", type="search", name="q")


def test_it_answers_an_htmx_request_with_only_the_results(client: Client) -> None:
    response = client.get("/exercises/?muscle=foot", **HTMX)  # type: ignore[arg-type]
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "<form" not in page
    assert 'id="results-title"' in page
    assert "HX-Request" in response["Vary"]
    expected = [exercise.id for exercise in filter_exercises(get_library(), muscle="foot")]
    assert _result_ids(client, "muscle=foot", htmx=True) == expected
    # The submit button's label follows the count, swapped in out of band.
    (label,) = Html(page).find("span", id="show-label")
    assert label["hx-swap-oob"] == "true"
    assert f"Show {len(expected)} exercises" in Html(page).text


def test_it_serves_the_whole_page_when_htmx_restores_history(client: Client) -> None:
    response = client.get(
        "/exercises/?muscle=foot", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" in page
    (label,) = Html(page).find("span", id="show-label")
    assert "hx-swap-oob" not in label


def test_it_shows_a_clear_no_matches_state_with_a_reset_link(client: Client) -> None:
    # No inner-thigh exercise is done in bed.
    assert not filter_exercises(get_library(), muscle="adductors", position="in_bed")
    _, html = get_page(client, "/exercises/?muscle=adductors&position=in_bed")
    assert "No exercises match all of these choices." in html.text
    assert html.find("a", href="/exercises/", class_="button")
    assert not html.find("li", class_="exercise-card")


@pytest.mark.parametrize(
    ("query", "field", "label"),
    [
        ("muscle=elbow", "muscle", "Muscle"),
        ("position=upside_down", "position", "Position"),
        ("max_minutes=-1", "max_minutes", "Time you have"),
        ("max_minutes=soon", "max_minutes", "Time you have"),
        ("equipment=sofa", "equipment", "What you have to hand"),
        ("q=" + "x" * 101, "q", "Search exercises"),
    ],
)
def test_it_explains_a_bad_filter_and_ignores_it(
    client: Client, query: str, field: str, label: str
) -> None:
    _, html = get_page(client, f"/exercises/?{query}", status=400)
    assert html.find("div", class_="error-summary", role="alert")
    assert f"{label}:" in html.text
    assert html.find("ul", class_="errorlist", id=f"id_{field}_error")
    # The other filters still apply: here there are none, so everything is listed.
    assert len(html.find("li", class_="exercise-card")) == len(get_library().exercises)


def test_it_keeps_good_filters_when_one_is_bad(client: Client) -> None:
    expected = [exercise.id for exercise in filter_exercises(get_library(), position="seated")]
    assert _result_ids(client, "muscle=elbow&position=seated", status=400) == expected


# --- exercise pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", list(get_library().exercises))
def test_it_renders_every_exercise_page(client: Client, exercise_id: str) -> None:
    library = get_library()
    exercise = library.exercises[exercise_id]
    page, html = get_page(client, f"/exercises/{exercise_id}/")
    assert str(exercise.name) in html.text
    assert str(exercise.summary) in html.text
    steps = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S)
    assert steps
    assert steps.group(1).count("<li>") == len(exercise.steps)
    for text in [*exercise.steps, *exercise.cues, *exercise.mistakes]:
        assert str(text) in html.text
    for caution in exercise.cautions:
        (box,) = html.find("div", class_="caution", **{"data-condition": caution.condition})
        assert ("danger" if caution.action == "avoid" else "warning") in box["class"]
        assert str(CAUTION_LABELS[caution.condition]) in html.text
        assert str(caution.advice) in html.text
    links = html.hrefs()
    for other in [*exercise.easier, *exercise.harder]:
        assert f"/exercises/{other}/" in links
    for muscle_id in exercise.target_muscles:
        assert f"/exercises/?muscle={muscle_id}" in links
    # The picture is named, and the page ends with every source it cites.
    (picture,) = html.find("img", class_="pose-picture")
    assert picture["alt"] == str(exercise.name)
    assert set(html.citations()) >= set(exercise.references)
    ending = re.search(r'<section class="sources".*?</section>\s*</article>', page, re.S)
    assert ending
    listed = re.findall(r'data-ref="(R\d+)"', ending.group(0))
    assert set(listed) == {
        *exercise.references,
        *(r for c in exercise.cautions for r in c.references),
    }


def test_it_shows_the_dose(client: Client) -> None:
    exercise = get_library().exercises["calf-stretch-wall"]
    page, _ = get_page(client, "/exercises/calf-stretch-wall/")
    dose = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert dose == {
        "Hold": f"{exercise.hold_seconds} seconds",
        "Repeat": f"{exercise.reps} times",
        "Sides": "Each side",
        "Rest between": f"{exercise.rest_seconds} seconds",
        "Time": f"About {exercise.minutes} minutes",
    }


def test_it_pictures_the_exercise_itself_and_names_its_position(client: Client) -> None:
    page, html = get_page(client, "/exercises/calf-stretch-towel-bed/")
    assert 'src="/exercises/calf-stretch-towel-bed/picture.svg"' in page
    assert "In bed ·" in html.text


def test_it_lists_avoid_cautions_before_modify_ones(client: Client) -> None:
    library = get_library()
    mixed = next(
        e
        for e in library.exercises.values()
        if {c.action for c in e.cautions} == {"avoid", "modify"}
    )
    _, html = get_page(client, f"/exercises/{mixed.id}/")
    boxes = [box["class"] for box in html.find("div", class_="caution")]
    dangers = [index for index, classes in enumerate(boxes) if "danger" in classes]
    assert dangers == list(range(len(dangers)))


def test_it_answers_an_unknown_exercise_with_404(client: Client) -> None:
    get_page(client, "/exercises/no-such-exercise/", status=404)
