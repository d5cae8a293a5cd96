"""The "cramp now" relief guide: where is the cramp, then one step at a time.

Open to everyone, always (no account, no onboarding): a person in pain must never meet a form.
The pages are complete without JavaScript (a numbered list of steps and plain links for "it's
easing" / "still cramping"); ``static/knowledge/relief.js`` turns the same markup into the timed,
spoken, screen-awake player.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.knowledge.exercise_schema import Exercise
from crampcare.knowledge.loader import Library, get_library
from crampcare.knowledge.relief_clock import parse_since
from crampcare.knowledge.schema import CitedText, ReliefArea, ReliefStep

# The diary's one-tap "log this cramp" route: POST ``muscle`` (a relief area id) logs a cramp now;
# GET shows the same button, which is where a visitor lands after signing in. Looked up by name
# so the guide still ends with aftercare when the diary app is not installed.
DIARY_LOG_CRAMP = "diary:log_cramp"

STATE_EASING = "easing"
STATE_STILL = "still"


@dataclass(frozen=True)
class Source:
    """A reference id as shown beside a step, with a tooltip naming the source."""

    id: str
    label: str


@dataclass(frozen=True)
class CitedItem:
    text: str
    sources: list[Source]
    hidden_when: str | None = None  # aftercare left out under a program hold (see Aftercare)


@dataclass(frozen=True)
class StepView:
    step: ReliefStep
    text: str
    spoken: str
    sources: list[Source]
    # The exercise the step is (drawn as its picture), if it names one.
    exercise: Exercise | None = None


def _sources(library: Library, ids: Iterable[str]) -> list[Source]:
    sources = []
    for ref_id in ids:
        ref = library.references[ref_id]
        year = f" {ref.year}" if ref.year else ""
        sources.append(Source(ref_id, f"{ref.authors}{year}: {ref.title}"))
    return sources


def cited(library: Library, items: Sequence[CitedText]) -> list[CitedItem]:
    return [
        CitedItem(
            item.text.get(),
            _sources(library, item.references),
            getattr(item, "hidden_when", None),
        )
        for item in items
    ]


def _optional_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _area_or_404(library: Library, area: str) -> ReliefArea:
    found = library.relief_areas.get(area)
    if found is None:
        raise Http404(_("There is no relief guide for that part of the leg."))
    return found


def player_text() -> dict[str, str]:
    """The words relief.js shows and speaks; ``{n}`` and ``{total}`` are filled in by the script."""
    return {
        "step_of": _("Step {n} of {total}"),
        "hold_of": _("Hold {n} of {total}"),
        "keep_going": _("Keep going"),
        "ready": _("Get ready"),
        "rest": _("Rest"),
        "again": _("Again"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "paused": _("Paused"),
        "hold_for": _("Hold for {n} seconds."),
        "rest_for": _("Rest for {n} seconds."),
        "seconds_left": _("{n} seconds left."),
        "check": _("Is it easing?"),
        "go_again": _("Let’s go through the steps again, gently."),
        "voice_on": _("Voice is on"),
        "voice_off": _("Voice is off"),
    }


def what_happens_next(minutes_left: int, threshold_minutes: int) -> str:
    """Said when "still cramping" is tapped before the threshold: keep going, and how long."""
    return ngettext(
        "Keep going with the steps, gently. If it has not eased after %(threshold)s minutes in "
        "all, we will tell you where to get help. That is about %(minutes)s more minute.",
        "Keep going with the steps, gently. If it has not eased after %(threshold)s minutes in "
        "all, we will tell you where to get help. That is about %(minutes)s more minutes.",
        minutes_left,
    ) % {"threshold": threshold_minutes, "minutes": minutes_left}


def relief(request: HttpRequest) -> HttpResponse:
    """The chooser: four big buttons, one per part of the leg."""
    library = get_library()
    guide = library.relief
    return render(
        request,
        "knowledge/relief.html",
        {
            "guide": guide,
            "areas": guide.areas,
            "emergency": cited(library, [guide.emergency])[0],
            "not_a_cramp": cited(library, [guide.not_a_cramp])[0],
        },
    )


def relief_area(request: HttpRequest, area: str) -> HttpResponse:
    """The guided steps for one area, or (``?state=``) what comes after them."""
    library = get_library()
    guide = library.relief
    found = _area_or_404(library, area)
    now = timezone.now()
    since = parse_since(request.GET.get("since"), now)
    state = request.GET.get("state")
    # An unknown variant falls back to the usual steps: never an error page mid-cramp.
    variant = found.variant(request.GET.get("variant"))
    context: dict[str, object] = {
        "guide": guide,
        "area": found,
        "variant": variant,
        "since": since,
        "emergency": cited(library, [guide.emergency])[0],
        "not_a_cramp": cited(library, [guide.not_a_cramp])[0],
        "still_sources": _sources(library, guide.still_cramping.references),
    }
    if state == STATE_EASING:
        log_url = _optional_url(DIARY_LOG_CRAMP)
        context |= {
            # The copy the app keeps for use without a connection (home/pwa.py): made for
            # everyone, so it leaves out all advice a program hold would hide for someone.
            "offline_copy": request.GET.get("offline") == "1",
            "aftercare": cited(library, guide.aftercare),
            "log_url": log_url,
            # After signing in or signing up, straight to the one-tap button for this muscle.
            # With the guide's start time, so the cramp is logged when it began.
            "log_next": f"{log_url}?{urlencode({'muscle': found.id, 'since': since})}"
            if log_url
            else None,
        }
        return render(request, "knowledge/relief_easing.html", context)

    threshold = guide.still_cramping.threshold_minutes * 60
    elapsed = max(0, int(now.timestamp()) - since)
    steps = variant.steps if variant is not None else found.steps
    context |= {
        "again": state == STATE_STILL,
        "overdue": state == STATE_STILL and elapsed >= threshold,
        "threshold_seconds": threshold,
        "steps": [
            StepView(
                step,
                step.text.get(),
                step.spoken.get(),
                _sources(library, step.references),
                library.exercises.get(step.exercise) if step.exercise else None,
            )
            for step in steps
        ],
        "avoid": cited(library, found.avoid),
        "variant_intro": cited(library, [variant.intro])[0] if variant else None,
        "evidence_note": cited(library, [found.evidence_note])[0] if found.evidence_note else None,
        "next_message": what_happens_next(
            max(1, -(-(threshold - elapsed) // 60)), guide.still_cramping.threshold_minutes
        ),
        # relief.js picks the message for the whole minutes left (each plural form translated).
        "js_text": player_text()
        | {
            f"next_{n}": what_happens_next(n, guide.still_cramping.threshold_minutes)
            for n in range(1, guide.still_cramping.threshold_minutes + 1)
        },
    }
    return render(request, "knowledge/relief_area.html", context)
