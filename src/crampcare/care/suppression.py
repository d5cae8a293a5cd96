"""Small-number suppression for numbers about groups of people: pure functions, no database.

An organisation's admin sees counts about its members, never a number that describes fewer
than ``SMALLEST_GROUP`` people:

- every count under ``SMALLEST_GROUP`` is hidden, zero included (a zero says something about
  everyone: "nobody in the group did X");
- a set of counts that adds up to a total that is shown (the members in each adherence band
  add up to the members enrolled) could give a hidden count back by subtraction. So further
  counts are hidden, smallest first, until the hidden ones together hold at least
  ``SMALLEST_GROUP`` people (or all are hidden): what can be worked out about the hidden ones
  is then about a group of ten or more.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALLEST_GROUP = 10


def hide_small(counts: Sequence[int]) -> list[int | None]:
    """``counts`` (which add up to a total that is shown) with the small ones hidden as None,
    and as many others as it takes to keep them from being worked out by subtraction."""
    hidden = {index for index, count in enumerate(counts) if count < SMALLEST_GROUP}
    if hidden:
        by_size = sorted(
            (index for index in range(len(counts)) if index not in hidden),
            key=lambda index: (counts[index], index),
        )
        for index in by_size:
            if sum(counts[i] for i in hidden) >= SMALLEST_GROUP:
                break
            hidden.add(index)
    return [None if index in hidden else count for index, count in enumerate(counts)]


def shown_count(count: int) -> int | None:
    """A count on its own (no total shown beside it): hidden when small."""
    return None if count < SMALLEST_GROUP else count
