"""Search over education topics and exercises, and the exercise filters.

The content is small (tens of documents), so an in-memory inverted index built once per library
is plenty. Matching ignores case and accents, treats plurals loosely ("cramps" finds "cramp"),
lets a word prefix match ("pregnan" finds "pregnancy" and "pregnant"), and weights title words
far above body words so a topic *about* something outranks one that mentions it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from crampcare.knowledge.base import DEFAULT_LANGUAGE, Text
from crampcare.knowledge.exercise_schema import Exercise
from crampcare.knowledge.loader import Library, get_library
from crampcare.knowledge.schema import Topic

Kind = Literal["topic", "exercise"]

# Field weights: a match in a title beats any number of body matches in a typical document.
TITLE, ALIAS, SUMMARY, MUSCLE, HEADING, BODY = 10.0, 8.0, 4.0, 4.0, 3.0, 1.0
# A prefix match ("stretch" in "stretching") counts for less than the whole word.
PREFIX_FACTOR = 0.6
MIN_PREFIX_LENGTH = 3
SNIPPET_LENGTH = 160

# Words too common to mean anything in a query; dropping them keeps "how to stop a cramp" useful.
# fmt: off
STOPWORDS = frozenset({
    "a", "an", "and", "are", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i",
    "in", "is", "it", "me", "my", "of", "on", "or", "so", "the", "this", "to", "what", "when",
    "which", "why", "with", "you", "your",
})
# fmt: on
# Irregular plurals that the suffix rule below cannot undo.
IRREGULAR = {"calves": "calf", "feet": "foot", "halves": "half", "women": "woman", "men": "man"}

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Lower-case and strip accents, so "Pregnancy" and "pregnancy" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stem(word: str) -> str:
    """Undo common English plurals, loosely: the same rule runs on queries and content."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(normalise(text)) if word not in STOPWORDS]


@dataclass(frozen=True)
class SearchHit:
    kind: Kind
    id: str
    title: str
    snippet: str
    score: float


@dataclass(frozen=True)
class _Document:
    kind: Kind
    id: str
    title: Text
    summary: Text
    # Each weighted piece of text, kept for building snippets.
    fields: tuple[tuple[float, Text], ...]


def _languages(text: Text) -> Iterator[str]:
    yield from (value for value in text.model_dump(exclude_none=True).values() if value)


def _topic_document(topic: Topic) -> _Document:
    fields: list[tuple[float, Text]] = [(TITLE, topic.title), (SUMMARY, topic.summary)]
    for section in topic.sections:
        fields.append((HEADING, section.heading))
        fields.extend((BODY, text) for block in section.body for text in block.strings())
    return _Document("topic", topic.id, topic.title, topic.summary, tuple(fields))


def _exercise_document(exercise: Exercise, library: Library) -> _Document:
    fields: list[tuple[float, Text]] = [(TITLE, exercise.name)]
    fields.extend((ALIAS, alias) for alias in exercise.aliases)
    for muscle_id in exercise.target_muscles:
        muscle = library.muscles.get(muscle_id)
        if muscle is not None:
            fields.extend([(MUSCLE, muscle.name), (MUSCLE, muscle.anatomical_name)])
    fields.append((SUMMARY, exercise.summary))
    fields.extend((BODY, step) for step in exercise.steps)
    return _Document("exercise", exercise.id, exercise.name, exercise.summary, tuple(fields))


