"""Match what people type in the medicines box to the medicine classes in medicines.yaml.

People write "Lipitor", "atorvastatin 20 mg", "ATORVASTATIN", "fluticasone/salmeterol" or just
"statins", in English or in Spanish ("atorvastatina", "losartán con hidroclorotiazida",
"estatinas"); all should land on the right class. Anything we cannot place is kept and reported
back as unrecognised (never an error, never silently dropped), so a clinician can read it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from crampcare.assessment.clinical import load_clinical

# Combinations: "a/b", "a + b", "a with b", "a and b"; in Spanish "a con b", "a y b".
_SEPARATORS = re.compile(r"\s*[/+,;&]\s*|\s+(?:with|and|con|y)\s+")
# A dose or strength ends the name: "atorvastatin 20 mg", "Ventolin 100mcg".
_DOSE = re.compile(r"\s+\d.*$")
_MARKS = re.compile(r"[®™()\[\]]")


@dataclass(frozen=True)
class MedicationMatch:
    # class id -> the names, as given (trimmed), that matched it; sorted
    classes: Mapping[str, tuple[str, ...]]
    unrecognised: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    name: str
    class_id: str


def normalise(name: str) -> str:
    """Case, accents, marks, hyphens and spacing do not matter: "Co-Diovan®" == "co diovan",
    "Losartán" == "losartan", "DIURÉTICOS" == "diureticos"."""
    cleaned = _MARKS.sub(" ", name).replace("-", " ").replace("_", " ")
    decomposed = unicodedata.normalize("NFKD", cleaned.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


@cache
def _index() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """normalised name -> class ids, and normalised name -> its display spelling."""
    classes: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    for item in load_clinical().medicines.classes:
        names = [item.id, *item.aliases]
        for generic in item.generics:
            names += [generic.name, *generic.aliases, *generic.brands]
        for name in names:
            key = normalise(name)
            classes.setdefault(key, set()).add(item.id)
            display.setdefault(key, name.replace("_", " "))
    return {key: frozenset(value) for key, value in classes.items()}, display


def classes_for(name: str) -> frozenset[str]:
    """The classes one typed name belongs to (empty when unknown)."""
    index = _index()[0]
    found: set[str] = set()
    for part in _SEPARATORS.split(normalise(name)):
        found |= _lookup_part(part, index)
    return frozenset(found)


def _lookup_part(part: str, index: Mapping[str, frozenset[str]]) -> frozenset[str]:
    part = _DOSE.sub("", part).strip()
    if not part:
        return frozenset()
    if part in index:
        return index[part]
    # "ventolin evohaler", "lipitor tablets": the longest leading run of words that is a name.
    words = part.split()
    for end in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:end])
        if prefix in index:
            return index[prefix]
    return frozenset()


def match_medications(names: Iterable[str]) -> MedicationMatch:
    """Sort typed names into classes and unrecognised names; their order does not matter."""
    by_class: dict[str, set[str]] = {}
    unrecognised: dict[str, str] = {}
    for raw in names:
        given = " ".join(raw.split())
        if not given:
            continue
        found = classes_for(given)
        for class_id in found:
            by_class.setdefault(class_id, set()).add(given)
        if not found:
            key = normalise(given)
            # Keep one spelling per name whatever the order: the first in sort order.
            unrecognised[key] = min(unrecognised.get(key, given), given)
    return MedicationMatch(
        classes={class_id: tuple(sorted(by_class[class_id])) for class_id in sorted(by_class)},
        unrecognised=tuple(sorted(unrecognised.values(), key=lambda name: (name.casefold(), name))),
    )


def suggest(query: str, limit: int = 10) -> list[Suggestion]:
    """Names for a searchable medicines box: names starting with the query first, then others."""
    wanted = normalise(query)
    if not wanted:
        return []
    classes, display = _index()
    starts = sorted(key for key in classes if key.startswith(wanted))
    inside = sorted(key for key in classes if wanted in key and not key.startswith(wanted))
    return [
        Suggestion(name=display[key], class_id=class_id)
        for key in [*starts, *inside][:limit]
        for class_id in sorted(classes[key])
    ][:limit]


# A misspelt name is matched only when it is long and one typing slip (a letter added, left out,
# changed or two swapped) from exactly one known medicine: "atorvastatine", "sertralin". Shorter
# names and two slips would confuse different medicines (fluoxetine, duloxetine). Spellings of
# one medicine count once: "atorvastatine" is one slip from both "atorvastatin" and the Spanish
# "atorvastatina", and the first listed spelling (the English) is the one given back.
_NEAR_MIN_LENGTH = 7


@cache
def _spellings() -> dict[str, tuple[str, int]]:
    """normalised name -> (the medicine or class it spells, its place in that list of names).

    A generic's name and aliases spell that generic, a class's id and aliases spell the class;
    each brand spells only itself."""
    owners: dict[str, tuple[str, int]] = {}
    for item in load_clinical().medicines.classes:
        for place, name in enumerate([item.id, *item.aliases]):
            owners.setdefault(normalise(name), (f"class:{item.id}", place))
        for generic in item.generics:
            for place, name in enumerate([generic.name, *generic.aliases]):
                owners.setdefault(normalise(name), (f"generic:{generic.name}", place))
            for brand in generic.brands:
                owners.setdefault(normalise(brand), (f"brand:{normalise(brand)}", 0))
    return owners


def nearest_known(name: str) -> str | None:
    """The known medicine name one slip from ``name``, as it is spelt in the knowledge base, or
    None when there is none, or more than one medicine."""
    wanted = _DOSE.sub("", normalise(name)).strip()
    if len(wanted) < _NEAR_MIN_LENGTH:
        return None
    classes, display = _index()
    if wanted in classes:
        return display[wanted]
    near = process.extract(wanted, sorted(classes), scorer=OSA.distance, score_cutoff=1, limit=None)
    spellings = _spellings()
    if len({spellings[key][0] for key, _, _ in near}) != 1:
        return None
    first = min((key for key, _, _ in near), key=lambda key: (spellings[key][1], key))
    return display[first]
