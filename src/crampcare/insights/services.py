"""Insights for one person: the diary read once, the statistics run once, the figures said once.

The insights page, the JSON API and the doctor's report all call :func:`insights_for`, so they
show the same numbers. Reading is a fixed number of queries whatever the diary's size:
``insights.nights.nights_for`` (one query per table, program sessions included) and one for the
program's start.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crampcare.accounts.models import User
from crampcare.accounts.ownership import get_owned_or_404, get_read_or_404
from crampcare.core.stats import (
    FIRST_WEEK,
    MIN_NIGHTS,
    Effect,
    Insights,
    NightRecord,
    NOf1Result,
    NotEnoughData,
    RateRatio,
    analyse_n_of_1,
    compute_insights,
)
from crampcare.core.stats import messages as m
from crampcare.core.stats.plain import clustered, increase_advice, plain_change
from crampcare.core.stats.protocol import (
    PROTOCOL_NIGHTS_PER_WEEK,
    ProtocolCheck,
    is_protocol_session,
    trial_protocol,
)
from crampcare.core.stats.rates import Difference
from crampcare.core.stats.triggers import CLINICIAN_FACTOR_LABELS
from crampcare.diary import services as diary
from crampcare.insights.imports import SEED_LIMIT
from crampcare.insights.imports import check_imported_self_test as check_imported_self_test
from crampcare.insights.imports import import_self_tests as import_self_tests
from crampcare.insights.models import STRATEGY_MAX_LENGTH, SelfTest, TestLength
from crampcare.insights.nights import nights_for
from crampcare.programs.models import Program, Session

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

# Earlier than any diary entry: "the whole diary" without a query to find where it starts.
EARLIEST_NIGHT = date(1900, 1, 1)


# -- reading the diary ------------------------------------------------------------------------


def program_start(actor: AnyUser, subject: User) -> date | None:
    """The first night of the program of ``subject`` (as ``actor`` reads it), or None without
    one. One query.

    (Which nights had a finished session comes with ``insights.nights.nights_for``.) When
    someone has no program, the statistics compare against their first recorded week instead.
    """
    return Program.objects.for_reader(actor, subject).values_list("started_on", flat=True).first()


def records_for(actor: AnyUser, subject: User, start: date, end: date) -> list[NightRecord]:
    """The recorded nights from ``start`` to ``end``, oldest first, with program sessions marked."""
    return nights_for(actor, subject, start, end)


@dataclass(frozen=True, slots=True)
class PersonalInsights:
    """One person's insights over their whole diary, as of ``as_of`` (the latest night begun)."""

    insights: Insights
    records: tuple[NightRecord, ...]
    program_start: date | None
    as_of: date
    protocol: ProtocolCheck | None = None
    """Whether the latest period followed the trial's protocol; None without a program or
    before there is a comparison."""

    @property
    def recorded_nights(self) -> int:
        return len(self.records)

    @property
    def first_night(self) -> date | None:
        return self.records[0].night if self.records else None

    @property
    def last_night(self) -> date | None:
        return self.records[-1].night if self.records else None

    @property
    def effect(self) -> Effect | NotEnoughData:
        return self.insights.effect

    @property
    def figures(self) -> EffectFigures | None:
        effect = self.insights.effect
        return effect_figures(effect) if isinstance(effect, Effect) else None


def insights_for(actor: AnyUser, subject: User, now: datetime | None = None) -> PersonalInsights:
    """The insights of ``subject`` over their whole diary, as ``actor`` reads them (every read
    goes through ``ownership.for_reader``)."""
    as_of = diary.current_night(subject, now)
    records = records_for(actor, subject, EARLIEST_NIGHT, as_of)
    started = program_start(actor, subject)
    insights = compute_insights(records, started)
    protocol = None
    if started is not None and isinstance(insights.effect, Effect):
        protocol = protocol_check(actor, subject, records, insights.effect)
    return PersonalInsights(
        insights=insights,
        records=tuple(records),
        program_start=started,
        as_of=as_of,
        protocol=protocol,
    )


def protocol_check(
    actor: AnyUser, subject: User, records: Iterable[NightRecord], effect: Effect
) -> ProtocolCheck:
    """The trial-protocol rule (``stats.protocol``) over the latest period. One query, over that
    period's finished sessions only (at most a few weeks of rows)."""
    first, last = effect.latest.first_night, effect.latest.last_night
    sessions = (
        Session.objects.for_reader(actor, subject)
        .filter(night__range=(first, last), completed_at__isnull=False)
        .values_list("night", "items")
    )
    done = {night for night, items in sessions if is_protocol_session(items or [])}
    period_nights = [r.night for r in records if first <= r.night <= last]
    return trial_protocol(period_nights, done)


