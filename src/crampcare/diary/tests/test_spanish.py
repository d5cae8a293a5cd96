"""The diary in Spanish: the morning check-in, logging a cramp, and the medicine advice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.testing.spanish import (
    spanish_client,
    spanish_site,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish() -> Iterator[None]:
    with spanish_site():
        yield


def test_the_diary_and_the_check_in_are_in_spanish(owner: User, spanish: None) -> None:
    client = spanish_client(owner)
    diary = text_of(client.get(reverse("diary:index")).content)
    assert "Tu diario de calambres" in diary
    assert "He tenido un calambre" in diary
    checkin = text_of(client.get(reverse("diary:checkin")).content)
    assert "¿Qué tal anoche?" in checkin
    assert "Sin calambres" in checkin


def test_a_new_cramp_is_asked_about_in_spanish(owner: User, spanish: None) -> None:
    page = text_of(spanish_client(owner).get(reverse("diary:episode_new")).content)
    for words in ("¿Cuándo empezó?", "¿Dónde fue?", "Pantorrilla", "¿Qué te ayudó?", "Guardar"):
        assert words in page


def test_the_medicine_advice_never_says_to_stop(owner: User, spanish: None) -> None:
    page = text_of(spanish_client(owner).get(reverse("diary:factors")).content)
    assert "no lo dejes por tu cuenta: habla con quien te lo recetó" in page
