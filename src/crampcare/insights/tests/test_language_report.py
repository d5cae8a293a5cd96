"""The doctor's report in the person's language (issue 14): the PDF is written in the language
saved on their account, whatever asks for it, and its font has every Spanish letter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from fontTools.ttLib import TTFont

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.insights import pdf
from crampcare.insights.tests.diary_builders import NOW, fill_diary
from crampcare.insights.tests.test_report import pdf_text

pytestmark = pytest.mark.django_db

SPANISH_LETTERS = "áéíóúÁÉÍÓÚñÑüÜ¿¡«»"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("face", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_the_report_font_has_every_spanish_letter(face: str) -> None:
    font = TTFont(Path(pdf.FONT_DIR) / face)
    covered = font.getBestCmap()
    assert [letter for letter in SPANISH_LETTERS if ord(letter) not in covered] == []


def test_the_pdf_is_in_the_persons_language_even_through_the_api(user: User) -> None:
    fill_diary(user, 40)
    accounts.update_language(user, "es")
    _, secret = accounts.create_token(user, "report script")
    response = Client().get(
        "/api/v1/insights/report.pdf",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    # The statistics' own words (the project's catalogue), letters and all.
    assert "Los calambres a menudo se alivian solos" in text
    assert "una relación no demuestra la causa" in text
    assert "Cramps often ease on their own" not in text
    # Dates with Spanish month names, figures with a decimal comma.
    assert "junio" in text
    assert re.search(r"\b\d+,\d\b", text)


def test_the_pdf_stays_in_english_for_a_person_who_chose_no_language(
    owner_client: Client, user: User
) -> None:
    fill_diary(user, 40)
    text = pdf_text(owner_client.get(reverse("insights:report_pdf")).content)
    assert "Cramps often ease on their own" in text


def test_the_page_download_follows_the_account_too(owner_client: Client, user: User) -> None:
    fill_diary(user, 40)
    accounts.update_language(user, "es")
    response = owner_client.get(reverse("insights:report_pdf"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Los calambres a menudo se alivian solos" in pdf_text(response.content)