# -- the figures, worded once -----------------------------------------------------------------


def ratio_text(value: float | None) -> str:
    """A rate ratio as shown everywhere: two decimals, "∞" when the baseline had no cramps."""
    if value is None:
        return "–"
    return "∞" if math.isinf(value) else m.number(value, 2)


def interval_text(low: float, high: float, places: int = 2) -> str:
    """A 95% interval in words, e.g. "0.25 to 0.72"."""
    high_text = "∞" if math.isinf(high) else m.number(high, places)
    return _("%(low)s to %(high)s") % {"low": m.number(low, places), "high": high_text}


@dataclass(frozen=True, slots=True)
class EffectFigures:
    """The numbers behind "Is the program working for me?", as the page, API and PDF show them."""

    baseline_rate: str
    latest_rate: str
    baseline_nights: int
    latest_nights: int
    rate_ratio: str
    rate_ratio_interval: str
    percent_change: str | None
    severity_baseline: str | None
    severity_latest: str | None
    severity_change: str | None
    severity_interval: str | None


def effect_figures(effect: Effect) -> EffectFigures:
    ratio = effect.rate_ratio
    change = effect.severity_change
    return EffectFigures(
        baseline_rate=m.number(effect.baseline.cramps_per_night),
        latest_rate=m.number(effect.latest.cramps_per_night),
        baseline_nights=effect.baseline.nights,
        latest_nights=effect.latest.nights,
        rate_ratio=ratio_text(ratio.ratio),
        rate_ratio_interval=interval_text(ratio.low, ratio.high),
        percent_change=None if effect.percent_change is None else m.percent(effect.percent_change),
        severity_baseline=_maybe_number(effect.baseline.mean_severity),
        severity_latest=_maybe_number(effect.latest.mean_severity),
        severity_change=None if change is None else m.number(change.diff),
        severity_interval=None if change is None else interval_text(change.low, change.high, 1),
    )


def _maybe_number(value: float | None) -> str | None:
    return None if value is None else m.number(value)


def rate_ratio_summary(ratio: RateRatio) -> str:
    """e.g. "0.43 (95% CI 0.25 to 0.72)": the compact form for tables and the report."""
    return _("%(ratio)s (95%% CI %(interval)s)") % {
        "ratio": ratio_text(ratio.ratio),
        "interval": interval_text(ratio.low, ratio.high),
    }


def difference_summary(change: Difference) -> str:
    return _("%(diff)s (95%% CI %(interval)s)") % {
        "diff": m.number(change.diff),
        "interval": interval_text(change.low, change.high, 1),
    }


# -- the insights in words --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Said:
    """A message rendered in the reader's language, with the sources behind it."""

    text: str
    references: tuple[str, ...] = ()


def say(message: m.Message) -> Said:
    return Said(message.render(_, ngettext), message.references)


@dataclass(frozen=True, slots=True)
class EffectView:
    """ "Have my cramps changed?" ready to show: the answer in plain words first, then (folded
    away on the page) the statistics. ``trial`` is the trial's average, shown only to someone who
    follows its protocol; otherwise ``trial_note`` says why it is not shown."""

    ready: bool
    plain: Said
    advice: Said | None
    headline: Said
    details: list[Said]
    figures: EffectFigures | None
    baseline_label: str
    needed_more_nights: int
    group_nights: tuple[int, int]
    min_nights: int
    caveat: Said
    trial: Said | None
    trial_note: Said | None
    protocol: ProtocolCheck | None = None


def _trial_texts(
    effect: Effect | NotEnoughData, protocol: ProtocolCheck | None, program: bool
) -> tuple[Said | None, Said | None]:
    """The trial's figures for someone who follows its protocol; else a line saying why not."""
    if protocol is not None and protocol.follows:
        return say(m.TRIAL_CONTEXT), None
    if protocol is not None:
        return None, say(
            m.message(
                m.TRIAL_NOT_COMPARED,
                "R1",
                per_week=str(PROTOCOL_NIGHTS_PER_WEEK),
                done=str(protocol.protocol_nights),
                nights=str(protocol.nights),
            )
        )
    if not program:
        return None, say(m.TRIAL_NO_PROGRAM)
    return None, None


