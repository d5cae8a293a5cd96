"""Pages, scripts and styles leave gzip-compressed for a browser that accepts it, and unchanged
for one that does not (settings.MIDDLEWARE: GZipMiddleware; docs/performance.md)."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

from crampcare.testing.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db

URLS = [
    "/cramp-now/calf/",
    "/exercises/",
    "/static/crampcare/app.js",
    "/static/crampcare/crampcare.css",
    "/api/v1/exercises",
]


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.parametrize("url", URLS)
def test_text_is_sent_compressed_when_the_browser_accepts_gzip(url: str) -> None:
    client = Client(HTTP_HOST="localhost")
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert plain.get("Content-Encoding") is None
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    compressed = _body(packed)
    text = gzip.decompress(compressed)
    if url.startswith(("/static/", "/api/")):
        assert text == _body(plain)
    # The page or file is at least a third smaller on the wire.
    assert len(compressed) < len(text) * 2 / 3


def test_a_signed_in_page_is_compressed_and_its_csrf_token_differs_each_time() -> None:
    """BREACH: a compressed page with a secret must not repeat the secret byte for byte."""
    user = make_user("gzip@example.org")
    client = Client(HTTP_HOST="localhost")
    assert client.login(email=user.email, password=PASSWORD)
    first = client.get("/diary/", HTTP_ACCEPT_ENCODING="gzip")
    second = client.get("/diary/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    tokens = []
    for response in (first, second):
        page = gzip.decompress(_body(response)).decode()
        marker = 'name="csrfmiddlewaretoken" value="'
        assert marker in page
        tokens.append(page.split(marker, 1)[1].split('"', 1)[0])
    assert tokens[0] != tokens[1]


def test_a_packed_download_is_not_compressed_again() -> None:
    client = Client(HTTP_HOST="localhost")
    icon = client.get("/static/crampcare/icons/icon-any-192.png", HTTP_ACCEPT_ENCODING="gzip")
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/png"
    assert icon.get("Content-Encoding") is None
