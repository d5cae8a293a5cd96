"""Security keys (WebAuthn) as the second step of signing in: they count as two-step sign-in for
clinicians and admins, and a malformed answer from the browser is a clear error, never a 500.

The real ceremony, with a key, is in ``test_security_keys_browser.py`` (Chromium's virtual
authenticator)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from crampcare.accounts.models import User
from crampcare.care import security, services
from crampcare.care.models import Organisation, Role
from crampcare.testing.builders import PASSWORD, make_user
from crampcare.testing.mfa import code_now, set_up_app
from crampcare.testing.security_keys import SoftwareKey, page_challenge

pytestmark = pytest.mark.django_db

CODE_STEP = "/accounts/2fa/authenticate/"
ADD_KEY = "/accounts/2fa/webauthn/add/"
REAUTHENTICATE_WITH_KEY = "/accounts/2fa/webauthn/reauthenticate/"

# What a browser could be made to send instead of a key's answer.
MALFORMED_ANSWERS = [
    "[]",
    '"a string"',
    "{}",
    '{"id": 1}',
    '{"id": "x", "rawId": "x", "type": "public-key", "response": {}}',
    '{"id": "x", "rawId": "x", "type": "public-key", "response": []}',
    "42",
    "{{not json",
    "",
]


def _clinician() -> User:
    owner = make_user("owner@example.org", is_staff=True)
    tess = make_user("tess@example.org", display_name="Tess")
    clinic = services.create_organisation(owner, "Riverside Physio", Organisation.Kind.CLINIC)
    services.add_member(owner, clinic, tess, Role.CLINICIAN)
    return tess


def _signed_in_recently(user: User, *, app: bool = True) -> Client:
    """Signed in (through the app's code when ``app``), then confirmed with the password again,
    so changing the second step needs no more confirmation for a few minutes (allauth's
    reauthentication)."""
    secret = set_up_app(user) if app else ""
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if app:
        client.post(CODE_STEP, {"code": code_now(secret)})
    assert client.session.get("_auth_user_id") == str(user.pk)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


def _add_key(client: Client, name: str = "Blue key") -> tuple[SoftwareKey, Any]:
    """The add page's ceremony, answered by a key in software."""
    key = SoftwareKey()
    page = client.get(ADD_KEY)
    assert page.status_code == 200
    answer = key.register(page_challenge(page.content.decode())["creation_options"])
    return key, client.post(ADD_KEY, {"name": name, "credential": answer})


def _keys(user: User) -> Any:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN)


def _at_the_code_step(user: User) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") is None
    return client


def _key_answer_at_code_step(client: Client, key: SoftwareKey) -> str:
    page = client.get(CODE_STEP).content.decode()
    return key.sign_in(page_challenge(page)["request_options"])


def test_a_key_is_added_on_the_page_and_then_signs_in_in_place_of_the_code() -> None:
    user = make_user("pat@example.org")
    client = _signed_in_recently(user)
    key, added = _add_key(client, "Blue key")
    assert added.status_code == 302
    assert added["Location"] == "/accounts/2fa/"  # recovery codes were there already
    assert [str(k) for k in _keys(user)] == ["Blue key"]
    listing = client.get("/accounts/2fa/webauthn/").content.decode()
    assert "Blue key" in listing
    assert "not used yet" in listing

    fresh = _at_the_code_step(user)
    signed = fresh.post(CODE_STEP, {"credential": _key_answer_at_code_step(fresh, key)})
    assert signed.status_code == 302
    assert fresh.session.get("_auth_user_id") == str(user.pk)
    assert _keys(user).get().last_used_at is not None