def effect_view(
    effect: Effect | NotEnoughData,
    protocol: ProtocolCheck | None = None,
    *,
    program: bool = False,
) -> EffectView:
    """``protocol`` comes from :func:`protocol_check`; ``program`` says whether the person has a
    program at all (to invite them to start one rather than explain the protocol rule)."""
    caveat = say(m.CAVEAT)
    trial, trial_note = _trial_texts(effect, protocol, program)
    if isinstance(effect, NotEnoughData):
        not_yet = say(effect.message)
        return EffectView(
            ready=False,
            plain=not_yet,
            advice=None,
            headline=not_yet,
            details=[],
            figures=None,
            baseline_label="",
            needed_more_nights=effect.needed_more_nights,
            group_nights=effect.group_nights,
            min_nights=effect.min_nights,
            caveat=caveat,
            trial=trial,
            trial_note=trial_note,
            protocol=protocol,
        )
    details = [say(effect.rates_message)]
    if effect.change_message is not None:
        details.append(say(effect.change_message))
    widened = clustered(effect)
    if widened is not None:
        details.append(say(widened))
    details.append(say(effect.severity_message))
    advice = increase_advice(effect)
    return EffectView(
        ready=True,
        plain=say(plain_change(effect)),
        advice=None if advice is None else say(advice),
        headline=say(effect.verdict_message),
        details=details,
        figures=effect_figures(effect),
        baseline_label=(
            _("Your first week") if effect.baseline.label == FIRST_WEEK else _("Before the program")
        ),
        needed_more_nights=0,
        group_nights=(effect.baseline.nights, effect.latest.nights),
        min_nights=MIN_NIGHTS,
        caveat=caveat,
        trial=trial,
        trial_note=trial_note,
        protocol=protocol,
    )


def personal_effect_view(personal: PersonalInsights) -> EffectView:
    """:func:`effect_view` for one person: what the page, the API and the report show."""
    return effect_view(
        personal.effect, personal.protocol, program=personal.program_start is not None
    )


@dataclass(frozen=True, slots=True)
class TriggerView:
    factor: str
    label: str
    text: Said
    figure: str
    exposed_nights: int
    exposed_rate: str
    other_nights: int
    other_rate: str
    clear: bool
    note: Said | None


def say_label(label: str) -> str:
    """A factor's label (marked for translation in the statistics) in the reader's language."""
    return _(label)


def trigger_views(insights: Insights, *, clinician: bool = False) -> list[TriggerView]:
    """The triggers ready to show; ``clinician`` words the factors for the doctor's report
    ("days the patient sat ...")."""
    return [
        TriggerView(
            factor=str(t.factor),
            label=say_label(CLINICIAN_FACTOR_LABELS[t.factor] if clinician else t.label),
            text=say(_relabelled(t.message, CLINICIAN_FACTOR_LABELS[t.factor]))
            if clinician
            else say(t.message),
            figure=rate_ratio_summary(t.rate_ratio),
            exposed_nights=t.exposed_nights,
            exposed_rate=m.number(t.exposed_rate),
            other_nights=t.other_nights,
            other_rate=m.number(t.other_rate),
            clear=t.ci_excludes_one,
            note=None if t.note is None else say(t.note),
        )
        for t in insights.triggers
    ]


def _relabelled(message: m.Message, label: str) -> m.Message:
    """The same sentence with its factor label swapped."""
    params = tuple((name, label if name == "label" else value) for name, value in message.params)
    return replace(message, params=params)


def hidden_factor_texts(insights: Insights, *, clinician: bool = False) -> list[Said]:
    return [
        say(_relabelled(hidden.message, CLINICIAN_FACTOR_LABELS[hidden.factor]))
        if clinician
        else say(hidden.message)
        for hidden in insights.hidden_factors
    ]


def references_of(*groups: Iterable[Said | None]) -> list[str]:
    """Every source cited by the given texts, once each, in R-number order."""
    ids = {ref for group in groups for said in group if said for ref in said.references}
    return sorted(ids, key=lambda ref: int(ref.removeprefix("R")))


# -- test it for yourself ---------------------------------------------------------------------


def current_self_test(actor: AnyUser, subject: User, night: date | None = None) -> SelfTest | None:
    """The running self-test (planned or under way) of ``subject``, as ``actor`` reads it, if
    any. One query."""
    night = night or diary.current_night(subject)
    latest = SelfTest.objects.for_reader(actor, subject).first()
    if latest is None or latest.is_over(night):
        return None
    return latest


def self_tests(actor: AnyUser, subject: User) -> list[SelfTest]:
    """Every self-test of ``subject``, as ``actor`` reads them."""
    return list(SelfTest.objects.for_reader(actor, subject))


