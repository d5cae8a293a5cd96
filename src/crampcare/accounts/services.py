"""Account actions shared by pages, the API and the CLI."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
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


# Touch a token's last_used_at at most once a minute: a busy API client should not write on
# every call.
LAST_USED_EVERY = timedelta(seconds=60)


def user_for_token(secret: str) -> User | None:
    """The active owner of the token with this secret, or None.

    Every API call runs this, so it is one hand-written query (the ORM's query building cost
    ten times the query itself): the owner's row, the token's id and whether its last use is
    older than a minute. ``User.objects.raw`` still converts each column as the ORM would."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    stale_before = connection.ops.adapt_datetimefield_value(now - LAST_USED_EVERY)
    rows = User.objects.raw(_token_owner_sql(), [stale_before, _digest(secret), True])
    found: Any = next(iter(rows), None)  # a User with the two extra columns as attributes
    if found is None:
        return None
    if found.cc_token_stale:
        AccessToken.objects.for_user(found).filter(pk=found.cc_token_id).update(last_used_at=now)
    owner: User = found
    return owner


@functools.cache
def _token_owner_sql() -> str:
    quote = connection.ops.quote_name
    user, token = User._meta, AccessToken._meta
    owner_column = str(token.get_field("owner").column)  # type: ignore[union-attr]
    columns = ", ".join(f"u.{quote(str(field.column))}" for field in user.concrete_fields)
    return (
        f"SELECT {columns}, t.{quote(str(token.pk.column))} AS cc_token_id, "  # noqa: S608 - names from the models
        f"(CASE WHEN t.{quote('last_used_at')} IS NULL OR t.{quote('last_used_at')} < %s "
        "THEN 1 ELSE 0 END) AS cc_token_stale "
        f"FROM {quote(token.db_table)} t JOIN {quote(user.db_table)} u "
        f"ON u.{quote(str(user.pk.column))} = t.{quote(owner_column)} "
        f"WHERE t.{quote('digest')} = %s AND u.{quote('is_active')} = %s"
    )


def update_display(user: User, *, text_size: str | None, high_contrast: bool | None) -> User:
    """The person's reading comfort (text size, high contrast), checked against the choices."""
    if text_size is not None:
        user.text_size = text_size
    if high_contrast is not None:
        user.high_contrast = high_contrast
    user.full_clean(exclude=["password"])
    user.save(update_fields=["text_size", "high_contrast"])
    return user


def update_language(user: User, language: str) -> User:
    """The interface language the person chose (a code of settings.LANGUAGES, or blank for the
    browser's)."""
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language"])
    return user


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
