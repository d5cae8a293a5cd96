"""When a cramp began, as the relief guide tells the diary: shared by both, so they agree."""

from __future__ import annotations

from datetime import datetime

# A "since" older than this belongs to an earlier cramp (an old bookmark or a reopened tab);
# relief.js uses the same limit for the start time it keeps in sessionStorage.
SINCE_MAX_AGE_SECONDS = 60 * 60


def parse_since(raw: str | None, now: datetime) -> int:
    """When this cramp's guide started (Unix seconds), from the ``since`` query parameter.

    Anything unusable (missing, not a number, in the future, hours old) means "starting now":
    the worst a bad value can do is restart the 10-minute count, never raise an error.
    """
    current = int(now.timestamp())
    try:
        since = int(raw or "")
    except ValueError:
        return current
    if since > current or current - since > SINCE_MAX_AGE_SECONDS:
        return current
    return since
