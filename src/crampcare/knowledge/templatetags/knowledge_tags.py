"""How knowledge content is shown: labels for the content vocabularies, and citation links.

The content files use short ids ("in_bed", "balance_problems"); people read these labels. They
live here because the pages, their forms and the API all show the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crampcare.knowledge.emergency import numbers_for_request
from crampcare.knowledge.loader import get_library
from crampcare.knowledge.schema import Reference

register = template.Library()

POSITION_LABELS: Mapping[str, Promise] = {
    "in_bed": _("In bed"),
    "seated": _("Sitting"),
    "standing": _("Standing"),
    "floor": _("On the floor"),
}
EQUIPMENT_LABELS: Mapping[str, Promise] = {
    "none": _("Nothing, just me"),
    "wall": _("A wall"),
    "chair": _("A chair"),
    "counter_or_support": _("Something steady to hold"),
    "towel_or_strap": _("A towel or strap"),
    "step": _("A step or stair"),
    "foam_roller": _("A foam roller"),
    "ball": _("A small ball"),
    "bed": _("A bed"),
    "pillow": _("A pillow"),
    "mat": _("A mat or rug"),
}
DIFFICULTY_LABELS: Mapping[str, Promise] = {
    "easy": _("Easy"),
    "moderate": _("Moderate"),
    "hard": _("Harder"),
}
CATEGORY_LABELS: Mapping[str, Promise] = {
    "stretch": _("Stretch"),
    "strengthen": _("Strengthen"),
    "mobility": _("Mobility"),
    "relief": _("Cramp relief"),
    "circulation": _("Circulation"),
    "massage": _("Massage"),
}
CAUTION_LABELS: Mapping[str, Promise] = {
    "pregnancy_after_first_trimester": _("If you are pregnant (after the first 3 months)"),
    "hip_replacement": _("If you have had a hip replacement"),
    "knee_replacement": _("If you have had a knee replacement"),
    "balance_problems": _("If your balance is unsteady"),
    "knee_pain": _("If your knees hurt"),
    "limited_mobility": _("If moving about is hard for you"),
}
ACTION_LABELS: Mapping[str, Promise] = {
    "avoid": _("Skip this one"),
    "modify": _("Change it"),
}
URGENCY_LABELS: Mapping[str, Promise] = {
    "emergency": _("Emergency"),
    "same_day": _("Same day"),
    "soon": _("Within a few days"),
    "next_visit": _("At your next visit"),
}
REFERENCE_KIND_LABELS: Mapping[str, Promise] = {
    "trial": _("Randomised trial"),
    "systematic-review": _("Systematic review"),
    "review": _("Review"),
    "observational": _("Observational study"),
    "qualitative": _("Interview study"),
    "guideline": _("Guideline"),
    "regulatory": _("Regulator's warning"),
    "patient-information": _("Patient information"),
    "commentary": _("Commentary"),
    "letter": _("Letter"),
}

VOCABULARIES: Mapping[str, Mapping[str, Promise]] = {
    "position": POSITION_LABELS,
    "equipment": EQUIPMENT_LABELS,
    "difficulty": DIFFICULTY_LABELS,
    "category": CATEGORY_LABELS,
    "caution": CAUTION_LABELS,
    "action": ACTION_LABELS,
    "urgency": URGENCY_LABELS,
    "reference_kind": REFERENCE_KIND_LABELS,
}

_INITIALS = re.compile(r"^[A-Z]{1,3}$")
_ACRONYM = re.compile(r"\(([A-Z]{2,8})\)")


@register.filter
def label(value: str, vocabulary: str) -> str:
    """``{{ exercise.position|label:"position" }}`` -> "In bed"; an unknown id shows as itself."""
    return str(VOCABULARIES[vocabulary].get(value, value))


def source_name(reference: Reference) -> str:
    """A short name for a source, as in "Hallegraeff et al. 2012" or "FDA 2010"."""
    first = re.split(r"[,;]", reference.authors)[0].strip()
    people = [part for part in reference.authors.split(",") if part.strip()]
    acronym = _ACRONYM.search(first)
    if acronym:
        name = acronym.group(1)
    else:
        name = re.sub(r"\s*\(.*?\)", "", first).strip()
        words = name.split()
        if len(words) > 1 and _INITIALS.match(words[-1]):
            name = " ".join(words[:-1])
            if len(people) > 2:
                name += " et al."
            elif len(people) == 2:
                second = people[1].split()
                name += f" & {' '.join(second[:-1]) if len(second) > 1 else second[0]}"
    return f"{name} {reference.year}" if reference.year else name


register.filter("source_name", source_name)


def references_for(ids: Iterable[str]) -> list[Reference]:
    library = get_library()
    return [library.references[ref_id] for ref_id in ids]


@register.inclusion_tag("knowledge/_cites.html")
def cite(ids: Iterable[str]) -> dict[str, object]:
    """Superscript links to the sources page, one per source: ``{% cite section.references %}``."""
    base = reverse("knowledge:references")
    return {"citations": [(ref, f"{base}#{ref.id}") for ref in references_for(ids)]}


@register.inclusion_tag("knowledge/_reference_list.html")
def reference_list(ids: Iterable[str], heading_id: str = "sources") -> dict[str, object]:
    """The list of full citations that ends a topic or exercise page."""
    return {
        "references": references_for(ids),
        "heading_id": heading_id,
        "references_url": reverse("knowledge:references"),
    }


@register.filter
def get_item(mapping: Mapping[str, object], key: str) -> object:
    """``{{ muscles|get_item:muscle_id }}``: templates cannot index a mapping by a variable."""
    return mapping.get(key)


@register.inclusion_tag("knowledge/_call_buttons.html", takes_context=True)
def call_buttons(context: template.Context, level: str = "emergency") -> dict[str, object]:
    """Big tap-to-call buttons with the person's local numbers (knowledge/emergency.py)."""
    request = context.get("request")
    numbers = numbers_for_request(request) if request is not None else None
    return {"numbers": numbers, "level": level, "request": request}
