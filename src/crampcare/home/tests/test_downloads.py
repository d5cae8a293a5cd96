"""Every download goes through crampcare.downloads.attachment: a header no file name can break,
the content type, and no copy kept in a cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.downloads import attachment
from crampcare.programs import calendar
from crampcare.programs.tests.builders import START, make_program


def test_it_names_the_file_and_keeps_no_copy() -> None:
    response = attachment(b"PK", filename="crampcare-data-2025-06-10.zip", content_type="x/y")
    assert response["Content-Disposition"] == 'attachment; filename="crampcare-data-2025-06-10.zip"'
    assert response["Content-Type"] == "x/y"
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"PK"


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ('my "diary".csv', 'attachment; filename="my \\"diary\\".csv"'),
        ("back\\slash.csv", 'attachment; filename="back\\\\slash.csv"'),
        ("Zoë's diary.csv", "attachment; filename*=utf-8''Zo%C3%AB%27s%20diary.csv"),
        ("two\r\nlines.csv", "attachment; filename*=utf-8''two%0D%0Alines.csv"),
    ],
)
def test_no_file_name_breaks_the_header(filename: str, header: str) -> None:
    response = attachment("", filename=filename, content_type="text/csv")
    assert response["Content-Disposition"] == header


def test_a_feed_is_shown_inline_with_its_own_cache_rule() -> None:
    response = attachment(
        "BEGIN:VCALENDAR",
        filename="crampcare-bedtime.ics",
        content_type="text/calendar; charset=utf-8",
        inline=True,
        cache_control="private, no-cache",
    )
    assert response["Content-Disposition"] == 'inline; filename="crampcare-bedtime.ics"'
    assert response["Cache-Control"] == "private, no-cache"


@pytest.fixture
def _clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [
        ("/diary/data/export.zip", "application/zip", "crampcare-data-2025-06-04.zip"),
        (
            "/diary/data/export.json",
            "application/json; charset=utf-8",
            "crampcare-data-2025-06-04.json",
        ),
        ("/api/v1/diary/export.zip", "application/zip", "crampcare-data-2025-06-04.zip"),
    ],
)
def test_the_exports_are_attachments_kept_nowhere(
    owner_client: Client, path: str, content_type: str, filename: str
) -> None:
    response = owner_client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_the_exports_answer_a_token_too(client: Client, user: User) -> None:
    _, secret = accounts.create_token(user, "backup")
    response = client.get("/api/v1/diary/export.zip", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response["Content-Disposition"] == 'attachment; filename="crampcare-data-2025-06-04.zip"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_the_calendar_feed_is_inline_and_asked_afresh(client: Client, user: User) -> None:
    make_program(user)
    secret = calendar.new_calendar_token(user)
    response = client.get(reverse("programs:calendar", args=[secret]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="crampcare-bedtime.ics"'
    assert response["Cache-Control"] == "private, no-cache"
