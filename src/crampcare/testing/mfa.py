"""Two-step sign-in in tests: an authenticator app set up for someone, and the code it shows."""

from __future__ import annotations

import time

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from crampcare.accounts.models import User

PERIOD = 30  # allauth's MFA_TOTP_PERIOD


def set_up_app(user: User) -> str:
    """``user`` gets an authenticator app (and recovery codes, as the set-up page gives them);
    the app's secret (base32) is returned, for ``code_now``."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def code_now(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding ``secret`` shows now (allauth's own TOTP maths)."""
    counter = int(time.time()) // PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))


def recovery_codes(user: User) -> list[str]:
    found = RecoveryCodes.activate(user)  # the existing set: activate() returns it
    return found.get_unused_codes()
