"""Knowledge pages and API are public content: they work without an account and show nothing
personal. Every knowledge route with a path parameter is listed here (see
home/tests/test_route_coverage.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.knowledge.loader import get_library

OWNER_SCOPED_ROUTES: set[str] = set()
PUBLIC_ROUTES = {
    "knowledge:topic",
    "knowledge:exercise",
    "knowledge:exercise_picture",
    "knowledge:relief_area",
    "api:get_exercise",
    "api:get_topic",
}

pytestmark = pytest.mark.django_db

# One real id per public route (the first of each kind of content).
ROUTE_ARGS = {
    "knowledge:topic": next(iter(get_library().topics)),
    "knowledge:exercise": next(iter(get_library().exercises)),
    # The first exercise with a picture.
    "knowledge:exercise_picture": next(
        key for key, exercise in get_library().exercises.items() if exercise.pose
    ),
    "knowledge:relief_area": next(iter(get_library().relief_areas)),
    "api:get_exercise": next(iter(get_library().exercises)),
    "api:get_topic": next(iter(get_library().topics)),
}


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES))
def test_it_serves_public_content_to_anyone(
    name: str, client: Client, owner_client: Client, stranger_client: Client
) -> None:
    url = reverse(name, args=[ROUTE_ARGS[name]])
    answers = [c.get(url) for c in (client, owner_client, stranger_client)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    # Public content is the same for everyone: nothing depends on who is asking.
    if name.startswith("api:"):
        assert answers[0].json() == answers[1].json() == answers[2].json()
    if name == "knowledge:exercise_picture":
        assert answers[0].content == answers[1].content == answers[2].content


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES))
def test_it_shows_no_personal_data_on_public_pages(
    name: str, user: User, other_user: User, stranger_client: Client
) -> None:
    url = reverse(name, args=[ROUTE_ARGS[name]])
    page = stranger_client.get(url).content.decode()
    for person in (user, other_user):
        assert person.email not in page
    # The owner's name never leaks to another signed-in person.
    assert user.display_name not in page


@pytest.mark.parametrize(
    "path", ["/learn/", "/exercises/", "/references/", "/search/?q=calf", "/api/v1/references"]
)
def test_it_serves_the_lists_without_an_account(client: Client, user: User, path: str) -> None:
    assert client.get(path).status_code == 200
