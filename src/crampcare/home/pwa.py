"""The app on the phone (a Progressive Web App, no build step): the web manifest, the service
worker and the page it shows offline.

The service worker (``templates/home/sw.js``, served at ``/sw.js`` so its scope is the whole
site) precaches what a person needs mid-cramp without a connection: the relief chooser and every
relief guide, the exercise library and each exercise with its picture, the topics, and the static
files they use.
Those copies are fetched without cookies, so they hold nothing personal. Pages are always fetched
from the network first; a copy is only shown when the network fails. The person's own plan,
session player, diary and home page are kept (network-first) in a second cache as they visit
them, which signing out empties (``Clear-Site-Data``, see ``accounts.middleware``).

The caches are named by a version: a digest of every template, content file and static file the
pages are built from, so any change to them makes browsers fetch the new worker, precache again
and delete the old caches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

import crampcare
from crampcare.knowledge import relief_views
from crampcare.knowledge.loader import get_library

PACKAGE = Path(crampcare.__file__).resolve().parent
# Our own static folders, and htmx (every page loads it).
STATIC_PREFIXES = (
    "accounts/",
    "assessment/",
    "crampcare/",
    "diary/",
    "insights/",
    "knowledge/",
    "programs/",
)
EXTRA_STATIC = ("django_htmx/htmx-2.min.js",)
# What the version digest reads: what pages are made of.
SOURCE_SUFFIXES = {".html", ".txt", ".yaml", ".yml", ".json", ".css", ".js", ".svg", ".png", ".po"}
# Where the person's own pages are kept for offline use as they visit them (network first).
PERSONAL_PREFIXES = ("/program/", "/diary/")
PERSONAL_EXACT = ("/",)
# The code that draws the exercise pictures (knowledge:exercise_picture), read into the version.
DRAWING_CODE = ("knowledge/poses.py", "knowledge/pose_svg.py")
THEME_LIGHT = "#0a5c58"
BACKGROUND_LIGHT = "#f6f5f1"


def public_pages() -> list[str]:
    """Pages with nothing personal in them that a person may need offline, in the order the
    worker fetches them (the relief guide first: a cramp does not wait)."""
    library = get_library()
    relief = reverse("knowledge:relief")
    pages = [relief, reverse("home:offline")]
    for area in library.relief.areas:
        area_url = reverse("knowledge:relief_area", args=[area.id])
        pages += [area_url, f"{area_url}?state=easing&offline=1"]
    # The relief guide's pictures, moving and still (for reduced motion), before anything else.
    relief_pictures = pictures(relief_exercises())
    pages += relief_pictures + [f"{url}?motion=0" for url in relief_pictures]
    pages.append(reverse("knowledge:exercises"))
    pages += [reverse("knowledge:exercise", args=[slug]) for slug in library.exercises]
    pages += [url for url in pictures(library.exercises) if url not in pages]
    pages.append(reverse("knowledge:topics"))
    pages += [reverse("knowledge:topic", args=[slug]) for slug in library.topics]
    return pages


def relief_exercises() -> list[str]:
    """The exercises the relief guide's steps name (their pictures are shown mid-cramp)."""
    found: dict[str, None] = {}
    for area in get_library().relief.areas:
        for step in [*area.steps, *(step for variant in area.variants for step in variant.steps)]:
            if step.exercise:
                found[step.exercise] = None
    return list(found)


def pictures(slugs: Iterable[str]) -> list[str]:
    """The animated picture of each exercise that has one (drawn from its pose)."""
    exercises = get_library().exercises
    return [
        reverse("knowledge:exercise_picture", args=[slug])
        for slug in slugs
        if exercises[slug].pose is not None
    ]


def static_files() -> list[str]:
    found: set[str] = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list(["*.map", "*.md"]):
            name = path.replace("\\", "/")
            if name.startswith(STATIC_PREFIXES) or name in EXTRA_STATIC:
                found.add(name)
    return [static(name) for name in sorted(found)]


@cache
def version() -> str:
    """A digest of what the precached pages are made of (templates, content, static files,
    translations), and of the list itself."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "tests" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    for name in DRAWING_CODE:
        # The pictures are drawn by code, not a template: a change to it is a change to them.
        code = PACKAGE / name
        if code.is_file():
            digest.update(code.read_bytes())
    for name in EXTRA_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": version(),
        "precache": json.dumps(public_pages() + static_files()),
        "personal_prefixes": json.dumps(list(PERSONAL_PREFIXES)),
        "personal_exact": json.dumps(list(PERSONAL_EXACT)),
        "offline_url": json.dumps(reverse("home:offline")),
        "outbox_script": json.dumps(static("crampcare/outbox.js")),
        "me_url": json.dumps(reverse("api:me")),
        "language": json.dumps(get_language() or settings.LANGUAGE_CODE),
    }
    response = render(request, "home/sw.js", context, content_type="text/javascript")
    # Browsers check for a new worker on each visit; never let an HTTP cache answer for it.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("crampcare/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {
            "src": static("crampcare/icons/icon-any-192.png"),
            "sizes": "192x192",
            "type": "image/png",
        },
        {
            "src": static("crampcare/icons/icon-any-512.png"),
            "sizes": "512x512",
            "type": "image/png",
        },
        {
            "src": static("crampcare/icons/icon-maskable-192.png"),
            "sizes": "192x192",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": static("crampcare/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": "/",
        "name": "crampcare",
        "short_name": "crampcare",
        "description": _(
            "Help through a leg cramp, even offline; a nightly stretching program; a diary."
        ),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en",
        "start_url": "/?source=home-screen",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_LIGHT,
        "background_color": BACKGROUND_LIGHT,
        "icons": icons,
        "shortcuts": [
            {
                "name": _("Cramp now"),
                "short_name": _("Cramp now"),
                "url": reverse("knowledge:relief"),
                "icons": [{"src": static("crampcare/icons/icon-any-192.png"), "sizes": "192x192"}],
            },
            {
                "name": _("Tonight's session"),
                "short_name": _("Tonight"),
                "url": reverse("programs:player"),
                "icons": [{"src": static("crampcare/icons/icon-any-192.png"), "sizes": "192x192"}],
            },
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it has no copy of, when there is no connection. Nothing
    personal: it is precached for everyone."""
    library = get_library()
    emergency = relief_views.cited(library, [library.relief.emergency])[0]
    return render(request, "home/offline.html", {"emergency": emergency})
