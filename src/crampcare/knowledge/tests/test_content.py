"""The knowledge content itself: every claim cited, every source used, the required facts present."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from crampcare.knowledge.base import Text, all_reference_ids_used, read_yaml
from crampcare.knowledge.loader import get_library
from crampcare.knowledge.schema import Topic

# The source list in clinical-facts.md: R1 to R41, where R7 and R37 were never assigned.
CLINICAL_FACTS_IDS = {f"R{number}" for number in range(1, 42)} - {"R7", "R37"}
OWN_CLAIM_FILES = ("topics.yaml", "muscles.yaml", "relief.yaml")
REQUIRED_TOPICS = {
    "what-is-a-leg-cramp",
    "why-cramps-happen",
    "medicines-and-cramps",
    "relief-during-a-cramp",
    "preventing-cramps",
    "bedtime-stretching-trial",
    "what-does-not-work",
    "cramps-in-pregnancy",
    "exercise-associated-cramps",
    "when-to-see-a-doctor",
}


def references_named_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "references" and isinstance(value, list):
                yield from (str(item) for item in value)
            else:
                yield from references_named_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from references_named_in(item)


def topic_text(topic: Topic) -> str:
    parts = [topic.title.en, topic.summary.en]
    for section in topic.sections:
        parts.append(section.heading.en)
        parts.extend(text.en for block in section.body for text in block.strings())
    return "\n".join(parts)


def all_our_text() -> Iterator[tuple[str, str]]:
    """(where, English text) for every user-facing string in our content files."""
    library = get_library()
    for topic in library.topics.values():
        yield f"topic {topic.id}", topic_text(topic)
    for area in library.relief.areas:
        for step in area.steps:
            yield f"relief {area.id}/{step.id}", f"{step.text.en}\n{step.spoken.en}"
    for item in library.relief.aftercare:
        yield "relief aftercare", item.text.en
    for muscle in library.muscles.values():
        yield f"muscle {muscle.id}", f"{muscle.location.en}\n{muscle.action.en}"


def test_it_lists_exactly_the_clinical_facts_sources() -> None:
    assert set(get_library().references) == CLINICAL_FACTS_IDS


def test_it_cites_only_references_that_exist() -> None:
    unknown = all_reference_ids_used() - set(get_library().references)
    assert unknown == set(), f"unknown reference ids: {sorted(unknown)}"


def test_it_uses_every_reference_somewhere() -> None:
    unused = set(get_library().references) - all_reference_ids_used()
    assert unused == set(), f"references cited nowhere: {sorted(unused)}"


def test_it_uses_every_reference_in_our_own_files_alone() -> None:
    # The education content must stand on its own, whatever other content files cite.
    ours = {ref for name in OWN_CLAIM_FILES for ref in references_named_in(read_yaml(name))}
    assert set(get_library().references) - ours == set()


def test_it_gives_every_reference_a_way_to_find_it() -> None:
    for reference in get_library().references.values():
        assert reference.link.startswith("https://"), reference.id
        assert reference.citation.startswith(reference.authors), reference.id


def test_it_has_every_topic_the_knowledge_base_needs() -> None:
    assert set(get_library().topics) >= REQUIRED_TOPICS


def test_it_links_every_topic_to_other_topics() -> None:
    topics = get_library().topics
    linked = {other for topic in topics.values() for other in topic.related_topics}
    assert linked == set(topics), "every topic should be reachable from another topic"


def test_it_ends_each_topic_with_the_references_of_all_its_sections() -> None:
    for topic in get_library().topics.values():
        cited = [ref for section in topic.sections for ref in section.references]
        assert topic.references == list(dict.fromkeys(cited)), topic.id


def test_it_has_every_shared_muscle() -> None:
    assert set(get_library().muscles) == {
        "calf",
        "soleus",
        "hamstrings",
        "quadriceps",
        "foot",
        "shin",
        "glutes",
        "hip-flexors",
        "hip-rotators",
        "adductors",
    }


def test_it_says_once_that_this_is_education_not_a_diagnosis() -> None:
    disclaimer = get_library().disclaimer.en
    assert "not a diagnosis" in disclaimer


@pytest.mark.parametrize(
    ("topic_id", "figures"),
    [
        # Hallegraeff 2012: frequency -1.2 (0.6 to 1.8), severity -1.3 (0.9 to 1.7) [R1].
        ("bedtime-stretching-trial", ["80 adults", "1.2", "0.6", "1.8", "1.3", "0.9", "1.7"]),
        # Placebo groups improve by about 28% [R14].
        ("bedtime-stretching-trial", ["28%"]),
        # NHANES: about a quarter mild, 6% moderate to severe [R4].
        ("what-is-a-leg-cramp", ["1 adult in 4", "6 in 100"]),
        # Garrison 2012 sequence ratios [R11].
        ("medicines-and-cramps", ["2.4", "2.1", "1.5", "1.2"]),
        # Magnesium Cochrane: 11 trials, 735 people [R14].
        ("what-does-not-work", ["11 trials", "735 people", "2009", "2010"]),
        ("cramps-in-pregnancy", ["8 trials", "576 women"]),
    ],
)
def test_it_reports_the_key_figures(topic_id: str, figures: list[str]) -> None:
    text = topic_text(get_library().topics[topic_id])
    missing = [figure for figure in figures if figure not in text]
    assert missing == [], f"{topic_id} lacks {missing}"


def test_it_warns_against_quinine_with_the_fda_warning() -> None:
    topic = get_library().topics["what-does-not-work"]
    quinine = next(s for s in topic.sections if "quinine" in s.heading.en.lower())
    assert "R18" in quinine.references
    assert quinine.heading.en.lower().startswith("quinine: do not take it")
    assert any(block.style == "warning" for block in quinine.body)


def test_it_warns_that_over_drinking_is_dangerous() -> None:
    topic = get_library().topics["preventing-cramps"]
    fluids = next(s for s in topic.sections if "R23" in s.references)
    assert "low salt in the blood" in "\n".join(t.en for b in fluids.body for t in b.strings())


def test_it_sends_medicine_questions_to_the_prescriber() -> None:
    for topic_id in ("medicines-and-cramps", "why-cramps-happen", "what-does-not-work"):
        text = topic_text(get_library().topics[topic_id])
        assert "the person who prescribed it" in text, topic_id


def test_it_never_tells_anyone_to_stop_a_prescribed_medicine() -> None:
    # "Do not stop your medicine" is fine; "stop your medicine" on its own is not.
    stop = re.compile(
        r"(?<!not )(?<!never )\bstop (taking )?(your|the|this|a) (medicine|tablets?|quinine)",
        re.IGNORECASE,
    )
    for where, text in all_our_text():
        assert not stop.search(text), where


def test_it_leaves_out_the_unverified_figures() -> None:
    # clinical-facts.md could not confirm "about half of pregnant women" or "~40% of over-50s".
    unverified = [
        re.compile(r"half of (all )?(pregnant|women who are pregnant)", re.IGNORECASE),
        re.compile(r"\b(40 ?%|4 in 10)[^.]*\bover[- ]50", re.IGNORECASE),
    ]
    for where, text in all_our_text():
        for pattern in unverified:
            assert not pattern.search(text), f"{where}: {pattern.pattern}"


def test_it_gives_red_flags_an_urgency() -> None:
    sections = get_library().topics["when-to-see-a-doctor"].sections
    assert [s.urgency for s in sections if s.urgency] == [
        "emergency",
        "same_day",
        "soon",
        "next_visit",
    ]


def test_it_keeps_every_text_in_english_first() -> None:
    def texts(node: Any) -> Iterator[Any]:
        if isinstance(node, dict):
            if set(node) <= {"en", "es"} and "en" in node:
                yield node
            else:
                for value in node.values():
                    yield from texts(value)
        elif isinstance(node, list):
            for item in node:
                yield from texts(item)

    for name in OWN_CLAIM_FILES:
        for node in texts(read_yaml(name)):
            assert Text.model_validate(node).en.strip(), name


def test_the_fast_parser_reads_every_content_file_as_the_plain_one_does() -> None:
    """Content is parsed with libyaml when PyYAML has it (knowledge/base.py); it must read each
    file exactly as PyYAML's own safe parser does."""
    import yaml

    from crampcare.knowledge.base import CONTENT_DIR

    for path in sorted(CONTENT_DIR.rglob("*.yaml")):
        name = path.relative_to(CONTENT_DIR).as_posix()
        plain = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        assert read_yaml(name) == plain, name
