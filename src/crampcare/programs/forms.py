from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crampcare.programs import reminders
from crampcare.programs.models import REMINDER_MAX_MINUTES, SCORE_MAX

REMINDER_CHOICES = [
    (0, _("At bedtime")),
    (5, _("5 minutes before")),
    (10, _("10 minutes before")),
    (15, _("15 minutes before")),
    (30, _("30 minutes before")),
    (45, _("45 minutes before")),
    (60, _("1 hour before")),
    (90, _("1½ hours before")),
    (120, _("2 hours before")),
]
SCORE_CHOICES = [(n, str(n)) for n in range(SCORE_MAX + 1)]
# "About you" checkboxes -> the assessment's condition ids.
CONDITION_FIELDS = (
    "balance_problems",
    "limited_mobility",
    "hip_replacement",
    "knee_replacement",
    "knee_pain",
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class PreferencesMixin(forms.Form):
    bedtime = forms.TimeField(
        label=_("When do you usually go to bed?"),
        help_text=_("Your stretches are just before you go to sleep."),
        initial=time(22, 0),
        widget=TimeInput(),
    )
    prefers_in_bed = forms.BooleanField(
        label=_("I would rather do my stretches in bed or sitting down"),
        required=False,
    )
    cleared_for_hip_rotation = forms.BooleanField(
        label=_("After a hip replacement: my surgeon says hip-turning stretches are fine"),
        help_text=_("Leave this unticked if you are not sure."),
        required=False,
    )


class StartForm(PreferencesMixin):
    """Preferences only: the rest of the profile comes from the person's assessment."""


class AboutYouForm(PreferencesMixin):
    """A short stand-in for the assessment, asking only what tailors the plan."""

    age = forms.IntegerField(
        label=_("How old are you?"),
        help_text=_("Optional. It helps choose the gentlest versions when that matters."),
        min_value=18,
        max_value=120,
        required=False,
        error_messages={
            "min_value": _(
                "This plan is made for adults, 18 and over. For a child’s cramps, talk to "
                "their doctor."
            ),
            "max_value": _("Please check the age: it is more than 120."),
            "invalid": _("Please give your age in whole years, like 67."),
        },
    )
    pregnant = forms.BooleanField(label=_("I am pregnant"), required=False)
    pregnancy_weeks = forms.IntegerField(
        label=_("How many weeks pregnant?"),
        help_text=_("Optional. If you leave it empty we assume you are past the first 3 months."),
        min_value=0,
        max_value=45,
        required=False,
        error_messages={
            "min_value": _("Please give a number of weeks from 0 to 45."),
            "max_value": _("Please give a number of weeks from 0 to 45."),
            "invalid": _("Please give a whole number of weeks, like 20."),
        },
    )
    balance_problems = forms.BooleanField(label=_("My balance is unsteady"), required=False)
    limited_mobility = forms.BooleanField(
        label=_("Standing for long or getting down to the floor is hard for me"), required=False
    )
    hip_replacement = forms.BooleanField(label=_("I have had a hip replacement"), required=False)
    knee_replacement = forms.BooleanField(label=_("I have had a knee replacement"), required=False)
    knee_pain = forms.BooleanField(label=_("My knees hurt"), required=False)

    field_order = (
        "bedtime",
        "age",
        "pregnant",
        "pregnancy_weeks",
        *CONDITION_FIELDS,
        "cleared_for_hip_rotation",
        "prefers_in_bed",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pregnancy_weeks") is not None and not data.get("pregnant"):
            self.add_error(
                "pregnancy_weeks", _("Tick “I am pregnant” too, or leave the weeks empty.")
            )
        return data


def preferences_from(form: forms.Form) -> dict[str, Any]:
    """The service's preference dict from a valid StartForm or AboutYouForm."""
    data = form.cleaned_data
    result: dict[str, Any] = {
        "bedtime": data["bedtime"],
        "prefers_in_bed": data["prefers_in_bed"],
        "cleared_for_hip_rotation": data["cleared_for_hip_rotation"],
    }
    if isinstance(form, AboutYouForm):
        result["age"] = data["age"]
        result["pregnant"] = data["pregnant"]
        result["pregnancy_weeks"] = data["pregnancy_weeks"] if data["pregnant"] else None
        result["conditions"] = [name for name in CONDITION_FIELDS if data[name]]
    return result


class SettingsForm(forms.Form):
    bedtime = forms.TimeField(label=_("Bedtime"), widget=TimeInput())
    reminder_minutes_before = forms.TypedChoiceField(
        label=_("Remind me"),
        choices=REMINDER_CHOICES,
        coerce=int,
        help_text=_(
            "For the calendar alarm, the notification on your phone and the optional email."
        ),
    )
    email_reminders = forms.BooleanField(
        label=_("Also send me an email reminder"),
        help_text=_("Every email has a one-click link to stop them."),
        required=False,
    )
    push_quiet_start = forms.TimeField(
        label=_("Quiet hours: from"),
        widget=TimeInput(),
        required=False,
        help_text=_(
            "No reminder comes to your phone between these times, not even at your bedtime. "
            "Leave both empty for none."
        ),
    )
    push_quiet_end = forms.TimeField(
        label=_("Quiet hours: until"), widget=TimeInput(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not reminders.email_configured():
            # Say so, instead of taking the choice and silently sending nothing.
            self.fields["email_reminders"].help_text = _(
                "Email is not set up on this server, so no reminder emails can be sent. "
                "Use the calendar link below for reminders on your phone, or ask whoever runs "
                "this server to set up email (EMAIL_HOST)."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("push_quiet_start"), data.get("push_quiet_end")
        if (start is None) != (end is None) and not self.errors:
            missing = "push_quiet_end" if end is None else "push_quiet_start"
            self.add_error(missing, _("Give both times, or leave both empty."))
        elif start is not None and start == end:
            self.add_error("push_quiet_end", _("Choose a time other than the start."))
        return data

    def clean_reminder_minutes_before(self) -> int:
        value: int = self.cleaned_data["reminder_minutes_before"]
        if not 0 <= value <= REMINDER_MAX_MINUTES:
            raise forms.ValidationError(_("Choose one of the listed times."))
        return value


class FeedbackForm(forms.Form):
    difficulty = forms.TypedChoiceField(
        label=_("How hard was it?"),
        help_text=_("0 is very easy, 10 is as hard as it gets."),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    pain = forms.TypedChoiceField(
        label=_("Did anything hurt?"),
        help_text=_("0 is no pain at all, 10 is the worst pain. A firm pull is not pain."),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
