"""The insights services: the diary read once, figures worded once, self-tests kept per person."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from crampcare.accounts.models import User
from crampcare.core.stats import (
    BEFORE_PROGRAM,
    Effect,
    NightRecord,
    NotEnoughData,
    compute_insights,
    rate_ratio,
)
from crampcare.diary import services as diary
from crampcare.insights import charts, services
from crampcare.insights.models import SelfTest
from crampcare.insights.tests.diary_builders import LAST_NIGHT, NOW, cramps_on, fill_diary
from crampcare.programs import services as programs
from crampcare.programs.models import Session

pytestmark = pytest.mark.django_db


def test_it_reads_every_recorded_night_with_its_factors(user: User) -> None:
    fill_diary(user, 20)
    records = services.records_for(user, user, LAST_NIGHT - timedelta(days=19), LAST_NIGHT)
    assert [r.night for r in records] == [LAST_NIGHT - timedelta(days=19 - i) for i in range(20)]
    assert [r.cramps for r in records] == [cramps_on(i, i % 4 == 0) for i in range(20)]
    assert "alcohol" in records[0].exposures
    assert "alcohol" not in records[1].exposures


def test_it_has_no_program_start_without_a_program(user: User) -> None:
    assert services.program_start(user, user) is None


def test_it_compares_with_the_nights_before_the_program_and_counts_sessions(
    user: User,
) -> None:
    fill_diary(user, 40)
    started = LAST_NIGHT - timedelta(days=19)
    with time_machine.travel(datetime.combine(started, time(19), UTC), tick=False):
        program = programs.create_program(user)
    for offset in range(0, 20, 2):
        Session.objects.create(
            owner=user,
            program=program,
            night=started + timedelta(days=offset),
            week=1 + offset // 7,
            completed_at=NOW,
        )
    with time_machine.travel(NOW, tick=False):
        personal = services.insights_for(user, user)
    assert personal.program_start == started
    effect = personal.effect
    assert isinstance(effect, Effect)
    assert effect.baseline.label == BEFORE_PROGRAM
    assert (effect.baseline.first_night, effect.baseline.last_night) == (
        LAST_NIGHT - timedelta(days=39),
        started - timedelta(days=1),
    )
    assert sum(r.program_done for r in personal.records) == 10
    assert charts.adherence_summary(personal.records, started) == (
        "You did the program on 10 of 20 recorded nights since it started."
    )


def test_it_computes_insights_over_the_whole_diary(user: User) -> None:
    fill_diary(user, 30)
    with time_machine.travel(NOW, tick=False):
        personal = services.insights_for(user, user)
    assert personal.recorded_nights == 30
    assert personal.first_night == LAST_NIGHT - timedelta(days=29)
    assert personal.as_of == LAST_NIGHT + timedelta(days=1)
    assert isinstance(personal.effect, Effect)
    # The first week: 3 cramps a night plus one on alcohol nights 0 and 4.
    assert personal.effect.baseline.cramps == 7 * 3 + 2


def test_it_says_how_many_more_nights_are_needed(user: User) -> None:
    fill_diary(user, 9)
    with time_machine.travel(NOW, tick=False):
        view = services.effect_view(services.insights_for(user, user).effect)
    assert not view.ready
    assert view.needed_more_nights == 5
    assert view.group_nights == (7, 2)
    assert view.headline.text.startswith("Not enough nights recorded yet. Record 5 more nights")


def test_it_words_the_figures_the_same_way_everywhere() -> None:
    records = [
        NightRecord(date(2025, 1, 1) + timedelta(days=i), 3 if i < 7 else 1) for i in range(21)
    ]
    effect = compute_insights(records).effect
    assert isinstance(effect, Effect)
    figures = services.effect_figures(effect)
    expected = rate_ratio(21, 7, 14, 14)
    assert figures.rate_ratio == f"{expected.ratio:.2f}"
    assert figures.rate_ratio_interval == f"{expected.low:.2f} to {expected.high:.2f}"
    assert (figures.baseline_rate, figures.latest_rate) == ("3.0", "1.0")
    assert services.rate_ratio_summary(expected) == (
        f"{expected.ratio:.2f} (95% CI {expected.low:.2f} to {expected.high:.2f})"
    )


def test_it_shows_an_unbounded_interval_and_an_undefined_ratio() -> None:
    assert services.ratio_text(float("inf")) == "∞"
    assert services.ratio_text(None) == "–"
    assert services.interval_text(0.5, float("inf")) == "0.50 to ∞"


def test_it_lists_cited_sources_once_in_number_order() -> None:
    said = [services.Said("a", ("R14", "R2")), services.Said("b", ("R2", "R1")), None]
    assert services.references_of(said) == ["R1", "R2", "R14"]


# -- self-tests -------------------------------------------------------------------------------


def test_it_plans_a_self_test_from_tonight_with_a_stored_seed(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        test = services.start_self_test(user, " Stretches only ", "Stretches and heel raises", 4)
    assert test.start == diary.today(user, NOW)
    assert test.strategies == ("Stretches only", "Stretches and heel raises")
    assert len(test.schedule) == 4
    # The schedule is rebuilt from the stored seed: the same every time it is read.
    assert SelfTest.objects.for_user(user).get().schedule == test.schedule
    assert sorted(test.schedule[:2]) == sorted(test.strategies)


@pytest.mark.parametrize(
    ("first", "second", "weeks", "field"),
    [
        ("", "Heel raises", 4, "strategy_a"),
        ("Heel raises", "  ", 4, "strategy_b"),
        ("Heel raises", "heel RAISES", 4, "strategy_b"),
        ("x" * 61, "Heel raises", 4, "strategy_a"),
        ("Stretches", "Heel raises", 5, "weeks"),
    ],
)
def test_it_refuses_a_bad_plan_and_saves_nothing(
    user: User, first: str, second: str, weeks: int, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.start_self_test(user, first, second, weeks)
    assert field in caught.value.message_dict
    assert not SelfTest.objects.for_user(user).exists()


def test_it_runs_one_self_test_at_a_time(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        services.start_self_test(user, "A", "B", 4)
        with pytest.raises(ValidationError, match="already have a test running"):
            services.start_self_test(user, "C", "D", 4)
    assert SelfTest.objects.for_user(user).count() == 1


def test_it_shows_tonights_way_and_the_current_week(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        test = services.start_self_test(user, "A", "B", 4)
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        view = services.self_test_view(user, user, test)
    assert not view.over
    assert view.tonight_strategy == test.schedule[1]
    assert [w.is_current for w in view.weeks] == [False, True, False, False]
    assert view.result is None


def test_it_analyses_the_test_once_it_is_over(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        test = services.start_self_test(user, "A", "B", 4)
    for offset in range(28):
        night = test.start + timedelta(days=offset)
        diary.record_checkin(user, night, cramp_count=3 if test.strategy_on(night) == "A" else 1)
    with time_machine.travel(NOW + timedelta(days=29), tick=False):
        view = services.self_test_view(user, user, test)
    assert view.over
    assert view.outcome is not None
    assert view.outcome.ready
    assert view.outcome.rates == [("A", "3.0", 14), ("B", "1.0", 14)]
    expected = rate_ratio(42, 14, 14, 14)
    assert view.outcome.ratio == services.rate_ratio_summary(expected)
    assert view.outcome.headline.text.startswith("With B you had fewer cramps a night than with A")


def test_it_analyses_a_stopped_test_up_to_the_night_before(user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        test = services.start_self_test(user, "A", "B", 4)
        diary.record_checkin(user, test.start - timedelta(days=1), cramp_count=2)
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        stopped = services.stop_self_test(user, test.pk)
        view = services.self_test_view(user, user, stopped)
    assert stopped.stopped_on == test.start + timedelta(days=3)
    assert view.over
    assert view.tonight_strategy is None
    assert isinstance(view.result, NotEnoughData)
    assert services.current_self_test(user, user) is None


def test_it_never_reaches_someone_elses_self_test(user: User, other_user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        test = services.start_self_test(user, "A", "B", 4)
    with pytest.raises(Http404):
        services.stop_self_test(other_user, test.pk)
    with pytest.raises(Http404):
        services.delete_self_test(other_user, test.pk)
    assert SelfTest.objects.for_user(user).get().stopped_on is None