def test_a_first_key_brings_recovery_codes_and_counts_for_a_clinician() -> None:
    tess = _clinician()
    client = _signed_in_recently(tess, app=False)
    assert client.get("/api/v1/care/patients").status_code == 403  # no second step yet
    _key, added = _add_key(client)
    assert added["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=tess, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert not security.mfa_missing(tess)
    assert client.get("/api/v1/care/patients").status_code == 200


def test_an_answer_works_once_and_only_for_its_own_sign_in() -> None:
    user = make_user("pat@example.org")
    key, _added = _add_key(_signed_in_recently(user))
    first = _at_the_code_step(user)
    answer = _key_answer_at_code_step(first, key)
    second = _at_the_code_step(user)
    second.get(CODE_STEP)  # its own challenge
    refused = second.post(CODE_STEP, {"credential": answer})
    assert refused.status_code == 200
    assert second.session.get("_auth_user_id") is None
    assert first.post(CODE_STEP, {"credential": answer}).status_code == 302


def test_someone_elses_key_does_not_sign_in() -> None:
    pat, kit = make_user("pat@example.org"), make_user("kit@example.org")
    pats_key, _added = _add_key(_signed_in_recently(pat))
    _add_key(_signed_in_recently(kit))
    client = _at_the_code_step(kit)
    refused = client.post(CODE_STEP, {"credential": _key_answer_at_code_step(client, pats_key)})
    assert refused.status_code == 200
    assert "That security key did not match this account" in refused.content.decode()
    assert client.session.get("_auth_user_id") is None


def test_a_clinician_with_only_recovery_codes_still_lacks_two_step_sign_in() -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    tess = _clinician()
    RecoveryCodes.activate(tess)
    assert security.mfa_missing(tess)


def test_the_add_page_explains_and_offers_the_key() -> None:
    client = _signed_in_recently(make_user("pat@example.org"))
    page = client.get(ADD_KEY)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Add a security key" in body
    assert '<label for="id_name">Name of the key</label>' in body
    assert 'maxlength="64"' in body
    assert "creation_options" in body  # the challenge the page's script hands the browser


@pytest.mark.parametrize("answer", MALFORMED_ANSWERS)
def test_a_malformed_answer_when_adding_a_key_is_a_clear_error(answer: str) -> None:
    user = make_user("pat@example.org")
    client = _signed_in_recently(user)
    client.get(ADD_KEY)  # the page stores the challenge in the session
    response = client.post(ADD_KEY, {"name": "Blue key", "credential": answer})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="notice error" role="alert"' in body
    assert "security key" in body
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def test_a_key_name_longer_than_64_characters_is_refused() -> None:
    user = make_user("pat@example.org")
    client = _signed_in_recently(user)
    client.get(ADD_KEY)
    response = client.post(ADD_KEY, {"name": "k" * 65, "credential": "{}"})
    assert response.status_code == 200
    assert "at most 64 characters" in response.content.decode()


@pytest.mark.parametrize("answer", MALFORMED_ANSWERS)
def test_a_malformed_answer_at_the_code_step_is_a_clear_error(answer: str) -> None:
    user = make_user("pat@example.org")
    _add_key(_signed_in_recently(user))
    client = _at_the_code_step(user)
    client.get(CODE_STEP)
    response = client.post(CODE_STEP, {"credential": answer})
    assert response.status_code == 200
    body = response.content.decode()
    assert "could not be read" in body or "sent no answer from a security key" in body
    assert client.session.get("_auth_user_id") is None


@pytest.mark.parametrize("answer", MALFORMED_ANSWERS)
def test_a_malformed_answer_when_confirming_it_is_you_is_a_clear_error(answer: str) -> None:
    user = make_user("pat@example.org")
    client = _signed_in_recently(user)
    _add_key(client)
    client.get(REAUTHENTICATE_WITH_KEY)
    response = client.post(REAUTHENTICATE_WITH_KEY, {"credential": answer})
    assert response.status_code == 200
    body = response.content.decode()
    assert "could not be read" in body or "sent no answer from a security key" in body


def test_the_code_step_offers_a_key_only_to_someone_who_has_one() -> None:
    with_app = make_user("pat@example.org")
    set_up_app(with_app)
    client = Client()
    client.post("/accounts/login/", {"login": with_app.email, "password": PASSWORD})
    assert "Use my security key" not in client.get(CODE_STEP).content.decode()

    with_key = make_user("kit@example.org")
    _add_key(_signed_in_recently(with_key))
    body = _at_the_code_step(with_key).get(CODE_STEP).content.decode()
    assert "Use my security key" in body
    assert "request_options" in body


def test_the_two_step_page_lists_the_keys() -> None:
    user = make_user("pat@example.org")
    client = _signed_in_recently(user)
    assert "None. A security key" in client.get("/accounts/2fa/").content.decode()
    _add_key(client)
    body = client.get("/accounts/2fa/").content.decode()
    assert "1 key added." in body
    assert "Manage my keys" in body


def test_a_key_left_unnamed_is_called_security_key_and_numbered_after_the_first() -> None:
    user = make_user("pat@example.org")
    client = _signed_in_recently(user)
    _add_key(client, "")
    _add_key(client, "   ")
    assert sorted(str(key) for key in _keys(user)) == ["Security key", "Security key 2"]


def test_a_key_is_renamed_and_removed_and_another_accounts_key_is_out_of_reach() -> None:
    pat, kit = make_user("pat@example.org"), make_user("kit@example.org")
    client = _signed_in_recently(pat)
    _add_key(client, "Blue key")
    key = _keys(pat).get()
    edit = f"/accounts/2fa/webauthn/keys/{key.pk}/edit/"
    assert "Rename a security key" in client.get(edit).content.decode()
    too_long = client.post(edit, {"name": "k" * 65})
    assert "at most 64 characters" in too_long.content.decode()
    assert client.post(edit, {"name": "Red key"}).status_code == 302
    assert str(_keys(pat).get()) == "Red key"

    _add_key(_signed_in_recently(kit), "Kit's key")
    kits_key = _keys(kit).get()
    for action in ("edit", "remove"):
        url = f"/accounts/2fa/webauthn/keys/{kits_key.pk}/{action}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "mine now"}).status_code == 404
    assert str(_keys(kit).get()) == "Kit's key"

    remove = f"/accounts/2fa/webauthn/keys/{key.pk}/remove/"
    assert "Remove Red key?" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not _keys(pat).exists()
