"""Insights over the JSON API: the same figures as the insights page, and the doctor's report."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.core.stats import Effect, Period, RateRatio
from crampcare.core.stats import messages as m
from crampcare.core.stats.rates import Difference
from crampcare.insights import charts, report, services
from crampcare.insights.views import pdf_response

router = Router(tags=["insights"], auth=session_or_token)


class TextOut(Schema):
    text: str
    references: list[str]


class PeriodOut(Schema):
    label: str
    first_night: date
    last_night: date
    nights: int
    cramps: int
    cramps_per_night: float
    mean_severity: float | None
    rated_nights: int


class RateRatioOut(Schema):
    ratio: float | None = Field(
        description="Rate of the second group relative to the first; null when neither had "
        "cramps, or when the first had none (see `unbounded`)."
    )
    unbounded: bool = Field(description="True when the first group had no cramps: no ceiling.")
    low: float
    high: float | None = Field(description="Upper 95% bound; null when there is no upper limit.")
    p_value: float
    text: str = Field(description="As the page shows it, e.g. '0.43 (95% CI 0.25 to 0.72)'.")


class DifferenceOut(Schema):
    diff: float
    low: float
    high: float
    text: str


class EffectFiguresOut(Schema):
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


class ProtocolOut(Schema):
    nights: int = Field(description="Recorded nights in the latest period.")
    protocol_nights: int = Field(
        description="Of those, nights with a finished bedtime calf and hamstring stretch."
    )
    follows: bool = Field(description="True when enough nights followed the trial's protocol.")


class EffectOut(Schema):
    ready: bool = Field(description="False until both periods have enough recorded nights.")
    plain: TextOut = Field(description="The change in plain words: the page's first line.")
    advice: TextOut | None = Field(
        description="Advice to see a doctor when cramps look to be increasing; else null."
    )
    headline: TextOut
    details: list[TextOut]
    needed_more_nights: int
    group_nights: list[int]
    min_nights: int
    verdict: str | None
    severity_verdict: str | None
    baseline: PeriodOut | None
    latest: PeriodOut | None
    rate_ratio: RateRatioOut | None
    percent_change: float | None
    severity_change: DifferenceOut | None
    figures: EffectFiguresOut | None
    caveat: TextOut
    trial_context: TextOut
    trial_compared: bool = Field(
        description="True when the page sets the person's figures beside the trial's (they "
        "follow its protocol); `trial_context` is then shown."
    )
    trial_note: TextOut | None = Field(description="Why the trial is not compared, if it is not.")
    protocol: ProtocolOut | None


class TriggerOut(Schema):
    factor: str
    label: str
    text: TextOut
    rate_ratio: RateRatioOut
    exposed_nights: int
    exposed_cramps: int
    other_nights: int
    other_cramps: int
    p_adjusted: float = Field(description="Holm-adjusted over the factors shown.")
    note: TextOut | None


class HiddenFactorOut(Schema):
    factor: str
    label: str
    exposed_nights: int
    other_nights: int
    text: str


class InsightsWeekOut(Schema):
    start: date
    nights: int
    cramps: int
    cramps_per_night: float | None
    mean_severity: float | None
    adherence_pct: float | None


class SummaryOut(Schema):
    as_of: date
    recorded_nights: int
    first_night: date | None
    last_night: date | None
    program_start: date | None
    frequency_title: str
    severity_title: str
    effect: EffectOut
    triggers: list[TriggerOut]
    triggers_warning: TextOut
    hidden_factors: list[HiddenFactorOut]
    weeks: list[InsightsWeekOut]


class ReportQuery(Schema):
    weeks: int = Field(
        report.DEFAULT_WEEKS,
        ge=min(report.WEEK_CHOICES),
        le=max(report.WEEK_CHOICES),
        description="How many weeks, counting back from the latest night (4 to 12).",
    )


def _text(said: services.Said) -> dict[str, Any]:
    return {"text": said.text, "references": list(said.references)}


def _ratio(ratio: RateRatio) -> dict[str, Any]:
    unbounded = math.isinf(ratio.high)
    return {
        "ratio": None if ratio.ratio is None or math.isinf(ratio.ratio) else ratio.ratio,
        "unbounded": unbounded,
        "low": ratio.low,
        "high": None if unbounded else ratio.high,
        "p_value": ratio.p_value,
        "text": services.rate_ratio_summary(ratio),
    }


def _difference(change: Difference | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "diff": change.diff,
        "low": change.low,
        "high": change.high,
        "text": services.difference_summary(change),
    }


def _period(period: Period) -> dict[str, Any]:
    return {name: getattr(period, name) for name in PeriodOut.model_fields}


def summary_payload(personal: services.PersonalInsights) -> dict[str, Any]:
    """The insights page's figures as JSON-ready data."""
    effect = personal.effect
    view = services.personal_effect_view(personal)
    computed = effect if isinstance(effect, Effect) else None
    insights = personal.insights
    return {
        "as_of": personal.as_of,
        "recorded_nights": personal.recorded_nights,
        "first_night": personal.first_night,
        "last_night": personal.last_night,
        "program_start": personal.program_start,
        "frequency_title": charts.frequency_title(effect, personal.records),
        "severity_title": charts.severity_title(effect, personal.records),
        "effect": {
            "ready": view.ready,
            "plain": _text(view.plain),
            "advice": _text(view.advice) if view.advice else None,
            "headline": _text(view.headline),
            "details": [_text(detail) for detail in view.details],
            "needed_more_nights": view.needed_more_nights,
            "group_nights": list(view.group_nights),
            "min_nights": view.min_nights,
            "verdict": computed.verdict.value if computed else None,
            "severity_verdict": computed.severity_verdict.value if computed else None,
            "baseline": _period(computed.baseline) if computed else None,
            "latest": _period(computed.latest) if computed else None,
            "rate_ratio": _ratio(computed.rate_ratio) if computed else None,
            "percent_change": computed.percent_change if computed else None,
            "severity_change": _difference(computed.severity_change) if computed else None,
            "figures": view.figures,
            "caveat": _text(view.caveat),
            "trial_context": _text(services.say(m.TRIAL_CONTEXT)),
            "trial_compared": view.trial is not None,
            "trial_note": _text(view.trial_note) if view.trial_note else None,
            "protocol": personal.protocol,
        },
        "triggers": [
            {
                "factor": str(result.factor),
                "label": shown.label,
                "text": _text(shown.text),
                "rate_ratio": _ratio(result.rate_ratio),
                "exposed_nights": result.exposed_nights,
                "exposed_cramps": result.exposed_cramps,
                "other_nights": result.other_nights,
                "other_cramps": result.other_cramps,
                "p_adjusted": result.p_adjusted,
                "note": _text(shown.note) if shown.note else None,
            }
            for result, shown in zip(
                insights.triggers, services.trigger_views(insights), strict=True
            )
        ],
        "triggers_warning": _text(services.say(insights.triggers_warning)),
        "hidden_factors": [
            {
                "factor": str(hidden.factor),
                "label": services.say_label(hidden.label),
                "exposed_nights": hidden.exposed_nights,
                "other_nights": hidden.other_nights,
                "text": text.text,
            }
            for hidden, text in zip(
                insights.hidden_factors, services.hidden_factor_texts(insights), strict=True
            )
        ],
        "weeks": insights.weeks,
    }


@router.get("/summary", response=SummaryOut, summary="Your insights: the figures on the page")
def insights_summary(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return summary_payload(services.insights_for(request.user, request.user))


@router.get(
    "/report.pdf",
    summary="The doctor's report as a PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def insights_report_pdf(
    request: AuthenticatedHttpRequest, query: Query[ReportQuery]
) -> HttpResponse:
    return pdf_response(report.doctor_report(request.user, request.user, query.weeks))