class SearchIndex:
    """An inverted index: term -> {document number: best weighted score of that term there}."""

    def __init__(self, documents: Iterable[_Document]) -> None:
        self.documents = tuple(documents)
        postings: dict[str, dict[int, float]] = {}
        for number, document in enumerate(self.documents):
            counts: dict[str, int] = {}
            for weight, text in document.fields:
                for value in _languages(text):
                    for term in terms(value):
                        best = postings.setdefault(term, {})
                        best[number] = max(best.get(number, 0.0), weight)
                        counts[term] = counts.get(term, 0) + 1
            # A word that recurs through a document says a little more about it than one mention.
            for term, count in counts.items():
                postings[term][number] += 0.1 * min(count - 1, 5)
        # Words found in nearly every document ("cramp") tell documents apart less than rare ones
        # ("quinine"), so each term is scaled by its inverse document frequency.
        total = len(self.documents)
        for weights in postings.values():
            rarity = math.log(1 + total / len(weights))
            for number in weights:
                weights[number] *= rarity
        self._postings = postings
        self._sorted_terms = sorted(postings)

    def _matches(self, token: str) -> dict[int, float]:
        """Score per document for one query term: the whole word, or words it begins."""
        scores = dict(self._postings.get(token, {}))
        if len(token) < MIN_PREFIX_LENGTH:
            return scores
        start = bisect_left(self._sorted_terms, token)
        for term in self._sorted_terms[start:]:
            if not term.startswith(token):
                break
            if term == token:
                continue
            for number, weight in self._postings[term].items():
                scores[number] = max(scores.get(number, 0.0), weight * PREFIX_FACTOR)
        return scores

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        kind: Kind | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> list[SearchHit]:
        tokens = list(dict.fromkeys(terms(query)))
        if not tokens or limit <= 0:
            return []
        totals: dict[int, float] | None = None
        for token in tokens:
            matches = self._matches(token)
            # Every word of the query must match somewhere, as people expect from a search box.
            if totals is None:
                totals = matches
            else:
                totals = {n: totals[n] + score for n, score in matches.items() if n in totals}
        assert totals is not None
        ranked = sorted(
            (
                (score, self.documents[number])
                for number, score in totals.items()
                if kind is None or self.documents[number].kind == kind
            ),
            key=lambda pair: (-pair[0], pair[1].title.get(language)),
        )
        return [
            SearchHit(
                kind=document.kind,
                id=document.id,
                title=document.title.get(language),
                snippet=_snippet(document, tokens, language),
                score=round(score, 3),
            )
            for score, document in ranked[:limit]
        ]


def _matches_token(word: str, tokens: list[str]) -> bool:
    term = stem(normalise(word))
    return any(term == t or (len(t) >= MIN_PREFIX_LENGTH and term.startswith(t)) for t in tokens)


def _snippet(document: _Document, tokens: list[str], language: str) -> str:
    """The first passage below the title that contains a query word, trimmed around it."""
    for weight, text in document.fields:
        if weight == TITLE:
            continue
        passage = text.get(language)
        for found in _WORD.finditer(passage):
            if _matches_token(found.group(), tokens):
                return _trim(passage, found.start())
    return _trim(document.summary.get(language), 0)


def _trim(passage: str, position: int) -> str:
    if len(passage) <= SNIPPET_LENGTH:
        return passage
    start = max(0, position - SNIPPET_LENGTH // 3)
    if start > 0:
        # Start on a word boundary so the snippet never opens mid-word.
        space = passage.find(" ", start)
        start = space + 1 if 0 <= space < position else start
    end = min(len(passage), start + SNIPPET_LENGTH)
    if end < len(passage):
        space = passage.rfind(" ", start, end)
        end = space if space > position else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(passage) else ""
    return f"{prefix}{passage[start:end].strip()}{suffix}"


def build_index(library: Library) -> SearchIndex:
    documents: list[_Document] = [_topic_document(topic) for topic in library.topics.values()]
    documents.extend(_exercise_document(ex, library) for ex in library.exercises.values())
    return SearchIndex(documents)


@cache
def index_for(library: Library) -> SearchIndex:
    """Build the index once per library (the shared library lives for the whole process)."""
    return build_index(library)


def search(query: str, limit: int = 20, *, language: str = DEFAULT_LANGUAGE) -> list[SearchHit]:
    """Topics and exercises matching every word of ``query``, best first; [] for an empty query."""
    return index_for(get_library()).search(query, limit, language=language)


def filter_exercises(
    library: Library,
    *,
    muscle: str | None = None,
    position: str | None = None,
    equipment: str | Collection[str] | None = None,
    max_minutes: float | None = None,
    query: str | None = None,
) -> list[Exercise]:
    """Exercises that pass every given filter.

    ``equipment`` is what the person has to hand: an exercise qualifies if it needs nothing else
    (so an empty collection means "no equipment"). With a ``query`` the results come best match
    first; otherwise in library order.
    """
    available = {equipment} if isinstance(equipment, str) else equipment
    candidates: Iterable[Exercise] = library.exercises.values()
    if query is not None and query.strip():
        hits = index_for(library).search(query, len(library.exercises), kind="exercise")
        candidates = [library.exercises[hit.id] for hit in hits]
    return [
        exercise
        for exercise in candidates
        if (muscle is None or muscle in exercise.target_muscles)
        and (position is None or exercise.position == position)
        and (available is None or exercise.uses_only(available))
        and (max_minutes is None or exercise.estimated_seconds <= max_minutes * 60)
    ]
