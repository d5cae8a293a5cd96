from datetime import timedelta

import pytest

from crampcare.core.stats import (
    MIN_TRIGGER_NIGHTS,
    NEW_MEDICINE_WINDOW_NIGHTS,
    Factor,
    NightRecord,
    factors_not_shown,
    possible_triggers,
    rate_ratio,
)
from crampcare.core.tests.builders import START, night_series


def _alternating(exposed_cramps: int, other_cramps: int, pairs: int, factor: str):
    """Pairs of nights: one after an exposed day, one after an ordinary day."""
    return night_series(
        [exposed_cramps, other_cramps] * pairs,
        exposures=[[factor], []] * pairs,
    )


def test_it_compares_nights_after_exposed_days_with_other_nights() -> None:
    nights = _alternating(3, 1, 12, "alcohol")
    [result] = possible_triggers(nights, ["alcohol"])
    assert result.factor is Factor.ALCOHOL
    assert (result.exposed_nights, result.exposed_cramps) == (12, 36)
    assert (result.other_nights, result.other_cramps) == (12, 12)
    assert (result.exposed_rate, result.other_rate) == (3.0, 1.0)
    assert result.rate_ratio == rate_ratio(12, 12, 36, 12)
    assert result.rate_ratio.ratio == pytest.approx(3.0)
    assert result.ci_excludes_one
    assert "3.00 times as common" in result.message.render()
    assert "does not include 'no difference'" in result.message.render()


def test_it_applies_a_days_exposure_to_that_same_nights_cramps() -> None:
    # Exposure on day D and cramps on the night of D are in the same record, so a shifted
    # pattern (cramps the night after the exposed night) shows no link.
    shifted = night_series([1, 3] * 12, exposures=[["alcohol"], []] * 12)
    [result] = possible_triggers(shifted, ["alcohol"])
    assert result.rate_ratio.ratio == pytest.approx(1 / 3)


def test_it_hides_a_factor_until_both_groups_reach_the_minimum() -> None:
    below = night_series(
        [2] * (MIN_TRIGGER_NIGHTS - 1) + [1] * 30,
        exposures=[["long_sitting"]] * (MIN_TRIGGER_NIGHTS - 1) + [[]] * 30,
    )
    assert possible_triggers(below, ["long_sitting"]) == []
    [hidden] = factors_not_shown(below, ["long_sitting"])
    assert (hidden.exposed_nights, hidden.other_nights) == (MIN_TRIGGER_NIGHTS - 1, 30)
    assert "at least 10 nights with it" in hidden.message.render()

    at = night_series(
        [2] * MIN_TRIGGER_NIGHTS + [1] * 30,
        exposures=[["long_sitting"]] * MIN_TRIGGER_NIGHTS + [[]] * 30,
    )
    assert [r.factor for r in possible_triggers(at, ["long_sitting"])] == ["long_sitting"]
    assert factors_not_shown(at, ["long_sitting"]) == []


def test_it_hides_a_factor_present_almost_every_night() -> None:
    nights = night_series([1] * 40, exposures=[["low_fluids"]] * 31 + [[]] * 9)
    assert possible_triggers(nights, ["low_fluids"]) == []


def test_it_orders_by_strength_of_evidence() -> None:
    # Alcohol: strong link; sitting: weaker; footwear: none.
    exposures = []
    cramps = []
    for i in range(60):
        day = []
        if i % 2 == 0:
            day.append("alcohol")
        if i % 3 == 0:
            day.append("long_sitting")
        if i % 4 < 2:
            day.append("unsupportive_footwear")
        exposures.append(day)
        cramps.append(1 + 2 * (i % 2 == 0) + (i % 3 == 0))
    nights = night_series(cramps, exposures=exposures)
    results = possible_triggers(nights, ["unsupportive_footwear", "long_sitting", "alcohol"])
    assert [r.factor for r in results] == ["alcohol", "long_sitting", "unsupportive_footwear"]
    p_values = [r.rate_ratio.p_value for r in results]
    assert p_values == sorted(p_values)


