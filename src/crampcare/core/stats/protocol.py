"""Does the person follow the trial's protocol? Only then are their figures set beside it.

Hallegraeff 2012 (R1): a calf and a hamstring stretch, both legs, every night just before sleep.
A night counts when the person finished a bedtime session that included a calf stretch and a
hamstring stretch (any variant or dose: longer holds are more than the trial asked, not less).
The person follows the protocol when at least :data:`PROTOCOL_NIGHTS_PER_WEEK` nights in every 7
of the recorded nights in the latest period (the nights the comparison is about) count. The trial
asked for every night; 5 nights a week allows for the odd missed evening and is still clearly
"most nights", the usual bar for doing a home exercise program as prescribed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

PROTOCOL_NIGHTS_PER_WEEK = 5
PROTOCOL_MIN_SHARE = PROTOCOL_NIGHTS_PER_WEEK / 7
# The program's slots that hold the trial's two stretches, and the block they must be in.
PROTOCOL_SLOTS = frozenset({"calf", "hamstring"})
BEDTIME = "bedtime"


@dataclass(frozen=True, slots=True)
class ProtocolCheck:
    nights: int
    protocol_nights: int
    follows: bool


def is_protocol_session(items: Iterable[object]) -> bool:
    """A finished session's items (the plan items as stored) include both trial stretches."""
    slots = {
        str(item.get("slot"))
        for item in items
        if isinstance(item, dict) and item.get("block") == BEDTIME
    }
    return slots >= PROTOCOL_SLOTS


def trial_protocol(
    period_nights: Collection[date], protocol_nights: Collection[date]
) -> ProtocolCheck:
    """Whether enough of ``period_nights`` (recorded nights) had a protocol session."""
    done = sum(1 for night in period_nights if night in protocol_nights)
    total = len(period_nights)
    return ProtocolCheck(
        nights=total,
        protocol_nights=done,
        # In whole numbers (done / total >= 5 / 7), so 10 of 14 nights is not lost to rounding.
        follows=total > 0 and 7 * done >= PROTOCOL_NIGHTS_PER_WEEK * total,
    )
