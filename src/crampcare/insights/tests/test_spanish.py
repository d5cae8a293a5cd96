"""The insights in Spanish: the empty state, the trend headline and the report for a doctor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.insights.tests.diary_builders import fill_diary
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


def test_an_empty_diary_says_what_to_do_in_spanish(owner: User, spanish: None) -> None:
    page = text_of(spanish_client(owner).get(reverse("insights:index")).content)
    assert "Todavía no hay nada que mostrar" in page
    assert "Abrir tu diario" in page


def test_the_trends_and_the_report_are_in_spanish(owner: User, spanish: None) -> None:
    fill_diary(owner, 42, date.today() - timedelta(days=1))
    client = spanish_client(owner)
    page = text_of(client.get(reverse("insights:index")).content)
    assert "Tus tendencias" in page
    assert "Los calambres bajaron de" in page
    report = text_of(client.get(reverse("insights:report")).content)
    assert "Informe de calambres en las piernas" in report
    assert "Resumen para el profesional" in report
    assert "Lo que al paciente le ayudó durante los calambres" in report
