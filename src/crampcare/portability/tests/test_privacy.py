"""Owner / teammate / stranger / clinician checks for the imports' progress (the data page's
other routes are in diary/tests/test_privacy.py). See home/tests/test_route_coverage.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.care.tests.conftest import Team, team  # noqa: F401 - the care team fixture
from crampcare.testing.builders import every_row
from crampcare.testing.cast import signed_in

OWNER_SCOPED_ROUTES = {
    "portability:import_progress",
    "portability:apple_health_progress",
    "api:apple_health_import_status",
}
PUBLIC_ROUTES: set[str] = set()

pytestmark = pytest.mark.django_db

# Each progress route, with the kind of task it shows.
PAGES = [
    ("portability:import_progress", "import"),
    ("portability:apple_health_progress", "apple-health"),
]
API = "/api/v1/diary/import/apple-health/{id}"


def _running(owner: User, kind: str) -> TaskProgress:
    record = progress.start(owner, kind, payload=b"owner-secret-file")
    progress.reporter(record.pk)(3, 10)
    return record


@pytest.mark.parametrize(("route", "kind"), PAGES)
def test_it_shows_the_owner_how_far_their_import_has_come(
    owner_client: Client, owner: User, route: str, kind: str
) -> None:
    running = _running(owner, kind)
    response = owner_client.get(reverse(route, args=[running.pk]))
    assert response.status_code == 200
    assert "30% done" in response.content.decode()


def test_the_api_shows_the_owner_how_far_their_import_has_come(
    owner_client: Client, owner: User
) -> None:
    running = _running(owner, "apple-health")
    body = owner_client.get(API.format(id=running.pk)).json()
    assert (body["state"], body["bytes_read"], body["bytes_total"]) == ("queued", 3, 10)


@pytest.mark.parametrize(("route", "kind"), PAGES)
def test_a_progress_page_shows_only_its_own_kind_of_task(
    owner_client: Client, owner: User, route: str, kind: str
) -> None:
    other = _running(owner, "apple-health" if kind == "import" else "import")
    assert owner_client.get(reverse(route, args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    "who", ["teammate", "stranger", "their clinician", "same-organisation clinician", "admin"]
)
def test_it_hides_someones_import_from_everyone_else(team: Team, who: str) -> None:  # noqa: F811
    actor = {
        "teammate": team.cast.teammate,
        "stranger": team.stranger,
        "their clinician": team.clinician,
        "same-organisation clinician": team.colleague,
        "admin": team.admin,
    }[who]
    client = signed_in(actor)
    for route, kind in PAGES:
        running = _running(team.person, kind)
        url = reverse(route, args=[running.pk])
        assert client.get(url).status_code == 404
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
        assert every_row(TaskProgress).get(pk=running.pk).done == 3
    health = _running(team.person, "apple-health")
    answer = client.get(API.format(id=health.pk))
    assert answer.status_code == 404
    assert "owner-secret" not in answer.content.decode()


def test_it_sends_a_signed_out_visitor_to_sign_in(owner: User) -> None:
    for route, kind in PAGES:
        running = _running(owner, kind)
        response = Client().get(reverse(route, args=[running.pk]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert Client().get(API.format(id=running.pk)).status_code == 401
