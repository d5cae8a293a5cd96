"""A security key in software, for tests without a browser: it answers the page's WebAuthn
challenge as a real key would (an ES256 key pair, "none" attestation, a signature counter), so
allauth's and fido2's checks run for real. Browser tests use Chromium's virtual authenticator
instead (``test_security_keys_browser.py``)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

_JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.S)


def page_challenge(html: str) -> dict[str, Any]:
    """The options a page hands its script (allauth's ``js_data``)."""
    found = _JS_DATA.search(html)
    if found is None:
        raise AssertionError("the page offers no security-key challenge")
    data: dict[str, Any] = json.loads(found.group(1))
    return data


class SoftwareKey:
    def __init__(self, origin: str = "https://testserver") -> None:
        self.origin = origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _auth_data(self, rp_id: str, credential_data: bytes = b"") -> AuthenticatorData:
        self.counter += 1
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
        if credential_data:
            flags |= AuthenticatorData.FLAG.AT
        return AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(), flags, self.counter, credential_data
        )

    def register(self, creation_options: dict[str, Any]) -> str:
        """The browser's answer to ``navigator.credentials.create`` (JSON, as the page posts)."""
        options = creation_options["publicKey"]
        public_key = ES256.from_cryptography_key(self.private_key.public_key())
        attested = AttestedCredentialData.create(b"\0" * 16, self.credential_id, public_key)
        auth_data = self._auth_data(options["rp"]["id"], bytes(attested))
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=CollectedClientData.create(
                    "webauthn.create", websafe_decode(options["challenge"]), self.origin
                ),
                attestation_object=AttestationObject.create("none", auth_data, {}),
            ),
        )
        return json.dumps(dict(response))

    def sign_in(self, request_options: dict[str, Any]) -> str:
        """The browser's answer to ``navigator.credentials.get`` (JSON, as the page posts)."""
        options = request_options["publicKey"]
        auth_data = self._auth_data(options["rpId"])
        client_data = CollectedClientData.create(
            "webauthn.get", websafe_decode(options["challenge"]), self.origin
        )
        signature = self.private_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data, signature=signature
            ),
        )
        return json.dumps(dict(response))
