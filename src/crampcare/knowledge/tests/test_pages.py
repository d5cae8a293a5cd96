"""Topic pages and the sources page: content, citation links and the reference lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from crampcare.knowledge.loader import get_library

pytestmark = pytest.mark.django_db

CITATION_HREF = re.compile(r"^/references/#(R\d+)$")


class Html(HTMLParser):
    """The parts of a page these tests look at: every start tag with its attributes, and text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {key: value or "" for key, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text_parts))

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if "id" in attrs}

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        """Attributes of each ``tag`` whose attributes include ``wanted`` (class_ for class)."""
        wanted = {key.rstrip("_"): value for key, value in wanted.items()}
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(_has(attrs, key, value) for key, value in wanted.items())
        ]

    def hrefs(self, predicate: Callable[[str], bool] = bool) -> list[str]:
        return [attrs["href"] for attrs in self.find("a") if predicate(attrs.get("href", ""))]

    def citations(self) -> list[str]:
        """Reference ids of every link to the sources page, in page order."""
        found = (CITATION_HREF.match(href) for href in self.hrefs())
        return [match.group(1) for match in found if match]


def _has(attrs: dict[str, str], key: str, value: str) -> bool:
    if key == "class":
        return value in attrs.get("class", "").split()
    return attrs.get(key) == value


def get_page(client: Client, path: str, status: int = 200) -> tuple[str, Html]:
    response = client.get(path)
    assert response.status_code == status, f"{path}: {response.status_code}"
    page = response.content.decode()
    return page, Html(page)


def _section_html(page: str, number: int) -> str:
    match = re.search(rf'<section id="section-{number}".*?</section>', page, re.S)
    assert match, f"section {number} missing"
    return match.group(0)


# --- topic index ------------------------------------------------------------------------------


def test_it_lists_every_topic_with_its_summary(client: Client) -> None:
    library = get_library()
    _, html = get_page(client, "/learn/")
    topic_links = html.hrefs(lambda href: href.startswith("/learn/") and href != "/learn/")
    assert topic_links == [f"/learn/{topic_id}/" for topic_id in library.topics]
    for topic in library.topics.values():
        assert str(topic.summary) in html.text
    assert html.find("form", action="/search/", method="get")


# --- topic pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("topic_id", list(get_library().topics))
def test_it_renders_every_topic_ending_with_its_references(client: Client, topic_id: str) -> None:
    library = get_library()
    topic = library.topics[topic_id]
    page, html = get_page(client, f"/learn/{topic_id}/")
    assert html.find("h1")
    assert str(topic.title) in html.text
    for section in topic.sections:
        assert str(section.heading) in html.text
        for block in section.body:
            for text in block.strings():
                assert str(text) in html.text
    # The page ends with its own reference list: nothing but the closing tags after it.
    ending = re.search(r'<section class="sources".*?</section>\s*</article>', page, re.S)
    assert ending, "the reference list is not the last thing on the page"
    listed = re.findall(r'data-ref="(R\d+)"', ending.group(0))
    assert listed == topic.references
    for ref_id in topic.references:
        reference = library.references[ref_id]
        assert reference.citation in unescape(ending.group(0))
        assert f'href="{reference.link}"' in ending.group(0)


@pytest.mark.parametrize("topic_id", list(get_library().topics))
def test_it_cites_each_section_with_links_to_its_sources(client: Client, topic_id: str) -> None:
    topic = get_library().topics[topic_id]
    page, _ = get_page(client, f"/learn/{topic_id}/")
    for number, section in enumerate(topic.sections, start=1):
        assert Html(_section_html(page, number)).citations() == section.references


def test_it_gives_each_citation_an_accessible_source_name(client: Client) -> None:
    _, html = get_page(client, "/learn/bedtime-stretching-trial/")
    labels = {attrs["aria-label"] for attrs in html.find("a", class_="cite")}
    assert "Source R1: Hallegraeff et al. 2012" in labels
    assert "Source R3: Hawke et al. 2021" in labels


def test_it_shows_the_disclaimer_once(client: Client) -> None:
    disclaimer = str(get_library().disclaimer)
    _, html = get_page(client, "/learn/what-is-a-leg-cramp/")
    assert html.text.count(disclaimer) == 1


def test_it_links_related_exercises_and_topics(client: Client) -> None:
    topic = get_library().topics["preventing-cramps"]
    _, html = get_page(client, "/learn/preventing-cramps/")
    links = html.hrefs()
    for exercise_id in topic.related_exercises:
        assert f"/exercises/{exercise_id}/" in links
    for other in topic.related_topics:
        assert f"/learn/{other}/" in links


def test_it_marks_urgent_sections(client: Client) -> None:
    topic = get_library().topics["when-to-see-a-doctor"]
    _, html = get_page(client, "/learn/when-to-see-a-doctor/")
    for number, section in enumerate(topic.sections, start=1):
        classes = html.find("section", id=f"section-{number}")[0]["class"].split()
        if section.urgency:
            assert f"urgency-{section.urgency}" in classes
        else:
            assert "urgency" not in classes
    assert "How soon: Emergency" in html.text


def test_it_answers_an_unknown_topic_with_404(client: Client) -> None:
    get_page(client, "/learn/no-such-topic/", status=404)


# --- references page and every citation on the site -------------------------------------------


def test_it_gives_every_reference_an_anchor_a_link_and_where_it_is_cited(client: Client) -> None:
    library = get_library()
    page, html = get_page(client, "/references/")
    assert [attrs["id"] for attrs in html.find("li", class_="reference")] == list(
        library.references
    )
    links = html.hrefs()
    for reference in library.references.values():
        assert reference.link in links
        item = re.search(
            rf'<li class="reference" id="{reference.id}".*?</li>\s*(?=<li class="reference"|</ol>)',
            page,
            re.S,
        )
        assert item, reference.id
        cited_in = Html(item.group(0)).hrefs(
            lambda href: href.startswith(("/learn/", "/exercises/", "/cramp-now/"))
        )
        assert cited_in, f"{reference.id} has no 'cited in' links"


def test_it_links_each_citing_topic_section_back_from_the_references_page(client: Client) -> None:
    _, html = get_page(client, "/references/")
    targets = html.hrefs(lambda href: href.startswith("/learn/") and "#" in href)
    assert "/learn/bedtime-stretching-trial/#section-1" in targets
    for target in targets:
        path, _, anchor = target.partition("#")
        _, topic_html = get_page(client, path)
        assert anchor in topic_html.ids


def _every_content_page() -> list[str]:
    library = get_library()
    return [
        *(f"/learn/{topic_id}/" for topic_id in library.topics),
        *(f"/exercises/{exercise_id}/" for exercise_id in library.exercises),
    ]


def test_it_points_every_citation_on_the_site_at_an_existing_anchor(client: Client) -> None:
    _, references = get_page(client, "/references/")
    anchors = references.ids
    for path in _every_content_page():
        _, html = get_page(client, path)
        cited = [href for href in html.hrefs() if href.startswith("/references/#")]
        assert cited, f"{path} cites nothing"
        for href in cited:
            match = CITATION_HREF.match(href)
            assert match, href
            assert match.group(1) in anchors, f"{path}: {href} has no anchor"


def test_it_serves_the_list_pages_without_database_queries_growing(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    # Content comes from the in-memory library; the only queries are the session's, if any.
    for path in ("/learn/", "/references/", "/exercises/", "/search/?q=calf"):
        with django_assert_max_num_queries(0):
            get_page(client, path)
