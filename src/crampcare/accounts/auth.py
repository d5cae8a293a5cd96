"""How API callers prove who they are: a browser session (with CSRF) or a personal access token.

Either way the caller's time zone becomes the current one (``accounts/request.py``): the API is
passed by ``TimeZoneMiddleware``, and a token's owner is known only here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from crampcare.accounts.models import User
from crampcare.accounts.request import activate_language, activate_zone
from crampcare.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            activate_zone(user)
            activate_language(request, user)
        return user


class SessionAuth(NinjaSessionAuth):
    """ninja's session auth (same name, so the OpenAPI document is unchanged), zone included."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if isinstance(user, User):
            activate_zone(user)
            activate_language(request, user)
        return user


session_or_token = [TokenAuth(), SessionAuth()]
