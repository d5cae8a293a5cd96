"""The forms of the organisation pages (members, assignments, the roster) and of the coverage
check and enrolment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crampcare.care.coverage import IDENTIFIER_LENGTH
from crampcare.care.models import Role
from crampcare.care.organisations import Person


class AddMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Their sign-in email address"),
        help_text=_("They need an account on this server first."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        help_text=_(
            "A clinician follows the people who accept their invitation. An admin runs this "
            "organisation and sees no health data. A member is someone the organisation offers "
            "the program to."
        ),
        choices=[
            (Role.CLINICIAN, _("Clinician")),
            (Role.ADMIN, _("Admin")),
            (Role.MEMBER, _("Member")),
        ],
        initial=Role.CLINICIAN,
    )


def _label(person: Person) -> str:
    name = person.user.display_name
    return f"{name} ({person.user.email})" if name else person.user.email


class AssignForm(forms.Form):
    person_id = forms.TypedChoiceField(label=_("Member"), coerce=int)
    clinician_id = forms.TypedChoiceField(label=_("Clinician"), coerce=int)

    def __init__(
        self, *args: Any, members: list[Person], clinicians: list[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a member")),
            *[(person.user.pk, _label(person)) for person in members],
        ]
        self.fields["clinician_id"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a clinician")),
            *[(person.user.pk, _label(person)) for person in clinicians],
        ]


class RosterForm(forms.Form):
    roster = forms.FileField(
        label=_("Roster file (.csv)"),
        help_text=_(
            "The first line names the columns: email, member_id, name, date_of_birth. Each "
            "person needs an email or a member id (or both), a name and a date of birth written "
            "year-month-day, like 1958-04-23. Save it from your spreadsheet as “CSV UTF-8”."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class DateOfBirthInput(forms.DateInput):
    input_type = "date"


class CoverageForm(forms.Form):
    identifier = forms.CharField(
        label=_("Email address or member id"),
        help_text=_("The one your employer, clinic or health plan has for you."),
        max_length=IDENTIFIER_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DateOfBirthInput(format="%Y-%m-%d", attrs={"autocomplete": "bday"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date like 1958-04-23 (year-month-day).")},
    )

    def clean_identifier(self) -> str:
        value: str = self.cleaned_data["identifier"].strip()
        if not value:
            raise forms.ValidationError(_("Enter your email address or member id."))
        return value

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A date of birth cannot be in the future."))
        return value


class EnrolForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=1000)
