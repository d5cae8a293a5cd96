"""The search page: results across topics and exercises, snippets, and the empty states."""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.knowledge.search import search
from crampcare.knowledge.tests.test_pages import get_page

pytestmark = pytest.mark.django_db


def test_it_finds_topics_and_exercises_with_snippets(client: Client) -> None:
    hits = search("stretch", 30)
    assert {hit.kind for hit in hits} == {"topic", "exercise"}
    _, html = get_page(client, "/search/?q=stretch")
    (results,) = html.find("ol", class_="search-results")
    links = html.hrefs(
        lambda href: href.startswith(("/learn/", "/exercises/")) and href.count("/") == 3
    )
    expected = [f"/{'learn' if hit.kind == 'topic' else 'exercises'}/{hit.id}/" for hit in hits]
    assert links[: len(expected)] == expected
    for hit in hits:
        assert hit.snippet in html.text
    assert f"{len(hits)} results for “stretch”" in html.text
    assert html.find("span", class_="kind-topic")
    assert html.find("span", class_="kind-exercise")
    assert results["aria-labelledby"] == "results-title"


def test_it_ranks_the_quinine_topic_first(client: Client) -> None:
    _, html = get_page(client, "/search/?q=quinine")
    topics = html.hrefs(lambda href: href.startswith("/learn/") and href.count("/") == 3)
    assert topics[0] == f"/learn/{search('quinine', 1)[0].id}/"


def test_it_offers_suggestions_for_an_empty_search(client: Client) -> None:
    _, html = get_page(client, "/search/")
    assert not html.find("ol", class_="search-results")
    assert "/search/?q=quinine" in html.hrefs()
    assert html.find("input", type="search", name="q", value="")


def test_it_says_so_when_nothing_matches(client: Client) -> None:
    _, html = get_page(client, "/search/?q=zzzqqq")
    assert "Nothing matched every word." in html.text
    assert "/learn/" in html.hrefs()
    assert "/exercises/" in html.hrefs()
    assert html.find("input", name="q", value="zzzqqq")


def test_it_asks_for_a_shorter_search_instead_of_failing(client: Client) -> None:
    _, html = get_page(client, "/search/?q=" + "cramp " * 40, status=400)
    assert html.find("div", class_="error-summary", role="alert")
    assert "100 characters or fewer" in html.text


def test_it_escapes_the_query_it_shows_back(client: Client) -> None:
    page, _ = get_page(client, "/search/?q=<script>alert(1)</script>")
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("path", ["/learn/", "/exercises/"])
def test_it_puts_a_search_box_on_the_topic_index_and_the_library(client: Client, path: str) -> None:
    _, html = get_page(client, path)
    assert html.find("input", type="search", name="q")
