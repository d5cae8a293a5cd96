"""The small-number rules on their own: counts under ten hidden, and then as many more as it
takes so that no hidden count can be worked out from a total that is shown."""

from __future__ import annotations

import pytest

from crampcare.care.suppression import SMALLEST_GROUP, hide_small, shown_count


def test_it_shows_counts_of_ten_and_more() -> None:
    assert hide_small([10, 25, 11]) == [10, 25, 11]


def test_it_hides_nine_and_zero() -> None:
    assert shown_count(9) is None
    assert shown_count(0) is None
    assert shown_count(SMALLEST_GROUP) == SMALLEST_GROUP


def test_one_hidden_count_takes_the_smallest_shown_one_with_it() -> None:
    # 12 + 3 + 10 = 25 shown as a total: hiding only the 3 would give it back.
    assert hide_small([12, 3, 10]) == [12, None, None]


def test_hidden_counts_that_already_hold_ten_people_are_enough() -> None:
    assert hide_small([6, 5, 40]) == [None, None, 40]


def test_zeros_take_a_shown_count_with_them() -> None:
    """Hiding two zeros alone would still say "nobody" by subtraction."""
    assert hide_small([0, 0, 15, 20]) == [None, None, None, 20]


@pytest.mark.parametrize("counts", [[3, 4], [9], [0, 0, 0], [5, 2, 1]])
def test_a_small_total_hides_everything(counts: list[int]) -> None:
    assert hide_small(counts) == [None] * len(counts)


def test_ties_hide_the_first_of_equal_counts() -> None:
    assert hide_small([2, 15, 15]) == [None, None, 15]
