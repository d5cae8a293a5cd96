"""Issue 11.5: a strict Content-Security-Policy, a Permissions-Policy, and no stored copies of
personal pages, exports or API answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2]

# Pages a signed-in person sees, their exports, and API answers: never kept in a cache.
PERSONAL = [
    "/",
    "/account/",
    "/account/delete/",
    "/welcome/next/",
    "/diary/",
    "/diary/data/export.zip",
    "/diary/data/export.json",
    "/insights/",
    "/program/",
    "/assessment/",
    "/cramp-now/",
    "/api/v1/me",
]


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (piece.strip() for piece in header.split(";"))
        if part
    }


def test_it_sends_a_strict_content_security_policy(client: Client, user: User) -> None:
    directives = _directives(client.get("/cramp-now/"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in client.get("/cramp-now/")["Content-Security-Policy"]


def test_it_relaxes_only_styles_and_only_for_the_api_docs(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    directives = _directives(response)
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" in directives["style-src"]
    # Swagger UI comes from django-ninja's own static files, not a CDN.
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn." not in body


def test_it_gives_api_json_a_fixed_policy_and_no_flash_messages(client: Client, user: User) -> None:
    _, secret = accounts.create_token(user, "script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert not hasattr(response.wsgi_request, "_messages")
    assert "no-store" in response["Cache-Control"]


def test_it_sends_a_permissions_policy(client: Client, user: User) -> None:
    policy = client.get("/cramp-now/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "screen-wake-lock=(self)"):
        assert feature in policy


@pytest.mark.parametrize("path", PERSONAL)
def test_it_keeps_no_copy_of_a_signed_in_answer(owner_client: Client, path: str) -> None:
    response = owner_client.get(path)
    assert response.status_code < 500, path
    assert "no-store" in response["Cache-Control"], path
    assert "public" not in response["Cache-Control"], path


def test_it_keeps_no_copy_of_an_api_answer_with_a_token(client: Client, user: User) -> None:
    from crampcare.accounts.services import create_token

    _, secret = create_token(user, "script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get("/api/v1/openapi.json")["Cache-Control"]


def test_it_keeps_no_copy_of_a_visitors_own_answers(client: Client, user: User) -> None:
    # A visitor's answers live in their session: any page that reads it is personal too.
    from crampcare.assessment import drafts

    session = client.session
    session[drafts.SESSION_WORKING_ON] = None
    session[drafts.SESSION_ANSWERS] = {}
    session.save()
    response = client.get("/assessment/")
    assert response.status_code < 500
    assert "no-store" in response["Cache-Control"]


def test_it_lets_public_pages_be_cached_for_visitors(client: Client, user: User) -> None:
    # The relief guide must load fast at 3 a.m.; a visitor's copy holds nothing personal.
    response = client.get("/cramp-now/")
    assert "no-store" not in response.get("Cache-Control", "")


# Inline code the CSP blocks: <script> without src (JSON data blocks are not run, so allowed),
# style="" attributes, <style> elements and on*="" handlers.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\sstyle\s*=|<style[\s>]|\son[a-z]+\s*=",
    re.IGNORECASE,
)
# Emails are not web pages (mail apps need inline styles; no CSP applies to them).
NOT_PAGES = ("/email/",)


def test_it_has_no_inline_script_or_style_in_any_page_template() -> None:
    found = []
    for template in sorted(SOURCE.rglob("*.html")):
        relative = template.relative_to(SOURCE).as_posix()
        if any(part in f"/{relative}" for part in NOT_PAGES) or "/tests/" in f"/{relative}":
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if INLINE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "inline script or style (blocked by the CSP):\n" + "\n".join(found)
