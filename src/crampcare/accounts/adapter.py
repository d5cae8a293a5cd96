from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from crampcare.accounts.onboarding import needs_owner


class SignupClosed(Exception):
    """An account was about to be made where no new account may be made (any more)."""


# Set on the request by the owner's welcome page: that form makes the owner or nobody.
OWNER_ONLY = "_crampcare_owner_only"


def _lock_people() -> None:
    """Serialise "is this the first account?" and the insert that follows, across processes.

    SQLite transactions here are IMMEDIATE (config.py): BEGIN already holds the one write lock.
    PostgreSQL: a table lock in a mode that conflicts with itself (reads still run)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE accounts_user IN SHARE ROW EXCLUSIVE MODE")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return needs_owner() or settings.OPEN_SIGNUP

    def is_safe_url(self, url: str | None) -> bool:
        # `next` may only lead to a page of this site, on the host the person is using.
        from allauth.core import context

        request = context.request
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per account across every address, so a stranger who knows
        # the owner's email could keep the owner out. Count per account *and* address instead
        # (the per-address limit still stops one address guessing across many accounts).
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        data = getattr(form, "cleaned_data", {})
        user.display_name = data.get("display_name", "") or ""
        if data.get("time_zone"):
            user.time_zone = data["time_zone"]
        if not commit:
            self._make_owner_if_first(user, first=needs_owner())
            return user
        with transaction.atomic():
            _lock_people()
            # Asked again under the lock: two people racing on a new install make one owner.
            first = not type(user).objects.exists()
            if not first and (getattr(request, OWNER_ONLY, False) or not settings.OPEN_SIGNUP):
                raise SignupClosed
            self._make_owner_if_first(user, first=first)
            user.save()
        return user

    @staticmethod
    def _make_owner_if_first(user: Any, *, first: bool) -> None:
        # The first account on an installation is its owner (and may use the admin tools).
        if first:
            user.is_staff = True
            user.is_superuser = True
