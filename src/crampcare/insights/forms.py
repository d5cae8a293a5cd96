from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crampcare.insights.models import STRATEGY_MAX_LENGTH, TestLength
from crampcare.insights.report import DEFAULT_WEEKS, WEEK_CHOICES

# Ideas offered as the person types; any other wording is fine.
STRATEGY_IDEAS = (
    _("Bedtime stretches only"),
    _("Bedtime stretches and heel raises"),
    _("Bedtime stretches and a towel calf stretch in bed"),
    _("No stretching"),
    _("Stretches before bed and after waking"),
)


class SelfTestForm(forms.Form):
    strategy_a = forms.CharField(
        label=_("First way"),
        max_length=STRATEGY_MAX_LENGTH,
        help_text=_("For example: bedtime stretches only."),
        widget=forms.TextInput(attrs={"list": "strategy-ideas", "autocomplete": "off"}),
    )
    strategy_b = forms.CharField(
        label=_("Second way"),
        max_length=STRATEGY_MAX_LENGTH,
        help_text=_("For example: bedtime stretches and heel raises."),
        widget=forms.TextInput(attrs={"list": "strategy-ideas", "autocomplete": "off"}),
    )
    weeks = forms.TypedChoiceField(
        label=_("How long"),
        choices=TestLength.choices,
        coerce=int,
        initial=TestLength.FOUR,
        help_text=_("Longer tests give a clearer answer."),
    )


def _last_weeks(count: int) -> str:
    return gettext("Last %(count)s weeks") % {"count": count}


# Worked out when shown, so the label follows the reader's language.
_weeks_label = lazy(_last_weeks, str)


class ReportForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=_("Weeks to include"),
        choices=[(weeks, _weeks_label(weeks)) for weeks in WEEK_CHOICES],
        coerce=int,
        initial=DEFAULT_WEEKS,
    )
