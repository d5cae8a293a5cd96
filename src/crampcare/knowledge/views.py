"""Public knowledge pages: education topics, references, the exercise library and search.

Everything here reads the shared, already-validated content library; no page touches the database
or anything personal, so the pages work the same for visitors and signed-in people.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from crampcare.knowledge import pose_svg
from crampcare.knowledge import search as knowledge_search
from crampcare.knowledge.exercise_schema import CAUTION_KEYS, EQUIPMENT_IDS, POSITIONS, Exercise
from crampcare.knowledge.loader import Library, citation_index, get_library
from crampcare.knowledge.schema import Reference, Topic
from crampcare.knowledge.templatetags.knowledge_tags import (
    EQUIPMENT_LABELS,
    POSITION_LABELS,
)

# Time choices on the library page: most exercises take 2 to 6 minutes, both sides included.
MINUTE_CHOICES = (2, 3, 5)
SEARCH_LIMIT = 30
MAX_QUERY_LENGTH = 100


# --- topics -----------------------------------------------------------------------------------


def topics(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/topics.html", {"topics": get_library().topics.values()})


def _topic_or_404(library: Library, slug: str) -> Topic:
    topic = library.topics.get(slug)
    if topic is None:
        raise Http404(_("There is no topic called “%(slug)s”.") % {"slug": slug})
    return topic


def _exercise_or_404(library: Library, slug: str) -> Exercise:
    exercise = library.exercises.get(slug)
    if exercise is None:
        raise Http404(_("There is no exercise called “%(slug)s”.") % {"slug": slug})
    return exercise


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    library = get_library()
    item = _topic_or_404(library, slug)
    context = {
        "topic": item,
        "disclaimer": library.disclaimer,
        "related_exercises": [library.exercises[key] for key in item.related_exercises],
        "related_topics": [library.topics[key] for key in item.related_topics],
    }
    return render(request, "knowledge/topic.html", context)


# --- references -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitedIn:
    """A page that cites a reference, for the "cited in" links back from the references page."""

    kind: str
    id: str
    title: str
    url: str


def _relief_url(area: str | None) -> str:
    """The relief guide's page for one area, or its start page for advice shared by all."""
    if area is not None:
        try:
            return reverse("knowledge:relief_area", args=[area])
        except NoReverseMatch:
            pass  # the relief guide is built alongside these pages
    try:
        return reverse("knowledge:relief")
    except NoReverseMatch:
        return ""


def _site_link(library: Library, kind: str, item_id: str, part: str) -> CitedIn | None:
    if kind == "topic":
        item = library.topics[item_id]
        url = reverse("knowledge:topic", args=[item_id])
        # "sections[2]" -> the third section's anchor, so the link lands on the claim itself.
        if part.startswith("sections["):
            number = int(part.split("[", 1)[1].split("]", 1)[0]) + 1
            url += f"#section-{number}"
        return CitedIn(kind, item_id, str(item.title), url)
    if kind == "exercise":
        exercise = library.exercises[item_id]
        return CitedIn(
            kind, item_id, str(exercise.name), reverse("knowledge:exercise", args=[item_id])
        )
    if kind == "muscle":
        muscle = library.muscles[item_id]
        url = reverse("knowledge:exercises") + f"?muscle={item_id}"
        return CitedIn(kind, item_id, str(muscle.name), url)
    if kind == "relief":
        area = library.relief_areas.get(item_id)
        title = str(area.title) if area is not None else str(library.relief.title)
        return CitedIn(kind, item_id, title, _relief_url(area.id if area is not None else None))
    return None


def cited_in(library: Library) -> dict[str, list[CitedIn]]:
    """Each reference id -> the pages that cite it, one link per page (its first citing part)."""
    return _cited_in_for(library, get_language() or "en")


@cache
def _cited_in_for(library: Library, language: str) -> dict[str, list[CitedIn]]:
    result: dict[str, list[CitedIn]] = {}
    for ref_id, sites in citation_index(library).items():
        seen: set[tuple[str, str]] = set()
        links: list[CitedIn] = []
        for site in sites:
            link = _site_link(library, site.kind, site.id, site.part)
            # One link per page: a topic cited in three sections, or several parts of the relief
            # guide's closing advice, appear once.
            key = (site.kind, site.id if site.kind != "relief" else link.url if link else "")
            if link is None or key in seen:
                continue
            seen.add(key)
            links.append(link)
        result[ref_id] = links
    return result


def references(request: HttpRequest) -> HttpResponse:
    library = get_library()

    def rows() -> list[tuple[Reference, list[Any]]]:
        # Called by the template only when its cached copy of the list is missing.
        links = cited_in(library)
        return [(ref, links.get(ref.id, [])) for ref in library.references.values()]

    return render(request, "knowledge/references.html", {"rows": rows})


# --- exercise library -------------------------------------------------------------------------


