"""Hypothesis strategies for plan and progression tests."""

from __future__ import annotations

from datetime import time

from hypothesis import strategies as st

from crampcare.programs.dose import MAX_LEVEL, MIN_LEVEL
from crampcare.programs.profile import (
    CONDITIONS,
    CRAMP_TIMES,
    EXERCISE_LEVELS,
    MUSCLE_AREAS,
    PlanProfile,
)
from crampcare.programs.progression import WeekSummary


def _subsets(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True).map(tuple)


profiles = st.builds(
    PlanProfile,
    age=st.none() | st.integers(18, 120),
    pregnant=st.booleans(),
    pregnancy_weeks=st.none() | st.integers(0, 45),
    conditions=_subsets(CONDITIONS),
    cramp_times=_subsets(CRAMP_TIMES),
    muscles=_subsets(MUSCLE_AREAS),
    sitting_hours_per_day=st.none() | st.floats(0, 24),
    exercise_level=st.none() | st.sampled_from(EXERCISE_LEVELS),
    bedtime=st.times(max_value=time(23, 59)),
    reminder_minutes_before=st.integers(0, 240),
    prefers_in_bed=st.booleans(),
    cleared_for_hip_rotation=st.booleans(),
)

levels = st.integers(MIN_LEVEL, MAX_LEVEL)


@st.composite
def week_summaries(draw: st.DrawFn, week: int | None = None) -> WeekSummary:
    planned = draw(st.integers(0, 7))
    done = draw(st.integers(0, 7))
    painful = draw(st.integers(0, done))
    if painful:
        max_pain: int | None = draw(st.none() | st.integers(5, 10))
    else:
        max_pain = draw(st.none() | st.integers(0, 10))
    return WeekSummary(
        week=week if week is not None else draw(st.integers(1, 12)),
        nights_planned=planned,
        nights_done=done,
        max_pain=max_pain,
        painful_sessions=painful,
    )
