"""Citations on the assessment pages: readable source names linking to the reference list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse

from crampcare.knowledge.templatetags.knowledge_tags import references_for, source_name

register = template.Library()


def _ids(groups: tuple[str | Iterable[str], ...]) -> list[str]:
    ids: list[str] = []
    for group in groups:
        for ref_id in [group] if isinstance(group, str) else group:
            if ref_id not in ids:
                ids.append(ref_id)
    return ids


@register.inclusion_tag("assessment/_sources.html")
def sources(*groups: str | Iterable[str]) -> dict[str, object]:
    """``{% sources reason.references %}`` or ``{% sources "R1" %}`` -> "Sources: Hallegraeff
    et al. 2012, …", each name a link to its entry in the reference list."""
    base = reverse("knowledge:references")
    return {
        "sources": [
            {"id": ref.id, "name": source_name(ref), "url": f"{base}#{ref.id}"}
            for ref in references_for(_ids(groups))
        ]
    }


@register.simple_tag
def cited_references(page: Any) -> list[object]:
    """Every source cited in a result, once each, in id order (R1, R2, … R41), for a printout."""
    groups: list[Iterable[str]] = [["R1"]]
    groups += [reason.references for reason in page.box_reasons]
    groups += [reason.references for reason in page.doctor_reasons + page.good_to_know]
    groups += [item.references for item in page.changeable + page.other_factors]
    ids = sorted(set(_ids(tuple(groups))), key=lambda ref_id: int(ref_id[1:]))
    return list(references_for(ids))
