"""Exercise pictures on the web: the picture route, and the pages and player that show them."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.knowledge.loader import get_library

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def pictured() -> list[str]:
    return [key for key, exercise in get_library().exercises.items() if exercise.pose]


def picture_url(slug: str) -> str:
    return reverse("knowledge:exercise_picture", args=[slug])


def test_it_serves_each_picture_as_svg_with_cache_headers(client: Client) -> None:
    for slug in pictured():
        response = client.get(picture_url(slug))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert response["Cache-Control"] == "public, max-age=3600"
        svg = ElementTree.fromstring(response.content)
        assert svg.find(f"{SVG}title").text == str(get_library().exercises[slug].name)
        # The picture's own style sheet may run (colours for dark mode, reduced motion).
        assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]


def test_it_answers_a_repeated_request_with_not_modified(client: Client) -> None:
    url = picture_url(pictured()[0])
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_it_gives_start_and_end_side_by_side_when_asked(client: Client) -> None:
    slug = next(s for s in pictured() if len(get_library().exercises[s].pose.keyframes) > 1)  # type: ignore[union-attr]
    svg = ElementTree.fromstring(client.get(picture_url(slug) + "?still=1").content)
    assert svg.get("viewBox") == "0 0 480 160"
    assert not svg.findall(f".//{SVG}animate")


def test_it_gives_the_held_position_still_for_reduced_motion(client: Client) -> None:
    slug = "calf-stretch-wall"
    svg = ElementTree.fromstring(client.get(picture_url(slug) + "?motion=0").content)
    assert svg.get("viewBox") == "0 0 240 160"
    assert not svg.findall(f".//{SVG}animate")
    moving = ElementTree.fromstring(client.get(picture_url(slug)).content)
    assert moving.findall(f".//{SVG}animate")


def test_it_answers_404_for_an_unknown_exercise(client: Client) -> None:
    response = client.get("/exercises/no-such-thing/picture.svg")
    assert response.status_code == 404


def test_the_exercise_page_shows_its_picture(client: Client) -> None:
    slug = pictured()[0]
    page = client.get(reverse("knowledge:exercise", args=[slug])).content.decode()
    name = str(get_library().exercises[slug].name)
    assert f'<img class="pose-picture" src="{picture_url(slug)}"' in page
    assert (
        f'<source srcset="{picture_url(slug)}?motion=0" media="(prefers-reduced-motion: reduce)">'
        in page
    )
    assert f'alt="{name}"' in page
    assert f'href="{picture_url(slug)}?still=1"' in page


def test_the_library_cards_show_the_pictures(client: Client) -> None:
    page = client.get(reverse("knowledge:exercises")).content.decode()
    for slug in pictured():
        assert f'src="{picture_url(slug)}"' in page


def test_the_relief_guide_shows_the_picture_of_a_step_that_is_an_exercise(client: Client) -> None:
    library = get_library()
    shown = 0
    for area in library.relief.areas:
        page = client.get(reverse("knowledge:relief_area", args=[area.id])).content.decode()
        for step in area.steps:
            if step.exercise and library.exercises[step.exercise].pose:
                assert f'src="{picture_url(step.exercise)}"' in page
                shown += 1
    assert shown


def test_the_player_gets_each_exercises_picture(user: User) -> None:
    from crampcare.programs.display import player_items
    from crampcare.programs.tests.builders import make_program

    program = make_program(user)
    items = player_items(list(program.get_plan().items))
    library = get_library().exercises
    for item in items:
        expected = picture_url(item["id"]) if library[item["id"]].pose else None
        assert item["picture"] == expected


def test_the_worker_precaches_the_relief_guides_pictures(client: Client) -> None:
    script = client.get("/sw.js").content.decode()
    library = get_library()
    for area in library.relief.areas:
        for step in area.steps:
            if step.exercise and library.exercises[step.exercise].pose:
                assert f'"{picture_url(step.exercise)}"' in script
                assert f'"{picture_url(step.exercise)}?motion=0"' in script
