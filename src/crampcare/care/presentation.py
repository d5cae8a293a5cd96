"""How the care pages and API word what the audit trail stores."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.utils.translation import gettext as _

from crampcare.programs.models import ChangeKind


def describe_what(what: str) -> str:
    """A model's label ("diary.CrampEpisode") as its plural name in the reader's language
    ("cramps"); a change ("programs.Program:swap") as the model's name and what changed
    ("program: Exercise swapped"); anything else as stored."""
    if ":" in what:
        label, change = what.split(":", 1)
        kinds = dict(ChangeKind.choices)
        return f"{describe_what(label)}: {kinds.get(change, change)}"
    try:
        model = apps.get_model(what)
    except (LookupError, ValueError):
        return what or _("something")
    return str(model._meta.verbose_name_plural)


def origin_of(request: HttpRequest) -> str:
    """Where a read comes from, for its audit record: the route's name, never the address of the
    person asking nor the ids in the path."""
    match = request.resolver_match
    return match.view_name if match is not None else ""