def test_it_breaks_exact_ties_by_the_fixed_factor_order() -> None:
    nights = night_series([3, 1] * 12, exposures=[["alcohol", "low_fluids"], []] * 12)
    results = possible_triggers(nights, ["alcohol", "low_fluids"])
    assert results[0].rate_ratio == results[1].rate_ratio
    assert [r.factor for r in results] == ["low_fluids", "alcohol"]


def test_it_adjusts_p_values_for_the_number_of_comparisons() -> None:
    nights = _alternating(3, 1, 18, "alcohol")
    for record in nights[::3]:
        nights[nights.index(record)] = NightRecord(
            record.night, record.cramps, exposures=record.exposures | {"long_sitting"}
        )
    results = possible_triggers(nights, ["alcohol", "long_sitting", "low_fluids"])
    assert len(results) == 2  # low_fluids was never present: hidden
    first, second = results
    assert first.p_adjusted == pytest.approx(min(1.0, 2 * first.rate_ratio.p_value))
    assert second.p_adjusted >= first.p_adjusted
    assert second.p_adjusted >= second.rate_ratio.p_value


def test_it_leaves_unanswered_days_out_of_both_groups() -> None:
    answered = _alternating(3, 1, 12, "alcohol")
    unanswered = [
        NightRecord(START + timedelta(days=100 + i), cramps=5, not_recorded=frozenset({"alcohol"}))
        for i in range(10)
    ]
    [result] = possible_triggers(answered + unanswered, ["alcohol"])
    assert (result.exposed_nights, result.other_nights) == (12, 12)


def test_it_counts_a_new_medicine_for_two_weeks_of_calendar_nights() -> None:
    nights = night_series([0] * 60)
    nights[10] = NightRecord(nights[10].night, 0, exposures=frozenset({"new_medicine"}))
    del nights[15]  # an unrecorded night still uses up part of the window
    [result] = possible_triggers(nights, ["new_medicine"])
    assert result.exposed_nights == NEW_MEDICINE_WINDOW_NIGHTS - 1
    assert result.other_nights == 59 - (NEW_MEDICINE_WINDOW_NIGHTS - 1)


def test_it_says_how_to_talk_about_a_medicine_without_stopping_it() -> None:
    nights = night_series([0] * 60)
    nights[10] = NightRecord(nights[10].night, 3, exposures=frozenset({"new_medicine"}))
    [result] = possible_triggers(nights, ["new_medicine"])
    assert result.note is not None
    assert "talk to the person who prescribed it" in result.note.render()
    assert set(result.note.references) == {"R10", "R11"}


def test_it_translates_the_factor_label_inside_the_sentence() -> None:
    [result] = possible_triggers(_alternating(3, 1, 12, "alcohol"), ["alcohol"])
    rendered = result.message.render(lambda text: text.replace("alcoholic", "ALCOHOLIC"))
    assert "2 or more ALCOHOLIC drinks" in rendered


def test_it_explains_when_the_interval_includes_no_difference() -> None:
    [result] = possible_triggers(_alternating(2, 2, 12, "alcohol"), ["alcohol"])
    assert not result.ci_excludes_one
    assert "may be no link" in result.message.render()


def test_it_checks_every_factor_by_default() -> None:
    hidden = factors_not_shown(night_series([1] * 20))
    assert [h.factor.value for h in hidden] == [
        "low_fluids",
        "intense_exercise",
        "exercise_in_heat",
        "long_sitting",
        "unsupportive_footwear",
        "alcohol",
        "new_medicine",
        "short_sleep",
        "high_steps",
    ]


def test_it_leaves_out_what_only_a_health_app_measures_when_none_was_imported() -> None:
    unmeasured = frozenset({"short_sleep", "high_steps"})
    nights = [
        NightRecord(
            night=r.night,
            cramps=r.cramps,
            not_recorded=unmeasured - ({"high_steps"} if i < 3 else set()),
        )
        for i, r in enumerate(night_series([1] * 20))
    ]
    hidden = [h.factor.value for h in factors_not_shown(nights)]
    assert "high_steps" in hidden  # answered on 3 nights: needs more
    assert "short_sleep" not in hidden  # never measured: not asked for


def test_it_rejects_an_unknown_factor() -> None:
    with pytest.raises(ValueError, match="unknown factor id 'coffee'"):
        possible_triggers(night_series([1] * 20), ["coffee"])
