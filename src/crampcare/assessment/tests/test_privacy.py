"""Owner / stranger / anonymous checks for every assessment route that names a record.

Every route with a path parameter must be listed here (see home/tests/test_route_coverage.py).
"""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.models import Assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.testing.builders import every_row

OWNER_SCOPED_ROUTES = {
    "assessment:detail",
    "assessment:edit",
    "api:get_assessment",
}
# The slug names a page of the questionnaire, not a record: each visitor sees only their own
# answers there (tested below).
PUBLIC_ROUTES = {"assessment:step"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(user: User) -> Assessment:
    return services.save_assessment(user, typical_payload(medications=["Owner-only-pill"]))


def test_it_shows_a_saved_result_to_its_owner(owner_client: Client, stored: Assessment) -> None:
    response = owner_client.get(f"/assessment/{stored.pk}/")
    assert response.status_code == 200
    assert "Owner-only-pill" in response.content.decode()


def test_it_hides_a_saved_result_from_a_stranger(
    stranger_client: Client, stored: Assessment
) -> None:
    assert stranger_client.get(f"/assessment/{stored.pk}/").status_code == 404
    assert stranger_client.get(f"/assessment/{stored.pk}/?print=1").status_code == 404
    response = stranger_client.post(f"/assessment/{stored.pk}/", {"again-dark_urine": "yes"})
    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.answers == typical_payload(medications=["Owner-only-pill"])


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, stored: Assessment) -> None:
    response = client.get(f"/assessment/{stored.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(f"/assessment/{stored.pk}/edit/").status_code == 302


def test_it_lets_only_the_owner_reopen_a_result(
    owner_client: Client, stranger_client: Client, stored: Assessment
) -> None:
    assert stranger_client.post(f"/assessment/{stored.pk}/edit/").status_code == 404
    page = stranger_client.get("/assessment/step/medicines/").content.decode()
    assert "Owner-only-pill" not in page
    assert owner_client.post(f"/assessment/{stored.pk}/edit/").status_code == 302
    page = owner_client.get("/assessment/step/medicines/").content.decode()
    assert "Owner-only-pill" in page


def test_it_hides_a_saved_result_in_the_api(
    owner_client: Client, stranger_client: Client, client: Client, stored: Assessment
) -> None:
    url = f"/api/v1/assessments/{stored.pk}"
    assert owner_client.get(url).json()["id"] == stored.pk
    assert stranger_client.get(url).status_code == 404
    assert client.get(url).status_code == 401


def test_it_keeps_each_visitors_answers_apart(client: Client, user: User) -> None:
    client.post("/assessment/step/about-you/", {"age": "93"})
    other = Client()
    assert 'value="93"' not in other.get("/assessment/step/about-you/").content.decode()
    assert other.get("/assessment/result/")["Location"] == "/assessment/"


def test_it_stores_nothing_for_anonymous_evaluation(client: Client, user: User) -> None:
    client.post("/api/v1/assessments/evaluate", typical_payload(), content_type="application/json")
    client.post("/assessment/step/about-you/", {"age": "70"})
    assert every_row(Assessment).count() == 0


def test_it_lists_only_the_readers_own_results(
    owner_client: Client, stranger_client: Client, stored: Assessment
) -> None:
    assert [item["id"] for item in owner_client.get("/api/v1/assessments").json()] == [stored.pk]
    assert stranger_client.get("/api/v1/assessments").json() == []
    start_page = stranger_client.get("/assessment/").content.decode()
    assert f"/assessment/{stored.pk}/" not in start_page
