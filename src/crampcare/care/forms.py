from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _


class InviteForm(forms.Form):
    """A clinician invites someone by email (``services.invite`` checks the rest)."""

    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("They get an email with a code. Nothing about anyone's health is in it."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation_id = forms.TypedChoiceField(label=_("For"), coerce=int, required=False)

    def __init__(self, *args: object, organisations: list[tuple[int, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["organisation_id"]
        if len(organisations) > 1:
            field.choices = organisations  # type: ignore[attr-defined]
            field.required = True
            field.error_messages["required"] = _("Choose the organisation you invite them for.")
        else:
            del self.fields["organisation_id"]


class AcceptForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        help_text=_("From the email, e.g. K7QM4-XPTAB. Capitals and the dash do not matter."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class PlanChangeForm(forms.Form):
    """One change to a person's plan by their clinician (``programs.clinician.change_plan``).
    Which fields matter depends on ``kind``; the service checks them and says what is missing."""

    kind = forms.CharField(max_length=12)
    slot = forms.CharField(max_length=80, required=False)
    exercise_id = forms.CharField(label=_("Exercise"), max_length=80, required=False)
    block = forms.CharField(label=_("Where"), max_length=12, required=False)
    hold_seconds = forms.IntegerField(label=_("Hold (seconds)"), required=False)
    reps = forms.IntegerField(label=_("Repetitions"), required=False)
    sets = forms.IntegerField(label=_("Sets"), required=False)
    nights = forms.CharField(label=_("How often"), max_length=12, required=False)
    bedtime = forms.TimeField(label=_("Bedtime"), required=False)
    note = forms.CharField(
        label=_("Note to the person"),
        help_text=_("They see it with the change on their plan."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_cautions = forms.BooleanField(
        label=_("I have checked this with the person"), required=False
    )


class ClearanceForm(forms.Form):
    checked_on = forms.DateField(
        label=_("Date of the check"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note to the person"),
        help_text=_("They see it with the change on their plan."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewThreadForm(forms.Form):
    """A new conversation: who with (one of ``correspondents``), a subject and the first message.
    The rules are the service's (``care.messaging``); the form only gathers the fields."""

    relationship_id = forms.TypedChoiceField(label=_("To"), coerce=int)
    subject = forms.CharField(
        label=_("Subject"),
        help_text=_("A few words, e.g. Night cramps this week. Up to 120 characters."),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 120, "autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Message"),
        help_text=_("Up to 5,000 characters."),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
    )

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["relationship_id"].choices = choices  # type: ignore[attr-defined]
        self.fields["relationship_id"].error_messages["invalid_choice"] = _(
            "Choose someone from the list."
        )
        self.fields["relationship_id"].error_messages["required"] = _("Choose who to write to.")


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        help_text=_("Up to 5,000 characters."),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
    )


class MessageEmailForm(forms.Form):
    email_new_messages = forms.BooleanField(
        label=_("Email me when a new message arrives"),
        help_text=_("The email says who wrote, never what. At most one an hour per conversation."),
        required=False,
    )


class ReportsForm(forms.Form):
    """The doctor's reports of several people in one zip: whom (the people in the clinician's
    care, all ticked at first) and over how many weeks."""

    people = forms.TypedMultipleChoiceField(
        label=_("People"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    weeks = forms.TypedChoiceField(label=_("Weeks covered"), coerce=int)

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        from crampcare.insights.report import DEFAULT_WEEKS, WEEK_CHOICES

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["people"]).choices = people
        cast(forms.ChoiceField, self.fields["weeks"]).choices = [
            (weeks, str(weeks)) for weeks in WEEK_CHOICES
        ]
        self.fields["weeks"].initial = DEFAULT_WEEKS
        if not self.is_bound:
            self.fields["people"].initial = [person_id for person_id, _name in people]
