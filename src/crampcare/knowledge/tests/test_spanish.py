"""The knowledge pages in Spanish: the relief guide's controls, cues and calls for help."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.testing.spanish import (
    spanish_client,
    spanish_site,
    text_of,
)

CALF = "knowledge:relief_area"


@pytest.fixture
def spanish() -> Iterator[Client]:
    with spanish_site():
        yield spanish_client()


def test_the_relief_guide_speaks_spanish(spanish: Client) -> None:
    response = spanish.get(reverse(CALF, args=["calf"]))
    page = text_of(response.content)
    for words in ("¿Se está aliviando?", "Ya se está aliviando", "Sigue el calambre", "Pausa"):
        assert words in page
    assert "Paso 1 de " in page
    assert "Cuándo pedir ayuda" in page
    assert "No es un calambre si empezó con una lesión" in page
    # The player's countdown and spoken words come from the server, in the reader's language.
    found = re.search(r'id="relief-text"[^>]*>(.*?)</script>', response.content.decode())
    assert found is not None
    cues = json.loads(found.group(1))
    assert cues["hold_for"] == "Mantén {n} segundos."
    assert cues["check"] == "¿Se está aliviando?"


def test_still_cramping_keeps_the_call_for_help_in_spanish(spanish: Client) -> None:
    page = text_of(spanish.get(reverse(CALF, args=["calf"]) + "?state=still&since=1").content)
    assert "Llama al 112" in page
    assert "Sigue estirando con suavidad" in page


def test_english_is_unchanged_without_spanish(client: Client) -> None:
    page = text_of(client.get(reverse(CALF, args=["calf"])).content)
    assert "Is it easing?" in page
    assert "¿Se está aliviando?" not in page
