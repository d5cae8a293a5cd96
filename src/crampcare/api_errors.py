"""The one JSON error shape of the API: a summary in `detail`, one entry per field in `errors`.

Kept apart from crampcare/api.py so that services and the CLI can build it without importing
every router.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _


def error_body(errors: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """`errors` as (field, message) pairs, in the order to show them."""
    items = [{"field": field, "message": message} for field, message in errors]
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in items)
    return {"detail": _("Please correct: %(problems)s") % {"problems": summary}, "errors": items}