def start_self_test(user: User, strategy_a: str, strategy_b: str, weeks: int) -> SelfTest:
    """Plan a test starting tonight, with a new random order of one-week blocks."""
    first, second = strategy_a.strip(), strategy_b.strip()
    errors: dict[str, str] = {}
    if not first:
        errors["strategy_a"] = _("Say what the first way is.")
    if not second:
        errors["strategy_b"] = _("Say what the second way is.")
    elif first.casefold() == second.casefold():
        errors["strategy_b"] = _("Choose two different ways to compare.")
    for field, value in (("strategy_a", first), ("strategy_b", second)):
        if len(value) > STRATEGY_MAX_LENGTH and field not in errors:
            errors[field] = _("Keep it to %(count)s characters or fewer.") % {
                "count": STRATEGY_MAX_LENGTH
            }
    if weeks not in TestLength.values:
        errors["weeks"] = _("Choose 4, 6 or 8 weeks.")
    if errors:
        raise ValidationError(errors)
    tonight = diary.today(user)
    with transaction.atomic():
        if current_self_test(user, user, diary.current_night(user)) is not None:
            raise ValidationError(_("You already have a test running. Stop it first."))
        test = SelfTest(
            owner=user,
            strategy_a=first,
            strategy_b=second,
            weeks=weeks,
            # A fresh seed per test: the order must not be guessable or the same for everyone.
            seed=secrets.randbelow(SEED_LIMIT),
            start=tonight,
        )
        test.full_clean()
        test.save()
    return test


def get_self_test(actor: AnyUser, subject: User, test_id: int) -> SelfTest:
    """One self-test of ``subject`` as ``actor`` reads it, or 404 (someone else's or missing)."""
    return get_read_or_404(SelfTest, actor, subject, pk=test_id)


def stop_self_test(user: User, test_id: int) -> SelfTest:
    test = get_owned_or_404(SelfTest, user, pk=test_id)
    if test.stopped_on is None:
        test.stopped_on = diary.today(user)
        test.save(update_fields=["stopped_on"])
    return test


def delete_self_test(user: User, test_id: int) -> None:
    get_owned_or_404(SelfTest, user, pk=test_id).delete()


@dataclass(frozen=True, slots=True)
class SelfTestWeek:
    number: int
    first_night: date
    last_night: date
    strategy: str
    recorded_nights: int
    is_current: bool


@dataclass(frozen=True, slots=True)
class SelfTestOutcome:
    """The analysis in words: the verdict first, each way's rate, the ratio (B relative to A)."""

    ready: bool
    headline: Said
    details: list[Said]
    rates: list[tuple[str, str, int]]
    ratio: str | None
    caveat: Said | None


def self_test_outcome(result: NOf1Result | NotEnoughData) -> SelfTestOutcome:
    if isinstance(result, NotEnoughData):
        return SelfTestOutcome(
            ready=False, headline=say(result.message), details=[], rates=[], ratio=None, caveat=None
        )
    return SelfTestOutcome(
        ready=True,
        headline=say(result.verdict_message),
        details=[say(result.severity_message)],
        rates=[
            (period.label, m.number(period.cramps_per_night), period.nights)
            for period in (result.a, result.b)
        ],
        ratio=rate_ratio_summary(result.rate_ratio),
        caveat=say(result.caveat),
    )


@dataclass(frozen=True, slots=True)
class SelfTestView:
    """A self-test with its schedule, how far along it is, and (once over) the analysis."""

    test: SelfTest
    weeks: list[SelfTestWeek]
    tonight_strategy: str | None
    over: bool
    result: NOf1Result | NotEnoughData | None
    outcome: SelfTestOutcome | None


def self_test_view(
    actor: AnyUser, subject: User, test: SelfTest, now: datetime | None = None
) -> SelfTestView:
    """Everything the self-test page shows: four queries (the diary's three and sessions)."""
    tonight = diary.today(subject, now)
    night = diary.current_night(subject, now)
    records = records_for(actor, subject, test.start, test.last_night)
    counted = [r for r in records if r.night <= test.analysis_end]
    per_week: dict[int, int] = {}
    for record in counted:
        week = test.week_index(record.night)
        if week is not None:
            per_week[week] = per_week.get(week, 0) + 1
    weeks = [
        SelfTestWeek(
            number=index + 1,
            first_night=test.start + timedelta(days=7 * index),
            last_night=test.start + timedelta(days=7 * index + 6),
            strategy=strategy,
            recorded_nights=per_week.get(index, 0),
            is_current=test.week_index(tonight) == index and not test.is_over(night),
        )
        for index, strategy in enumerate(test.schedule)
    ]
    over = test.is_over(night)
    result = (
        analyse_n_of_1(counted, test.schedule, test.start, strategies=test.strategies)
        if over
        else None
    )
    return SelfTestView(
        test=test,
        weeks=weeks,
        tonight_strategy=None if over else test.strategy_on(tonight),
        over=over,
        result=result,
        outcome=None if result is None else self_test_outcome(result),
    )
