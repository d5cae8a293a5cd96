"""Testing the Spanish interface: a browser that asks for Spanish, and checks on an app's
compiled catalogue (locale/es/LC_MESSAGES/django.mo).

A translation that drops or renames a placeholder breaks the page that shows it (a KeyError from
``%`` or a missing number), so every entry must keep the placeholders of its English.
"""

from __future__ import annotations

import html
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.test import Client, override_settings
from django.utils import translation

from crampcare.accounts.models import User

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
_MAGIC = 0x950412DE


@dataclass(frozen=True)
class Entry:
    english: tuple[str, ...]
    """The msgid, and the msgid_plural for a plural entry."""
    translated: tuple[str, ...]
    """The msgstr, or each plural form in order."""


def entries(app_dir: Path, language: str = "es") -> list[Entry]:
    """Every entry of the app's compiled catalogue, the header left out."""
    data = (app_dir / "locale" / language / "LC_MESSAGES" / "django.mo").read_bytes()
    order = "<" if struct.unpack("<I", data[:4])[0] == _MAGIC else ">"
    count, originals, translations = struct.unpack(order + "4x4x3I", data[:20])[0:3]
    found = []
    for number in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * number :][:8])
        english = data[offset : offset + length].decode()
        length, offset = struct.unpack(order + "2I", data[translations + 8 * number :][:8])
        translated = data[offset : offset + length].decode()
        if english:
            msgid = english.split("\x04")[-1]  # without a msgctxt
            found.append(Entry(tuple(msgid.split("\x00")), tuple(translated.split("\x00"))))
    return found


def placeholder_mismatches(app_dir: Path, language: str = "es") -> list[str]:
    """Entries whose translation does not keep the placeholders of the English.

    The first form of a plural may leave out one the English plural has, as the English
    singular may itself ("%(n)s exercise", "All %(n)s exercises").
    """
    problems = []
    for entry in entries(app_dir, language):
        for index, translated in enumerate(entry.translated):
            english = entry.english[min(index, len(entry.english) - 1)]
            wanted = sorted(_PLACEHOLDER.findall(english))
            found = sorted(_PLACEHOLDER.findall(translated))
            if index == 0 and len(entry.english) > 1:
                allowed = set(_PLACEHOLDER.findall(" ".join(entry.english)))
                if set(found) <= allowed:
                    continue
            if wanted != found:
                problems.append(f"{english!r}: {found} instead of {wanted}")
    return problems


@contextmanager
def spanish_site() -> Iterator[None]:
    """Spanish among the site's languages, and active for what the test renders itself."""
    languages = [("en", "English"), ("es", "Español")]
    with override_settings(LANGUAGES=languages), translation.override("es"):
        yield


def spanish_client(person: User | None = None) -> Client:
    """A test client whose browser asks for Spanish, signed in as ``person`` if given."""
    client = Client(headers={"accept-language": "es"})
    if person is not None:
        client.force_login(person)
    return client


def text_of(body: bytes) -> str:
    """A page as a person reads it: scripts and tags removed, entities decoded, spaces collapsed."""
    text = re.sub(r"<script.*?</script>", " ", body.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
