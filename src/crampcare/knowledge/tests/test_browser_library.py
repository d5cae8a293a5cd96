"""The library, topics and sources in a real browser: filters, links, accessibility, screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from crampcare.knowledge.loader import get_library
from crampcare.knowledge.search import filter_exercises
from crampcare.testing.browser import look, look_both_schemes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _result_names(page: Any) -> list[str]:
    return page.locator(".exercise-card h3").all_inner_texts()


def test_it_filters_the_library_then_follows_an_exercise_a_topic_and_a_citation(
    page: Any, live_server: Any
) -> None:
    library = get_library()
    page.goto(live_server.url + "/exercises/")
    page.get_by_role("heading", name="Exercise library").wait_for()
    assert len(_result_names(page)) == len(library.exercises)
    look(page, "exercise-library")

    # Each change reloads only the results (htmx) and the address follows the filters.
    page.get_by_label("Muscle").select_option("calf")
    page.wait_for_url(re.compile(r"muscle=calf"))
    page.get_by_label("Position").select_option("standing")
    page.wait_for_url(re.compile(r"position=standing"))
    page.get_by_label("Time you have").select_option("3")
    page.wait_for_url(re.compile(r"max_minutes=3"))
    expected = filter_exercises(library, muscle="calf", position="standing", max_minutes=3)
    names = [str(exercise.name) for exercise in expected]
    page.wait_for_function(
        "n => document.querySelectorAll('.exercise-card').length === n", arg=len(names)
    )
    assert 0 < len(names) < len(library.exercises)
    assert _result_names(page) == names
    assert page.get_by_role("status").inner_text().startswith(f"{len(names)} of")
    # On a phone the results sit below the form: the button says how many and goes there.
    page.get_by_role("button", name=f"Show {len(names)} exercise").click()
    page.wait_for_function("() => document.activeElement.id === 'exercise-results'")
    expect(page.locator("#results-title")).to_be_in_viewport()
    look(page, "exercise-library-filtered")

    page.get_by_role("link", name=names[0]).click()
    page.get_by_role("heading", level=1, name=names[0]).wait_for()
    look(page, "exercise-page")

    page.goto(live_server.url + "/learn/")
    look(page, "topic-index")
    page.get_by_role("link", name=re.compile("Preventing cramps")).click()
    page.get_by_role("heading", level=1, name="Preventing cramps").wait_for()
    look(page, "topic-page")

    citation = page.get_by_role("link", name=re.compile(r"^Source R1: Hallegraeff")).first
    citation.click()
    page.wait_for_url(re.compile(r"/references/#R1$"))
    assert page.locator("#R1").is_visible()
    look(page, "references")


def test_it_shows_a_friendly_state_when_nothing_matches(page: Any, live_server: Any) -> None:
    assert not filter_exercises(get_library(), muscle="adductors", position="in_bed")
    page.goto(live_server.url + "/exercises/?muscle=adductors&position=in_bed")
    page.get_by_text("No exercises match all of these choices.").wait_for()
    look(page, "exercise-library-empty")
    page.get_by_role("link", name="Show all exercises").click()
    page.wait_for_url(re.compile(r"/exercises/$"))


def test_it_reads_well_in_dark_mode(dark_page: Any, live_server: Any) -> None:
    for path, name in (
        ("/learn/when-to-see-a-doctor/", "topic-urgent"),
        ("/exercises/hamstring-stretch-supine/", "exercise-cautions"),
        ("/exercises/?muscle=hamstrings", "exercise-library-hamstrings"),
        ("/references/#R11", "references-anchor"),
        ("/learn/", "topic-index"),
    ):
        dark_page.goto(live_server.url + path)
        look(dark_page, name)
    dark_page.goto(live_server.url + "/search/?q=quinine")
    look_both_schemes(dark_page, "search-results")
