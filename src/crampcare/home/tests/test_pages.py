from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_shows_the_home_page_to_visitors(client: Client, user: User, settings) -> None:
    settings.OPEN_SIGNUP = True
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Leg cramp?" in page
    assert "Create an account" in page
    settings.OPEN_SIGNUP = False  # a server that takes no new accounts offers sign-in only
    page = client.get("/").content.decode()
    assert "Create an account" not in page
    assert "Sign in" in page


def test_it_greets_a_signed_in_person(owner_client: Client) -> None:
    page = owner_client.get("/").content.decode()
    assert "Hello, Olive" in page
    assert "Create an account" not in page


def test_it_serves_a_friendly_404(client: Client, user: User, settings) -> None:
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "can’t find that page" in response.content.decode()


def test_it_reports_health(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_it_renders_a_standalone_500_page() -> None:
    from django.test import RequestFactory

    from crampcare.home.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_it_serves_static_files_through_whitenoise(client: Client) -> None:
    response = client.get("/static/crampcare/crampcare.css")
    assert response.status_code == 200