class ExerciseFilterForm(forms.Form):
    """The library filters. Every field is optional; an invalid one is reported and ignored."""

    q = forms.CharField(
        label=_("Search exercises"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. calf, towel, bed")}),
    )
    muscle = forms.ChoiceField(
        label=_("Muscle"),
        required=False,
        error_messages={"invalid_choice": _("We don’t know that muscle. Pick one from the list.")},
    )
    position = forms.ChoiceField(
        label=_("Position"),
        required=False,
        choices=[("", _("Any position")), *((key, POSITION_LABELS[key]) for key in POSITIONS)],
        error_messages={
            "invalid_choice": _("We don’t know that position. Pick one from the list.")
        },
    )
    max_minutes = forms.TypedChoiceField(
        label=_("Time you have"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Pick one of the times from the list.")},
    )
    equipment = forms.MultipleChoiceField(
        label=_("What you have to hand"),
        required=False,
        choices=[(key, EQUIPMENT_LABELS[key]) for key in EQUIPMENT_IDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you have; we show exercises that need nothing else."),
        error_messages={
            "invalid_choice": _("We don’t know “%(value)s”. Tick items from the list.")
        },
    )

    def __init__(self, *args: Any, library: Library, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: muscle names come from the content, and labels with numbers in them
        # must be translated into the language of this request, not the one at import time.
        muscle = self.fields["muscle"]
        assert isinstance(muscle, forms.ChoiceField)
        muscle.choices = [
            ("", _("Any muscle")),
            *((m.id, str(m.name)) for m in library.muscles.values()),
        ]
        minutes = self.fields["max_minutes"]
        assert isinstance(minutes, forms.ChoiceField)
        minutes.choices = [
            ("", _("Any length")),
            *((str(n), gettext("%(n)s minutes or less") % {"n": n}) for n in MINUTE_CHOICES),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters, as keyword arguments for ``filter_exercises`` (bad ones dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "muscle": data.get("muscle") or None,
            "position": data.get("position") or None,
            "equipment": data.get("equipment") or None,
            "max_minutes": data.get("max_minutes"),
            "query": data.get("q") or None,
        }


def exercises(request: HttpRequest) -> HttpResponse:
    """The library page; an htmx request (a filter changed) gets only the results partial."""
    library = get_library()
    form = ExerciseFilterForm(request.GET, library=library)
    results = knowledge_search.filter_exercises(library, **form.filters())
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not getattr(htmx, "history_restore_request", False)
    context = {
        "form": form,
        "results": results,
        # The cards are content: the same ids in the same language give the same HTML.
        "results_key": ",".join(exercise.id for exercise in results),
        "total": len(library.exercises),
        "muscles": library.muscles,
        "partial": partial,
    }
    template = "knowledge/_exercise_results.html" if partial else "knowledge/exercises.html"
    response = render(request, template, context, status=400 if form.errors else 200)
    # The same URL answers with a whole page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def exercise(request: HttpRequest, slug: str) -> HttpResponse:
    library = get_library()
    item = _exercise_or_404(library, slug)
    # Avoid first: those cautions decide whether to do the exercise at all.
    cautions = sorted(
        item.cautions,
        key=lambda caution: (caution.action != "avoid", CAUTION_KEYS.index(caution.condition)),
    )
    sources = dict.fromkeys(item.references)
    for caution in item.cautions:
        sources.update(dict.fromkeys(caution.references))
    context = {
        "exercise": item,
        "cautions": cautions,
        "muscles": [library.muscles[key] for key in item.target_muscles],
        "easier": [library.exercises[key] for key in item.easier],
        "harder": [library.exercises[key] for key in item.harder],
        "sources": list(sources),
        "disclaimer": library.disclaimer,
    }
    return render(request, "knowledge/exercise.html", context)


# Like the static files (WHITENOISE_MAX_AGE): a picture changes only with the content.
PICTURE_MAX_AGE = 3600


def exercise_picture(request: HttpRequest, slug: str) -> HttpResponse:
    """The exercise's picture as an SVG: animated; with ``?motion=0`` the position held longest,
    still (for reduced motion); with ``?still=1`` the start and end positions side by side.
    Nothing personal: the same for everyone."""
    item = _exercise_or_404(get_library(), slug)
    if item.pose is None:
        raise Http404(_("The exercise “%(slug)s” has no picture yet.") % {"slug": slug})
    still = request.GET.get("still") == "1"
    moving = request.GET.get("motion") != "0"
    svg = _picture(item.id, still, moving, get_language() or "en")
    etag = '"' + hashlib.sha256(svg.encode()).hexdigest()[:20] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={PICTURE_MAX_AGE}"
    # The picture's colours switch with the colour scheme from its own style sheet.
    response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
    return response


@cache
def _picture(slug: str, still: bool, moving: bool, language: str) -> str:
    # The language is part of the key: the title is the exercise's name in that language.
    return pose_svg.exercise_svg(get_library().exercises[slug], still=still, moving=moving)


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    kind: str
    title: str
    snippet: str
    url: str


def search_results(query: str, limit: int = SEARCH_LIMIT) -> list[SearchResult]:
    """Topics and exercises matching ``query``, best first, with links to their pages."""
    names: Mapping[str, str] = {"topic": "knowledge:topic", "exercise": "knowledge:exercise"}
    hits = knowledge_search.search(query, limit, language=(get_language() or "en").split("-")[0])
    return [
        SearchResult(hit.kind, hit.title, hit.snippet, reverse(names[hit.kind], args=[hit.id]))
        for hit in hits
    ]


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    too_long = len(query) > MAX_QUERY_LENGTH
    results = [] if too_long or not query else search_results(query)
    context = {
        "query": query,
        "results": results,
        "too_long": too_long,
        "max_length": MAX_QUERY_LENGTH,
        "suggestions": (_("quinine"), _("pregnancy"), _("magnesium"), _("calf"), _("in bed")),
    }
    return render(request, "knowledge/search.html", context, status=400 if too_long else 200)
