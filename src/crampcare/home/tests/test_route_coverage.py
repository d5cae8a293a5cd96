"""Every route that takes an id must be covered by an owner/stranger test.

Each app lists its routes in `tests/test_privacy.py` as OWNER_SCOPED_ROUTES (tested: a stranger
gets 404 and changes nothing) or PUBLIC_ROUTES (content with no personal data). A new route with a
path parameter that nobody listed fails here, so privacy tests cannot be forgotten. The privacy
tests sign in the cast (`crampcare/testing/cast.py`: `owner_client`, `teammate_client`,
`stranger_client`); the last test here checks that cast itself.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import crampcare
from crampcare.testing.cast import Cast


def _routes(patterns: list, namespace: str = "", has_param: bool = False) -> Iterator[tuple]:
    for entry in patterns:
        pattern = entry.pattern
        param = (
            has_param
            or bool(getattr(pattern, "converters", None))
            or bool(getattr(pattern, "regex", None) and pattern.regex.groups)
        )
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _routes(entry.url_patterns, inner, param)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "")
            yield f"{namespace}:{entry.name}".strip(":"), module, param


def _declared() -> set[str]:
    declared: set[str] = set()
    for app in pkgutil.iter_modules(crampcare.__path__):
        if not app.ispkg:
            continue
        try:
            module = importlib.import_module(f"crampcare.{app.name}.tests.test_privacy")
        except ModuleNotFoundError:
            continue
        declared |= set(getattr(module, "OWNER_SCOPED_ROUTES", set()))
        declared |= set(getattr(module, "PUBLIC_ROUTES", set()))
    return declared


def test_it_has_a_privacy_test_for_every_route_with_an_id() -> None:
    ours = {
        name
        for name, module, param in _routes(get_resolver().url_patterns)
        if param and not module.startswith(("allauth.", "django."))
    }
    missing = ours - _declared()
    assert not missing, f"Routes with ids but no owner/stranger test: {sorted(missing)}"


def test_it_finds_the_routes_it_checks() -> None:
    names = {name for name, _, param in _routes(get_resolver().url_patterns) if param}
    assert "accounts:revoke_token" in names
    assert "api:revoke_token" in names


def test_the_cast_is_three_different_people_on_one_install(
    cast: Cast, owner_client: Client, teammate_client: Client, stranger_client: Client
) -> None:
    people = (cast.owner, cast.teammate, cast.stranger)
    assert len({person.pk for person in people}) == 3
    assert cast.others == (cast.teammate, cast.stranger)
    for client, person in zip(
        (owner_client, teammate_client, stranger_client), people, strict=True
    ):
        assert client.session["_auth_user_id"] == str(person.pk)
