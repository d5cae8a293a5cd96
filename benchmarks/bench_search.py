"""Library search (topics and exercises): forgiving queries against a prebuilt index.

Run: .venv/bin/python -m pytest benchmarks/bench_search.py --benchmark-only \
         --benchmark-columns=min,median,mean,rounds
(see benchmarks/README.md). The target (issue 10) is under 20 ms per search for the library.
The baseline in the same run is the least work any search does: a plain case-folded substring
scan of every document's text for the same queries (no ranking, no typos, no synonyms).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crampcare.knowledge.loader import get_library
from crampcare.knowledge.search import build_index, filter_exercises, index_for, search

# What people type: exact words, typos, everyday words, a question, word order, plurals.
QUERIES = [
    "calf",
    "calff",
    "cramp at night pregnant",
    "tonic water",
    "water tablets",
    "hamstrng strech",
    "magnesum",
    "stretches calves before bed",
    "what can i do about leg cramps when i am pregnant and it is night",
    "quinine",
]


def run_all(find: Callable[[str], object]) -> None:
    for query in QUERIES:
        find(query)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    index = index_for(get_library())
    return [
        " ".join(value.casefold() for _, text in doc.fields for value in (text.get("en"),))
        for doc in index.documents
    ]


def test_search_ten_queries(benchmark) -> None:  # type: ignore[no-untyped-def]
    index_for(get_library())  # built once per process, as in the server
    benchmark(run_all, search)


@pytest.mark.parametrize("query", QUERIES)
def test_search_one_query(benchmark, query: str) -> None:  # type: ignore[no-untyped-def]
    index_for(get_library())
    hits = benchmark(search, query)
    assert hits, query


def test_baseline_substring_scan_ten_queries(benchmark, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    def scan(query: str) -> list[int]:
        words = query.casefold().split()
        return [n for n, text in enumerate(texts) if all(word in text for word in words)]

    benchmark(run_all, scan)


def test_build_the_index(benchmark) -> None:  # type: ignore[no-untyped-def]
    library = get_library()
    benchmark(build_index, library)


# Spanish queries, as people type them (accents optional, function words, everyday words).
QUERIES_ES = [
    "pantorrilla",
    "pantorila",
    "calambres de noche embarazada",
    "agua tonica",
    "estiramiento isquiotibiales",
    "¿qué puedo hacer con los calambres en el embarazo?",
]


def test_search_spanish_queries(benchmark) -> None:  # type: ignore[no-untyped-def]
    index_for(get_library())

    def run_es() -> None:
        for query in QUERIES_ES:
            search(query, language="es")

    benchmark(run_es)


# The library page's filters: muscle, position, equipment at hand and time, alone and with words.
FILTERS = [
    {"muscle": "calf"},
    {"muscle": "hamstrings", "position": "in_bed"},
    {"position": "seated", "equipment": ("chair", "towel_or_strap"), "max_minutes": 3},
    {"muscle": "foot", "query": "toes"},
    {"query": "stretch in bed", "equipment": ()},
]


@pytest.mark.parametrize("given", FILTERS, ids=lambda given: "+".join(sorted(given)))
def test_filter_the_library(benchmark, given: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    library = get_library()
    index_for(library)
    benchmark(filter_exercises, library, **given)
