"""The data page's "Import from Apple Health": upload, what was imported, or why not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.diary.models import HealthDay
from crampcare.portability.tests.health_exports import JUNE_5, export_xml, export_zip
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db
URL = reverse("portability:apple_health")


@pytest.fixture(autouse=True)
def _after_june() -> Any:
    with time_machine.travel(datetime(2024, 6, 20, 12, 0), tick=False):
        yield


def _upload(client: Client, data: bytes, name: str = "export.zip") -> Any:
    return client.post(URL, {"export": SimpleUploadedFile(name, data)})


def test_the_data_page_offers_it(owner_client: Client) -> None:
    page = owner_client.get(reverse("portability:data")).content.decode()
    assert "Import from Apple Health" in page
    assert f'action="{URL}"' in page


def test_it_imports_and_says_what(owner_client: Client, owner: User) -> None:
    response = _upload(owner_client, export_zip(export_xml(*JUNE_5)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 day, 1 night and 1 workout" in page
    assert "1 night of sleep" in page
    assert HealthDay.objects.for_user(owner).get().steps == 12800


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xff\xd8\xff\xe0 photo", "picture (JPEG)"),
        (b'<?xml version="1.0"?><Other/>', "not an Apple Health export"),
        (
            export_xml(JUNE_5[0]).replace(
                b"<HealthData", b'<!DOCTYPE x [<!ENTITY a "b">]><HealthData'
            ),
            "declares XML entities",
        ),
    ],
)
def test_it_answers_400_and_saves_nothing_for_a_bad_file(
    owner_client: Client, data: bytes, says: str
) -> None:
    response = _upload(owner_client, data)

    assert response.status_code == 400
    assert says in response.content.decode()
    assert not every_row(HealthDay).exists()


def test_it_asks_for_a_file(owner_client: Client) -> None:
    assert owner_client.post(URL, {}).status_code == 400


@override_settings(CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES=100)
def test_it_refuses_an_upload_over_the_limit_before_reading_it(owner_client: Client) -> None:
    response = _upload(owner_client, export_zip(export_xml(*JUNE_5)))
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


@override_settings(CRAMPCARE_IMPORT_PER_HOUR=1)
def test_it_counts_against_the_hourly_imports(owner_client: Client) -> None:
    data = export_xml(*JUNE_5)
    assert _upload(owner_client, data, "export.xml").status_code == 200
    assert _upload(owner_client, data, "export.xml").status_code == 429


def test_it_sends_a_visitor_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert _upload(client, export_xml(*JUNE_5)).status_code == 302
    assert not every_row(HealthDay).exists()


API = "/api/v1/diary/import/apple-health"


def test_the_api_imports_and_counts(owner_client: Client, owner: User) -> None:
    response = owner_client.post(
        API, {"export": SimpleUploadedFile("export.zip", export_zip(export_xml(*JUNE_5)))}
    )

    # Tasks run at once in tests: the 202 already says how it ended (the task tests queue it).
    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["problem"]) == ("done", None)
    result = body["result"]
    assert (result["days"], result["nights"], result["workouts"], result["created"]) == (1, 1, 1, 1)
    assert HealthDay.objects.for_user(owner).get().steps == 12800


def test_the_api_names_the_line_of_a_problem(owner_client: Client) -> None:
    bad = export_xml(JUNE_5[1].replace("2024-06-05 09:00:00 +0100", "yesterday", 1))

    response = owner_client.post(API, {"export": SimpleUploadedFile("export.xml", bad)})

    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["result"]) == ("done", None)
    assert body["problem"]["line"] == 17
    assert "not in Apple Health's format" in body["problem"]["errors"][0]["message"]
    assert not every_row(HealthDay).exists()


@override_settings(CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES=100)
def test_the_api_answers_413_for_a_large_upload(owner_client: Client) -> None:
    response = owner_client.post(
        API, {"export": SimpleUploadedFile("export.xml", export_xml(*JUNE_5))}
    )
    assert response.status_code == 413


def test_the_api_asks_a_visitor_to_sign_in(client: Client) -> None:
    response = client.post(API, {"export": SimpleUploadedFile("export.xml", export_xml(*JUNE_5))})
    assert response.status_code == 401
    assert not every_row(HealthDay).exists()
