"""Owner / stranger / visitor checks for every insights route that names a record.

The insights pages, report and API read only the signed-in person's diary; the self-test routes
are the only ones with an id. Listed here for home/tests/test_route_coverage.py.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.insights import services
from crampcare.insights.models import SelfTest
from crampcare.insights.tests.diary_builders import fill_diary
from crampcare.testing.builders import every_row

OWNER_SCOPED_ROUTES = {
    "insights:self_test_detail",
    "insights:stop_self_test",
    "insights:delete_self_test",
}
PUBLIC_ROUTES: set[str] = set()

pytestmark = pytest.mark.django_db

ACTIONS = ("insights:stop_self_test", "insights:delete_self_test")


@pytest.fixture
def test_of_owner(user: User) -> SelfTest:
    return services.start_self_test(user, "Owner's secret way", "Another way", 4)


def test_it_shows_the_owner_their_test(owner_client: Client, test_of_owner: SelfTest) -> None:
    url = reverse("insights:self_test_detail", args=[test_of_owner.pk])
    assert "Owner&#x27;s secret way" in owner_client.get(url).content.decode()


@pytest.mark.parametrize("name", ACTIONS)
def test_it_lets_the_owner_act_on_their_test(
    owner_client: Client, test_of_owner: SelfTest, name: str
) -> None:
    assert owner_client.post(reverse(name, args=[test_of_owner.pk])).status_code == 302


def test_it_hides_someone_elses_test(stranger_client: Client, test_of_owner: SelfTest) -> None:
    url = reverse("insights:self_test_detail", args=[test_of_owner.pk])
    assert stranger_client.get(url).status_code == 404
    assert "secret way" not in stranger_client.get(reverse("insights:self_test")).content.decode()
    assert "secret way" not in stranger_client.get(reverse("insights:index")).content.decode()


@pytest.mark.parametrize("name", ACTIONS)
def test_it_lets_no_stranger_change_a_test(
    stranger_client: Client, test_of_owner: SelfTest, name: str
) -> None:
    assert stranger_client.post(reverse(name, args=[test_of_owner.pk])).status_code == 404
    unchanged = every_row(SelfTest).get(pk=test_of_owner.pk)
    assert unchanged.stopped_on is None


@pytest.mark.parametrize("name", [*ACTIONS, "insights:self_test_detail"])
def test_it_asks_visitors_to_sign_in(client: Client, test_of_owner: SelfTest, name: str) -> None:
    response = client.post(reverse(name, args=[test_of_owner.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert every_row(SelfTest).get(pk=test_of_owner.pk).stopped_on is None


def test_it_builds_insights_from_the_readers_own_diary(
    stranger_client: Client, user: User, other_user: User
) -> None:
    fill_diary(user, 30)
    page = stranger_client.get(reverse("insights:index")).content.decode()
    assert "Nothing to show yet" in page
    assert stranger_client.get("/api/v1/insights/summary").json()["recorded_nights"] == 0
    assert "Olive" not in stranger_client.get(reverse("insights:report")).content.decode()
