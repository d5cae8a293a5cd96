"""Account actions shared by pages, the API and the CLI."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from crampcare.accounts.models import AccessToken, User
from crampcare.accounts.ownership import get_owned_or_404

TOKEN_PREFIX = "cc_"  # noqa: S105 - a marker, not a secret


def _digest(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[AccessToken, str]:
    """Make a token and return it with its secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        owner=user,
        name=name.strip() or "API token",
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=_digest(secret),
    )
    return token, secret


def list_tokens(user: AbstractBaseUser) -> list[AccessToken]:
    return list(AccessToken.objects.for_user(user))


def revoke_token(user: AbstractBaseUser, token_id: int) -> None:
    get_owned_or_404(AccessToken, user, pk=token_id).delete()


def user_for_token(secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("owner")
        .filter(digest=_digest(secret), owner__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: a busy API client should not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    owner: User = token.owner  # type: ignore[assignment]
    return owner


def update_profile(
    user: User, *, display_name: str | None, time_zone: str | None, country: str | None = None
) -> User:
    if country is not None:
        user.country = country
    if display_name is not None:
        user.display_name = display_name.strip()
    if time_zone is not None:
        user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone", "country"])
    return user


def delete_account(user: User) -> None:
    """Erase the person and, by cascade, every record they own."""
    with transaction.atomic():
        user.delete()
