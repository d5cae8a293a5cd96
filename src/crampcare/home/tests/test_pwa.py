"""The app on the phone (home/pwa.py): the manifest, the service worker's script and what it
precaches, the offline copy of the easing page, and signing out clearing the browser's copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from crampcare.home import pwa
from crampcare.knowledge.loader import get_library
from crampcare.testing.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PRECACHE = re.compile(r"const PRECACHE = (\[.*?\]);", re.S)


def _precached(client: Client) -> list[str]:
    import json

    script = client.get("/sw.js").content.decode()
    found = PRECACHE.search(script)
    assert found is not None
    urls: list[str] = json.loads(found.group(1))
    return urls


def test_every_page_links_the_manifest_and_the_touch_icon(client: Client) -> None:
    body = client.get("/cramp-now/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'rel="apple-touch-icon"' in body
    assert "/static/crampcare/app.js" in body


def test_the_manifest_makes_the_app_installable(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "crampcare"
    assert manifest["short_name"] == "crampcare"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith(manifest["scope"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert [s["url"] for s in manifest["shortcuts"]] == ["/cramp-now/", "/program/session/"]


@pytest.mark.parametrize(
    "icon",
    ["icon-any-192", "icon-any-512", "icon-maskable-192", "icon-maskable-512", "apple-touch-icon"],
)
def test_each_icon_is_a_png_of_its_size(icon: str) -> None:
    found = finders.find(f"crampcare/icons/{icon}.png")
    assert isinstance(found, str)
    with Image.open(found) as image:
        assert image.format == "PNG"
        size = 180 if icon == "apple-touch-icon" else int(icon.rsplit("-", 1)[1])
        assert image.size == (size, size)
        if "maskable" in icon or icon == "apple-touch-icon":
            # Full bleed: no transparent corner for the mask to show.
            rgb = image.convert("RGBA")
            assert rgb.getpixel((0, 0))[3] == 255  # type: ignore[index]


def test_the_worker_is_served_fresh_at_the_top_of_the_site(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    assert f'const VERSION = "{pwa.version()}";' in response.content.decode()
    policy = client.get("/cramp-now/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


def test_it_precaches_every_relief_guide_the_library_and_the_topics(client: Client) -> None:
    library = get_library()
    urls = set(_precached(client))
    assert "/cramp-now/" in urls
    assert "/offline/" in urls
    for area in library.relief.areas:
        assert f"/cramp-now/{area.id}/" in urls
        assert f"/cramp-now/{area.id}/?state=easing&offline=1" in urls
    assert "/exercises/" in urls
    assert {f"/exercises/{slug}/" for slug in library.exercises} <= urls
    assert {f"/learn/{slug}/" for slug in library.topics} <= urls
    for script in ("crampcare/crampcare.js", "knowledge/relief.js", "django_htmx/htmx-2.min.js"):
        assert f"/static/{script}" in urls
    assert not any(url.startswith(("/program/", "/diary/", "/insights/", "/care/")) for url in urls)


def test_everything_precached_answers_a_visitor_with_nothing_personal(client: Client) -> None:
    """The worker fetches these without cookies: each must answer 200 as is (a failed one would
    stop the worker installing), and pages must not show a signed-in person's menu."""
    make_user("olive@example.org", display_name="Olive")  # an install with an owner
    for url in _precached(client):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/static/"):
            continue
        body = response.content.decode()
        assert "Sign out" not in body
        assert "Olive" not in body


def test_the_worker_and_the_offline_page_answer_before_the_first_account(client: Client) -> None:
    assert client.get("/sw.js").status_code == 200
    assert client.get("/offline/").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200


def test_the_offline_page_points_to_what_works_and_how_to_get_help(client: Client) -> None:
    body = client.get("/offline/").content.decode()
    assert "You are offline" in body
    assert 'href="/cramp-now/"' in body
    assert "When to call for help" in body


def test_the_offline_easing_copy_leaves_out_what_a_hold_would_hide(client: Client) -> None:
    """Made for everyone, so it cannot know whether this person's program is held: it leaves out
    rubbing the calf and the nightly stretches (hidden_when in relief.yaml) for all."""
    online = client.get("/cramp-now/calf/?state=easing").content.decode()
    offline = client.get("/cramp-now/calf/?state=easing&offline=1").content.decode()
    assert "Rub the muscle gently" in online
    assert "Rub the muscle gently" not in offline
    assert "gentle calf and hamstring stretches every night" in online
    assert "gentle calf and hamstring stretches every night" not in offline
    assert "Do not rub a calf that is swollen" in offline  # the warning stays
    assert "Log this cramp later" in offline


def test_the_version_follows_what_the_pages_are_made_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>one</p>")
    monkeypatch.setattr(pwa, "PACKAGE", tmp_path)
    pwa.version.cache_clear()
    try:
        first = pwa.version()
        assert pwa.version() == first  # computed once a process
        template.write_text("<p>two</p>")
        pwa.version.cache_clear()
        assert pwa.version() != first
    finally:
        pwa.version.cache_clear()


def test_signing_out_clears_the_browsers_copies() -> None:
    user = make_user("pat@example.org")
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "Clear-Site-Data" not in client.get("/diary/")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get("/cramp-now/")
