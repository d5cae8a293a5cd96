"""A column-per-field view of the diary, so every insight runs as numpy array arithmetic.

Building it is the only per-record Python loop; :func:`~crampcare.insights.stats.summary.
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
        exposed = {
            f.value: np.fromiter((f in r.exposures for r in ordered), np.bool_, len(ordered))
            for f in FACTORS
        }
        unknown = {
            f.value: np.fromiter((f in r.not_recorded for r in ordered), np.bool_, len(ordered))
            for f in FACTORS
        }
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
