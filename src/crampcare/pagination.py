"""Pagination for every list in the API: limit/offset, with bounds.

django-ninja's default leaves `offset` unbounded, so a huge value reached the database and failed
there (SQLite integers are 64-bit) with a 500. Out-of-range values are now a 422 naming the field.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many items to return.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")
