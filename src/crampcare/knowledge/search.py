"""Search over education topics and exercises, and the exercise filters.

The content is small (tens of documents), so an in-memory inverted index built once per library
is plenty. Matching ignores case and accents, treats plurals loosely ("cramps" finds "cramp"),
lets a word prefix match ("pregnan" finds "pregnancy" and "pregnant"), and weights title words
far above body words so a topic *about* something outranks one that mentions it.

It forgives the way people type at night: a word that is not in the library is matched to the
nearest ones within one or two typing slips ("calff" finds "calf"; rapidfuzz over the index's
vocabulary), and everyday words find the library's words ("tonic water" finds quinine, "water
tablets" finds diuretics), in English and in Spanish ("agua tónica" finds quinina; Spanish
function words are dropped like English ones). Pages that match every word of the query come
first; when none does, the pages matching the most words are shown, so a longer question still
gets an answer.
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

from rapidfuzz import process
from rapidfuzz.distance import OSA

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
    # Spanish, as typed (accents are stripped before this list is consulted).
    "al", "como", "con", "cual", "cuando", "de", "del", "el", "en", "es", "esta", "este", "la",
    "las", "lo", "los", "mi", "mis", "para", "por", "puedo", "que", "se", "si", "su", "sus",
    "te", "tu", "tus", "un", "una", "unas", "unos", "y",
})
# fmt: on
# Irregular plurals that the suffix rule below cannot undo.
IRREGULAR = {"calves": "calf", "feet": "foot", "halves": "half", "women": "woman", "men": "man"}

_WORD = re.compile(r"\w+")

# Everyday words for the library's words, as (stemmed) query phrases -> alternatives, each
# alternative a tuple of terms that must all match. The phrase itself stays an alternative, so a
# page that says "water tablets" is still found by those words.
# fmt: off
SYNONYMS: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {
    ("tonic", "water"): (("quinine",), ("tonic",)),
    ("tonic",): (("quinine",),),
    ("water", "tablet"): (("diuretic",), ("water", "tablet")),
    ("water", "pill"): (("diuretic",), ("water", "pill"), ("water", "tablet")),
    ("fluid", "tablet"): (("diuretic",),),
    ("charley", "horse"): (("cramp",), ("charley", "horse")),
    ("nocturnal",): (("night",),),
    ("nighttime",): (("night",),),
    ("pregnant",): (("pregnancy",),),
    ("expecting",): (("pregnancy",),),
    ("spasm",): (("cramp",),),
    ("statin",): (("statin",), ("cholesterol",)),
    ("hammy",): (("hamstring",),),
    ("quad",): (("quadricep",),),
    ("sole",): (("foot",), ("sole",)),
    ("shin",): (("shin",), ("calf",)),
    # Spanish everyday words for the library's Spanish words.
    ("agua", "tonica"): (("quinina",), ("tonica",)),
    ("tonica",): (("quinina",),),
    ("pastilla", "orinar"): (("diuretico",),),
    ("pastilla", "liquido"): (("diuretico",), ("pastilla", "liquido")),
    ("embarazada",): (("embarazo",), ("embarazada",)),
    ("nocturno",): (("noche",), ("nocturno",)),
    ("espasmo",): (("calambre",),),
    ("gemelo",): (("pantorrilla",), ("gemelo",)),
    ("isquio",): (("isquiotibiale",),),
    ("planta", "pie"): (("planta",), ("pie",)),
}
# fmt: on
LONGEST_PHRASE = max(len(phrase) for phrase in SYNONYMS)
# A synonym finds pages a little less surely than the word itself.
SYNONYM_FACTOR = 0.9
# Words this short are not corrected (too many near neighbours: "leg" and "log").
MIN_FUZZY_LENGTH = 4


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

    def _exact_or_prefix(self, token: str) -> tuple[dict[int, float], set[str]]:
        """Score per document for one term: the whole word, or words it begins."""
        scores = dict(self._postings.get(token, {}))
        found = {token} if scores else set()
        if len(token) < MIN_PREFIX_LENGTH:
            return scores, found
        start = bisect_left(self._sorted_terms, token)
        for term in self._sorted_terms[start:]:
            if not term.startswith(token):
                break
            if term == token:
                continue
            found.add(term)
            for number, weight in self._postings[term].items():
                scores[number] = max(scores.get(number, 0.0), weight * PREFIX_FACTOR)
        return scores, found

    def _fuzzy(self, token: str) -> tuple[dict[int, float], set[str]]:
        """Words of the library within a typing slip or two of ``token`` (one for short words)."""
        if len(token) < MIN_FUZZY_LENGTH or token.isdigit():
            return {}, set()
        slips = 1 if len(token) < 7 else 2
        scores: dict[int, float] = {}
        found: set[str] = set()
        near = process.extract(
            token, self._sorted_terms, scorer=OSA.distance, score_cutoff=slips, limit=8
        )
        for term, distance, _ in near:
            found.add(term)
            factor = 0.6 if distance == 1 else 0.4
            for number, weight in self._postings[term].items():
                scores[number] = max(scores.get(number, 0.0), weight * factor)
        return scores, found

    def _term(self, token: str) -> tuple[dict[int, float], set[str]]:
        scores, found = self._exact_or_prefix(token)
        # Correct only a word the library does not have, so "leg" never turns into "log".
        return (scores, found) if scores else self._fuzzy(token)

    def _alternative(self, words: tuple[str, ...]) -> tuple[dict[int, float], set[str]]:
        """Documents matching every term of ``words``, with the summed score."""
        totals: dict[int, float] | None = None
        found: set[str] = set()
        for word in words:
            scores, matched = self._term(word)
            found |= matched
            totals = (
                scores
                if totals is None
                else {n: totals[n] + score for n, score in scores.items() if n in totals}
            )
        return totals or {}, found

    def _concepts(self, tokens: list[str]) -> list[list[tuple[tuple[str, ...], float]]]:
        """The query as concepts, each a list of (terms, weight) alternatives: one per word, or
        one for an everyday phrase such as "tonic water" with the library's words for it."""
        concepts: list[list[tuple[tuple[str, ...], float]]] = []
        position = 0
        while position < len(tokens):
            size = next(
                (
                    size
                    for size in range(min(LONGEST_PHRASE, len(tokens) - position), 0, -1)
                    if tuple(tokens[position : position + size]) in SYNONYMS
                ),
                1,
            )
            phrase = tuple(tokens[position : position + size])
            alternatives = [(phrase, 1.0)]
            alternatives += [
                (alt, SYNONYM_FACTOR) for alt in SYNONYMS.get(phrase, ()) if alt != phrase
            ]
            concepts.append(alternatives)
            position += size
        return concepts

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
        # Per document: how many concepts of the query it matches, and the summed score.
        covered: dict[int, int] = {}
        totals: dict[int, float] = {}
        highlight: set[str] = set()
        concepts = self._concepts(tokens)
        for alternatives in concepts:
            best: dict[int, float] = {}
            for words, weight in alternatives:
                scores, found = self._alternative(words)
                highlight |= found
                for number, score in scores.items():
                    best[number] = max(best.get(number, 0.0), score * weight)
            for number, score in best.items():
                covered[number] = covered.get(number, 0) + 1
                totals[number] = totals.get(number, 0.0) + score
        candidates = [
            number for number in totals if kind is None or self.documents[number].kind == kind
        ]
        if not candidates:
            return []
        # Pages matching every word, as people expect from a search box, come first. A question of
        # three words or more also lists pages missing one of them (ranked down by the share of
        # words they miss): "cramp at night pregnant" must find the pregnancy page even though it
        # never says "night". With fewer words, or when no page has them all, the best cover wins.
        count = len(concepts)
        most = max(covered[number] for number in candidates)
        least = most if count <= 2 else max(most - 1, math.ceil(count / 2))

        def ranked_score(number: int) -> float:
            return totals[number] * (covered[number] / count) ** 2

        ranked = sorted(
            ((ranked_score(n), self.documents[n]) for n in candidates if covered[n] >= least),
            key=lambda pair: (-pair[0], pair[1].title.get(language)),
        )
        highlighted = sorted(highlight | set(tokens))
        return [
            SearchHit(
                kind=document.kind,
                id=document.id,
                title=document.title.get(language),
                snippet=_snippet(document, highlighted, language),
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
    """Topics and exercises for ``query``, best first (typos and everyday words forgiven); []
    for an empty query."""
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
