"""Template helpers for the diary pages."""

from __future__ import annotations

import math
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plural_count(value: Decimal | float | int | None) -> int:
    """A whole number to choose a plural form with (gettext's plural rules take whole numbers
    only): a whole amount as it is, a fraction as "many" (1.5 drinks, 0.5 cups)."""
    if value is None:
        return 0
    if value == int(value):
        return int(value)
    return max(2, math.ceil(value))
