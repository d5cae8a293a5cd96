"""Reading comfort (issue 16.5): a larger-text setting and a high-contrast option, remembered
per person, on the account page and through the API; every page carries them on <html>."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from crampcare.accounts.models import TextSize, User
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db


def _html_tag(client: Client, url: str = "/cramp-now/") -> str:
    body = client.get(url).content.decode()
    return body[body.index("<html") : body.index(">", body.index("<html")) + 1]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_standard_reading_adds_no_class_for_anyone() -> None:
    assert "class=" not in _html_tag(Client())
    assert "class=" not in _html_tag(_signed_in(make_user("pat@example.org")))


@pytest.mark.parametrize(
    ("text_size", "high_contrast", "classes"),
    [
        ("large", False, "text-large"),
        ("largest", False, "text-largest"),
        ("standard", True, "contrast-high"),
        ("largest", True, "text-largest contrast-high"),
    ],
)
def test_the_choice_is_saved_and_every_page_carries_it(
    text_size: str, high_contrast: bool, classes: str
) -> None:
    user = make_user("pat@example.org")
    client = _signed_in(user)
    data = {"text_size": text_size}
    if high_contrast:
        data["high_contrast"] = "on"
    response = client.post("/account/display/", data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.text_size, user.high_contrast) == (text_size, high_contrast)
    for url in ("/cramp-now/", "/diary/", "/account/"):
        assert f'class="{classes}"' in _html_tag(client, url)
    # Someone else's pages are their own.
    assert "class=" not in _html_tag(_signed_in(make_user("kit@example.org")))


def test_an_unknown_size_is_refused_with_a_message_and_nothing_changes() -> None:
    user = make_user("pat@example.org")
    response = _signed_in(user).post("/account/display/", {"text_size": "enormous"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert user.text_size == TextSize.STANDARD


def test_the_page_takes_no_get_and_asks_visitors_to_sign_in() -> None:
    user = make_user("pat@example.org")
    assert _signed_in(user).get("/account/display/").status_code == 405
    assert Client().post("/account/display/", {"text_size": "large"}).status_code == 302
    user.refresh_from_db()
    assert user.text_size == TextSize.STANDARD


def test_the_api_reads_and_changes_it() -> None:
    user = make_user("pat@example.org")
    client = _signed_in(user)
    me = client.get("/api/v1/me").json()
    assert (me["text_size"], me["high_contrast"]) == ("standard", False)
    changed = client.patch(
        "/api/v1/me",
        data=json.dumps({"text_size": "largest", "high_contrast": True}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["text_size"], changed.json()["high_contrast"]) == ("largest", True)
    for bad in ({"text_size": "huge"}, {"high_contrast": "yes"}, {"high_contrast": 1}):
        refused = client.patch("/api/v1/me", data=json.dumps(bad), content_type="application/json")
        assert refused.status_code == 422, bad
    user.refresh_from_db()
    assert (user.text_size, user.high_contrast) == ("largest", True)
