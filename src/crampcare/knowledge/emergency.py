"""Emergency and urgent-advice telephone numbers by country (content/emergency_numbers.yaml).

Validated at load like the other content: codes are ISO 3166-1 alpha-2, numbers are digits,
every country names a reference that exists or an official ``source`` page. ``numbers_for``
picks the entry for a person: the country in their account settings, else the region of the
browser's preferred language (``en-GB`` -> GB), else the fallback (112 and "call your local
emergency number").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import Field, HttpUrl, model_validator

from crampcare.knowledge.base import ContentModel, RefId, Text, read_yaml
from crampcare.knowledge.loader import ContentError, get_library, parse_document

NUMBERS_FILE = "emergency_numbers.yaml"
Digits = Annotated[str, Field(pattern=r"^[0-9]{2,15}$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
_REGION = re.compile(r"^[a-zA-Z]{2,3}[-_]([a-zA-Z]{2})\b")


class Phone(ContentModel):
    number: Digits
    display: str | None = None  # how to write it, e.g. "1800 022 222"; the number if unset
    label: Text | None = None

    @property
    def shown(self) -> str:
        return self.display or self.number


class Urgent(ContentModel):
    number: Digits | None = None
    display: str | None = None
    text: Text

    @property
    def shown(self) -> str | None:
        return self.display or self.number


class Sourced(ContentModel):
    emergency: list[Phone] = Field(min_length=1)
    urgent: Urgent
    references: list[RefId] = Field(default_factory=list)
    source: HttpUrl | None = None

    @model_validator(mode="after")
    def _cited(self) -> Sourced:
        if not self.references and self.source is None:
            raise ValueError("give references (ids in references.yaml) or a source URL")
        return self


class Country(Sourced):
    code: CountryCode
    name: Text


class NumberList(ContentModel):
    fallback: Sourced
    countries: list[Country] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> NumberList:
        codes = [country.code for country in self.countries]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"country listed twice: {', '.join(repeated)}")
        return self


@dataclass(frozen=True)
class Numbers:
    """What the call buttons show for one person."""

    country: str | None  # None: we do not know the country (the fallback numbers)
    entry: Sourced

    @property
    def known(self) -> bool:
        return self.country is not None


def parse_numbers(data: Any) -> NumberList:
    numbers = parse_document(NumberList, NUMBERS_FILE, data)
    known = get_library().references
    for where, entry in [("fallback", numbers.fallback), *((c.code, c) for c in numbers.countries)]:
        missing = [ref for ref in entry.references if ref not in known]
        if missing:
            raise ContentError(f"{NUMBERS_FILE}: {where}: unknown references {', '.join(missing)}")
    return numbers


@cache
def load_numbers() -> NumberList:
    return parse_numbers(read_yaml(NUMBERS_FILE))


def alphabetical(name: str) -> tuple[str, str]:
    """Sort key for a name in any of our languages: accents and capitals aside, so that in
    Spanish "Bélgica" comes before "Bulgaria" and "Perú" before "Polonia"; the name itself
    breaks ties, so the order never depends on the order of the file."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)), name


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for the account settings, by name in the active language."""
    choices = ((c.code, c.name.get()) for c in load_numbers().countries)
    return sorted(choices, key=lambda choice: alphabetical(choice[1]))


def country_codes() -> list[str]:
    return [country.code for country in load_numbers().countries]


def country_from_accept_language(header: str | None) -> str | None:
    """The first region named in an Accept-Language header that we have numbers for."""
    known = set(country_codes())
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip()
        match = _REGION.match(tag)
        if match and match.group(1).upper() in known:
            return match.group(1).upper()
    return None


def numbers_for(country: str | None = None, accept_language: str | None = None) -> Numbers:
    """The numbers for a country setting, else the browser's region, else the fallback."""
    numbers = load_numbers()
    by_code = {entry.code: entry for entry in numbers.countries}
    code = (country or "").upper() or None
    if code not in by_code:
        code = country_from_accept_language(accept_language)
    if code is None or code not in by_code:
        return Numbers(None, numbers.fallback)
    return Numbers(code, by_code[code])


def numbers_for_request(request: Any) -> Numbers:
    user = getattr(request, "user", None)
    country = getattr(user, "country", "") if getattr(user, "is_authenticated", False) else ""
    return numbers_for(country, request.META.get("HTTP_ACCEPT_LANGUAGE"))
