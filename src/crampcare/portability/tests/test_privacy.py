"""Owner / teammate / stranger checks for the import's progress page (the data page's other
routes are in diary/tests/test_privacy.py). See home/tests/test_route_coverage.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.testing.builders import every_row

OWNER_SCOPED_ROUTES = {"portability:import_progress"}
PUBLIC_ROUTES: set[str] = set()

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(owner: User) -> TaskProgress:
    record = progress.start(owner, "import", payload=b"owner-secret-file")
    progress.reporter(record.pk)(3, 10)
    return record


def test_it_shows_the_owner_how_far_their_import_has_come(
    owner_client: Client, running: TaskProgress
) -> None:
    response = owner_client.get(reverse("portability:import_progress", args=[running.pk]))
    assert response.status_code == 200
    assert "30% done." in response.content.decode()


@pytest.mark.parametrize("who", ["teammate", "stranger"])
def test_it_hides_someones_import_from_everyone_else(
    teammate_client: Client, stranger_client: Client, running: TaskProgress, who: str
) -> None:
    client = teammate_client if who == "teammate" else stranger_client
    url = reverse("portability:import_progress", args=[running.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    assert every_row(TaskProgress).get(pk=running.pk).done == 3


def test_it_sends_a_signed_out_visitor_to_sign_in(running: TaskProgress) -> None:
    response = Client().get(reverse("portability:import_progress", args=[running.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
