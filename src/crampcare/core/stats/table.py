"""A column-per-field view of the diary, so every insight runs as numpy array arithmetic.

Building it is the only per-record Python loop; :func:`~crampcare.core.stats.summary.
compute_insights` builds it once and hands it to every calculation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from .records import FACTORS, NEW_MEDICINE_WINDOW_NIGHTS, Factor, NightRecord

IntArray = npt.NDArray[np.int64]
_BIT = {factor.value: 1 << position for position, factor in enumerate(FACTORS)}
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class NightTable:
    """Recorded nights sorted by date, one array per field (all the same length).

    ``day`` holds each night's ``date.toordinal()``; ``severity`` the night's mean pain score
    (NaN when no cramp was scored); ``exposed`` and ``unknown`` one boolean column per factor.
    """

    day: IntArray
    cramps: IntArray
    severity: FloatArray
    program_done: BoolArray
    exposed: dict[str, BoolArray]
    unknown: dict[str, BoolArray]

    @classmethod
    def from_records(cls, records: Iterable[NightRecord]) -> NightTable:
        ordered = sorted(records, key=lambda record: record.night)
        for earlier, later in pairwise(ordered):
            if earlier.night == later.night:
                raise ValueError(f"two records for the night of {later.night}")
        nan = float("nan")
        day = np.fromiter((r.night.toordinal() for r in ordered), np.int64, len(ordered))
        severity = np.fromiter(
            (sum(r.severities) / len(r.severities) if r.severities else nan for r in ordered),
            np.float64,
            len(ordered),
        )
        # One bit per factor, so the per-record loop runs once rather than once per factor.
        # Diaries repeat the same few combinations, so each distinct set is summed only once.
        bits: dict[frozenset[str], int] = {}
        present_bits = np.fromiter(
            (
                bits[r.exposures] if r.exposures in bits else _bits(bits, r.exposures)
                for r in ordered
            ),
            np.int64,
            len(ordered),
        )
        unknown_bits = np.fromiter(
            (
                bits[r.not_recorded] if r.not_recorded in bits else _bits(bits, r.not_recorded)
                for r in ordered
            ),
            np.int64,
            len(ordered),
        )
        exposed = {name: (present_bits & bit) != 0 for name, bit in _BIT.items()}
        unknown = {name: (unknown_bits & bit) != 0 for name, bit in _BIT.items()}
        exposed[Factor.NEW_MEDICINE] = _spread_forward(
            day, exposed[Factor.NEW_MEDICINE], NEW_MEDICINE_WINDOW_NIGHTS
        )
        return cls(
            day=day,
            cramps=np.fromiter((r.cramps for r in ordered), np.int64, len(ordered)),
            severity=severity,
            program_done=np.fromiter((r.program_done for r in ordered), np.bool_, len(ordered)),
            exposed=exposed,
            unknown=unknown,
        )

    def __len__(self) -> int:
        return int(self.day.size)

    def night(self, position: int) -> date:
        return date.fromordinal(int(self.day[position]))


def _bits(memo: dict[frozenset[str], int], factors: frozenset[str]) -> int:
    memo[factors] = sum(_BIT[name] for name in factors)
    return memo[factors]


def as_table(nights: Sequence[NightRecord] | NightTable) -> NightTable:
    return nights if isinstance(nights, NightTable) else NightTable.from_records(nights)


def _spread_forward(day: IntArray, marked: BoolArray, window: int) -> BoolArray:
    """Mark every night within ``window`` calendar nights from (and including) a marked night.

    Works on dates, not positions, so unrecorded nights still use up the window.
    """
    if not marked.any():
        return marked
    starts = day[marked]
    # The latest marked night on or before each night; exposed if it is less than `window` ago.
    latest = np.searchsorted(starts, day, side="right") - 1
    has_start = latest >= 0
    since = np.where(has_start, day - starts[np.maximum(latest, 0)], window)
    return has_start & (since < window)
