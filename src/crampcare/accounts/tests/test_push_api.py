"""The push subscriptions API: one record per browser, every bad field named, nothing half-saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client

from crampcare.accounts import push
from crampcare.accounts.models import PushSubscription, User
from crampcare.testing.builders import every_row
from crampcare.testing.push_service import Browser, b64url

pytestmark = pytest.mark.django_db

URL = "/api/v1/push/subscriptions"
FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH-example"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def _post(client: Client, body: Any, **headers: str) -> Any:
    return client.post(URL, body, content_type="application/json", headers=headers)


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_it_gives_the_servers_key_to_anyone(client: Client) -> None:
    response = client.get("/api/v1/push/key")
    assert response.status_code == 200
    assert response.json() == {"public_key": push.public_key()}


def test_it_keeps_one_record_per_browser(owner_client: Client, user: User) -> None:
    browser = Browser()

    first = _post(owner_client, browser.subscription(FCM), user_agent=ANDROID_CHROME)
    again = _post(owner_client, browser.subscription(FCM), user_agent=ANDROID_CHROME)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["label"] == "Chrome on Android"
    assert first.json()["endpoint"] == FCM
    assert first.json()["last_success_at"] is None
    assert PushSubscription.objects.for_user(user).count() == 1
    listed = owner_client.get(URL).json()
    assert [item["id"] for item in listed] == [first.json()["id"]]


def test_new_keys_for_the_same_browser_replace_the_old(owner_client: Client, user: User) -> None:
    _post(owner_client, Browser().subscription(FCM))
    newer = Browser()

    assert _post(owner_client, newer.subscription(FCM)).status_code == 200

    stored = PushSubscription.objects.for_user(user).get()
    assert (stored.p256dh, stored.auth) == (newer.p256dh, newer.auth)


def test_the_owner_removes_a_browser(owner_client: Client, user: User) -> None:
    created = _post(owner_client, Browser().subscription(FCM)).json()

    assert owner_client.delete(f"{URL}/{created['id']}").status_code == 204
    assert owner_client.delete(f"{URL}/{created['id']}").status_code == 404
    assert not PushSubscription.objects.for_user(user).exists()


def _with(**changes: Any) -> dict[str, Any]:
    body = Browser().subscription(FCM)
    keys = changes.pop("keys", {})
    body["keys"].update(keys)
    body.update(changes)
    return body


POINT_OFF_THE_CURVE = b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (_with(endpoint="http://fcm.googleapis.com/fcm/send/x"), "endpoint", "https://"),
        (_with(endpoint="https://evil.example.org/push"), "endpoint", "push service"),
        (_with(endpoint="https://10.0.0.8/push"), "endpoint", "push service"),
        (_with(endpoint="https://127.0.0.1:8000/push"), "endpoint", "push service"),
        (_with(endpoint="https://fcm.googleapis.com.evil.org/x"), "endpoint", "push service"),
        (_with(endpoint="https://user:pw@fcm.googleapis.com/x"), "endpoint", "web address"),
        (_with(endpoint="https://fcm.googleapis.com:99999/x"), "endpoint", "web address"),
        (_with(endpoint="not a url"), "endpoint", "web address"),
        (_with(endpoint="https://fcm.googleapis.com/" + "x" * 1000), "endpoint", "1000"),
        (_with(keys={"p256dh": "not base64!"}), "keys.p256dh", "base64url"),
        (_with(keys={"p256dh": b64url(b"\x04" * 33)}), "keys.p256dh", "65 bytes"),
        (_with(keys={"p256dh": POINT_OFF_THE_CURVE}), "keys.p256dh", "P-256"),
        (_with(keys={"auth": b64url(b"x" * 15)}), "keys.auth", "16 bytes"),
        (_with(keys={"auth": "%%%%"}), "keys.auth", "base64url"),
        (_with(keys={"auth": ""}), "keys.auth", "at least 1"),
        (_with(keys={"auth": 16}), "keys.auth", "string"),
        (_with(expirationTime="soon"), "expirationTime", "integer"),
        (_with(colour="blue"), "colour", "is not a field we know"),
        ({"endpoint": FCM}, "keys", "is required"),
    ],
)
def test_it_names_each_bad_field(
    owner_client: Client, user: User, body: dict[str, Any], field: str, message: str
) -> None:
    response = _post(owner_client, body)

    assert response.status_code == 422
    fields = _fields(response)
    assert field in fields, fields
    assert message in fields[field]
    assert not every_row(PushSubscription).exists()


def test_it_takes_a_local_endpoint_only_when_allowed(
    owner_client: Client, user: User, settings: Any
) -> None:
    local = _with(endpoint="http://127.0.0.1:9999/push/1")
    assert _post(owner_client, local).status_code == 422

    settings.CRAMPCARE_PUSH_ALLOW_LOCAL = True
    assert _post(owner_client, local).status_code == 201
    # Only this machine: a plain-http address elsewhere is still refused.
    assert _post(owner_client, _with(endpoint="http://10.0.0.8/push")).status_code == 422


def test_it_takes_the_push_services_of_the_main_browsers(owner_client: Client, user: User) -> None:
    for endpoint in (
        FCM,
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABexample",
        "https://web.push.apple.com/QGexample",
        "https://wns2-by3p.notify.windows.com/w/?token=BQYAAAexample",
    ):
        assert _post(owner_client, _with(endpoint=endpoint)).status_code == 201, endpoint


def test_it_limits_how_many_browsers_a_person_keeps(owner_client: Client, user: User) -> None:
    for n in range(push.MAX_SUBSCRIPTIONS):
        assert _post(owner_client, _with(endpoint=f"{FCM}-{n}")).status_code == 201

    response = _post(owner_client, _with(endpoint=f"{FCM}-more"))

    assert response.status_code == 422
    assert "remove one first" in _fields(response)["endpoint"]


def test_it_answers_a_body_that_is_not_json_with_a_4xx(owner_client: Client, user: User) -> None:
    response = owner_client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_it_asks_anonymous_callers_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 401
    assert _post(client, Browser().subscription(FCM)).status_code == 401
    assert not every_row(PushSubscription).exists()


def test_it_is_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/push/subscriptions"]) == {"get", "post"}
    assert set(paths["/api/v1/push/subscriptions/{subscription_id}"]) == {"delete"}
    assert "security" not in paths["/api/v1/push/key"]["get"]


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (ANDROID_CHROME, "Chrome on Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("", ""),
    ],
)
def test_it_names_a_device_by_its_browser_and_system(agent: str, label: str) -> None:
    assert push.device_label(agent) == label


def test_the_same_browser_posting_twice_at_once_keeps_one_record(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser()
    new = push.NewSubscription(FCM, browser.p256dh, browser.auth)
    store = push._store

    def other_request_first(person: User, subscription: push.NewSubscription) -> Any:
        # The other request stores the browser between this one's look and its insert, so
        # this one's insert breaks the unique endpoint.
        monkeypatch.setattr(push, "_store", store)
        PushSubscription.objects.create(
            owner=person, endpoint=subscription.endpoint, p256dh="x", auth="y"
        )
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(push, "_store", other_request_first)

    subscription, created = push.subscribe(user, new)

    assert created is False
    assert (subscription.p256dh, subscription.auth) == (browser.p256dh, browser.auth)
    assert PushSubscription.objects.for_user(user).count() == 1
