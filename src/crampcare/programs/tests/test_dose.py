from itertools import pairwise

import pytest

from crampcare.programs.dose import (
    BEDTIME_LIMIT_SECONDS,
    LEVELS,
    MAX_LEVEL,
    MIN_LEVEL,
    SECONDS_PER_REP,
    SETUP_SECONDS,
    TRIAL_HOLD_SECONDS,
    TRIAL_REPS,
    TRIAL_REST_SECONDS,
    Dose,
    level,
)


def test_it_starts_at_the_trials_dose() -> None:
    first = level(MIN_LEVEL)

    assert (first.hold_seconds, first.reps, first.harder_variants) == (10, 3, False)
    assert (TRIAL_HOLD_SECONDS, TRIAL_REPS, TRIAL_REST_SECONDS) == (10, 3, 10)


def test_it_changes_exactly_one_thing_from_each_level_to_the_next() -> None:
    for lower, higher in pairwise(LEVELS):
        assert len(higher.changes_from(lower)) == 1, (lower, higher)
        assert higher.hold_seconds >= lower.hold_seconds
        assert higher.reps >= lower.reps


def test_it_uses_every_lever_the_program_promises() -> None:
    holds = [entry.hold_seconds for entry in LEVELS]

    assert holds[0] == 10
    assert max(holds) <= 30
    assert {entry.reps for entry in LEVELS} == {3, 4}
    assert LEVELS[-1].harder_variants
    assert not any(entry.harder_variants for entry in LEVELS[:-1])


def test_it_numbers_levels_so_six_good_weeks_reach_the_top() -> None:
    assert [entry.number for entry in LEVELS] == list(range(1, len(LEVELS) + 1))
    # Week 1 is at level 1; five step-ups end at the top level in week 6.
    assert MAX_LEVEL == 6


def test_it_keeps_both_core_stretches_within_ten_minutes_at_every_level() -> None:
    for entry in LEVELS:
        core = Dose(
            hold_seconds=entry.hold_seconds,
            reps=entry.reps,
            sets=1,
            rest_seconds=TRIAL_REST_SECONDS,
            per_side=True,
        )
        assert 2 * core.seconds <= BEDTIME_LIMIT_SECONDS, entry


def test_it_would_break_the_ten_minutes_with_four_holds_of_thirty_seconds() -> None:
    # Why the holds stop at 25 s once there are 4 of them (see LEVELS).
    too_long = Dose(hold_seconds=30, reps=4, sets=1, rest_seconds=10, per_side=True)

    assert 2 * too_long.seconds > BEDTIME_LIMIT_SECONDS


def test_it_times_the_trial_dose_as_holds_rests_and_setting_up() -> None:
    trial = Dose(hold_seconds=10, reps=3, sets=1, rest_seconds=10, per_side=True)

    # Two legs of 3 holds: 6 holds of 10 s, 5 rests of 10 s between them, and setting up.
    assert trial.seconds == SETUP_SECONDS + 6 * 10 + 5 * 10


def test_it_times_counted_reps_with_rests_between_sets_and_sides() -> None:
    one_side = Dose(hold_seconds=None, reps=10, sets=2, rest_seconds=30, per_side=False)
    both_sides = Dose(hold_seconds=None, reps=10, sets=1, rest_seconds=10, per_side=True)

    assert one_side.seconds == SETUP_SECONDS + 2 * 10 * SECONDS_PER_REP + 1 * 30
    assert both_sides.seconds == SETUP_SECONDS + 2 * 10 * SECONDS_PER_REP + 1 * 10


@pytest.mark.parametrize("number", [MIN_LEVEL - 1, MAX_LEVEL + 1])
def test_it_rejects_a_level_outside_the_table(number: int) -> None:
    with pytest.raises(ValueError, match="level must be"):
        level(number)
