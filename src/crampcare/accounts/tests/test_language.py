"""Spanish throughout (issue 14): the browser's language for visitors, a switcher at the foot of
every page, and the choice remembered on a signed-in person's account."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.test import Client
from django.utils import translation

from crampcare.accounts.models import User
from crampcare.testing.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def _owner() -> None:
    """The installation has its owner, so the home page is the home page."""
    make_user("owner@example.org")


def _html_tag(body: str) -> str:
    return body[body.index("<html") : body.index(">", body.index("<html")) + 1]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_english_is_the_default() -> None:
    body = Client().get("/").content.decode()
    assert 'lang="en"' in _html_tag(body)
    assert "Open source, private, yours." in body


def test_a_visitor_whose_browser_asks_for_spanish_gets_spanish() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")
    body = response.content.decode()
    assert 'lang="es"' in _html_tag(body)
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    assert "Código abierto, privado, tuyo." in body
    assert "Tengo un calambre ahora" in body
    # The switcher names each language in itself, with its own lang.
    assert '<option value="es" lang="es" selected>Español</option>' in body
    assert '<option value="en" lang="en">English</option>' in body


def test_every_page_has_a_switcher_that_works_without_javascript() -> None:
    body = Client().get("/cramp-now/").content.decode()
    assert 'action="/language/"' in body
    # No random token: pages compared byte for byte (to show nothing about who has an account)
    # stay alike, and a visitor's page sets no CSRF cookie.
    assert "csrfmiddlewaretoken" not in body
    assert '<label for="language-switch">Language</label>' in body
    assert 'name="next"' not in body


def test_the_switch_goes_back_to_the_page_it_was_on() -> None:
    response = Client().post(
        "/language/", {"language": "es"}, HTTP_REFERER="http://testserver/learn/?q=calf"
    )
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/learn/?q=calf"
    elsewhere = Client().post(
        "/language/", {"language": "es"}, HTTP_REFERER="https://evil.example/"
    )
    assert elsewhere["Location"] == "/"


def test_a_visitor_switches_and_the_cookie_keeps_it() -> None:
    client = Client()
    response = client.post("/language/", {"language": "es", "next": "/cramp-now/"})
    assert response.status_code == 302
    assert response["Location"] == "/cramp-now/"
    assert client.cookies[COOKIE].value == "es"
    assert 'lang="es"' in _html_tag(client.get("/").content.decode())
    client.post("/language/", {"language": "en", "next": "/"})
    assert 'lang="en"' in _html_tag(client.get("/").content.decode())


def test_a_switch_never_sends_the_person_to_another_site() -> None:
    response = Client().post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("language", ["", "fr", "es-xx", "<script>"])
def test_an_unknown_language_is_refused_clearly(language: str) -> None:
    user = make_user("pat@example.org")
    client = _signed_in(user)
    response = client.post("/language/", {"language": language, "next": "/"})
    assert response.status_code == 400
    assert "Choose a language from the list." in response.content.decode()
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == ""


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
)
def test_another_site_cannot_switch_a_persons_language(headers: dict[str, str]) -> None:
    user = make_user("pat@example.org")
    client = _signed_in(user)
    response = client.post("/language/", {"language": "es", "next": "/"}, headers=headers)
    assert response.status_code == 403
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == ""


def test_a_post_from_our_own_page_switches(settings: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/language/",
        {"language": "es", "next": "/"},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert client.cookies[COOKIE].value == "es"


def test_only_post_switches() -> None:
    assert Client().get("/language/?language=es").status_code == 405


def test_a_signed_in_persons_choice_is_saved_on_their_account() -> None:
    user = make_user("pat@example.org")
    client = _signed_in(user)
    client.post("/language/", {"language": "es", "next": "/"})
    user.refresh_from_db()
    assert user.language == "es"
    # Another device, whose browser asks for English and has no cookie: still Spanish.
    other = _signed_in(user)
    response = other.get("/diary/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="es"' in _html_tag(response.content.decode())
    assert response["Content-Language"] == "es"
    # ...and that device is given the cookie, so signing out there keeps Spanish.
    assert response.cookies[COOKIE].value == "es"


def test_the_account_language_wins_over_a_stale_cookie_and_applies_at_sign_in() -> None:
    user = make_user("pat@example.org")
    user.language = "es"
    user.save()
    client = Client()
    client.cookies[COOKIE] = "en"
    response = client.post("/accounts/login/", {"login": "pat@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"
    assert 'lang="es"' in _html_tag(client.get("/").content.decode())
    client.post("/accounts/logout/")
    # Signed out on this device: the cookie from the account keeps the page in Spanish.
    assert 'lang="es"' in _html_tag(client.get("/").content.decode())


def test_no_saved_language_follows_the_browser() -> None:
    client = _signed_in(make_user("pat@example.org"))
    assert 'lang="es"' in _html_tag(client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert 'lang="en"' in _html_tag(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())


def test_the_switch_does_not_leak_into_the_next_request_of_the_thread() -> None:
    user = make_user("pat@example.org")
    user.language = "es"
    user.save()
    _signed_in(user).get("/")
    assert 'lang="en"' in _html_tag(Client().get("/").content.decode())
    assert translation.get_language() in ("en", "en-us")


def test_a_page_asked_for_by_language_comes_in_it_without_cookies() -> None:
    # How the service worker fetches its offline copies (credentials omitted).
    body = Client().get("/cramp-now/?language=es", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="es"' in _html_tag(body)
    assert 'lang="en"' in _html_tag(Client().get("/cramp-now/?language=xx").content.decode())


def test_the_service_worker_precaches_in_the_readers_language() -> None:
    english = Client().get("/sw.js").content.decode()
    assert 'const LANGUAGE = "en";' in english
    client = Client()
    client.post("/language/", {"language": "es", "next": "/"})
    spanish = client.get("/sw.js").content.decode()
    # A different script, so the browser installs it again and fetches the Spanish pages.
    assert 'const LANGUAGE = "es";' in spanish
    assert '"language=" + encodeURIComponent(LANGUAGE)' in spanish


def test_the_password_rules_speak_to_the_person_as_tu() -> None:
    # Django's own Spanish says "Su contraseña" (usted); ours, read first, says "Tu contraseña".
    with translation.override("es"):
        rules = password_validation.password_validators_help_texts()
        too_short = password_validation.MinimumLengthValidator(10).get_error_message()
    assert "Tu contraseña debe tener al menos 10 caracteres." in rules
    assert not [rule for rule in rules if "Su contraseña" in rule]
    assert too_short == "Esta contraseña es demasiado corta. Debe tener al menos 10 caracteres."
