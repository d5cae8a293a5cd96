from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm as MFABaseAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MFABaseReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as MFABaseActivateTOTPForm
from django import forms
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.models import User
from crampcare.knowledge import emergency

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, worded like the rest of the app."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")


def country_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("From my browser's language")), *emergency.country_choices()]


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("What should we call you?"),
        help_text=_("Optional. A first name is plenty."),
        max_length=80,
        required=False,
    )
    # Filled in by the browser (Intl API) so nights are counted in your own time zone.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ("display_name", "email", "password1", "password2")

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data.get("time_zone") or ""
        return value if value in zoneinfo.available_timezones() else ""


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Nights and reminders are counted in this time zone."),
        choices=time_zone_choices,
    )

    country = forms.ChoiceField(
        label=_("Country"),
        help_text=_("Sets the emergency and health-advice numbers we show you."),
        choices=country_choices,
        required=False,
    )

    class Meta:
        model = User
        fields = ("display_name", "time_zone", "country")


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        help_text=_("Something to recognise it by, like “Health export script”."),
        max_length=80,
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


def _word_code_field(form: forms.Form, label: StrOrPromise, hint: StrOrPromise) -> None:
    field = form.fields["code"]
    field.label = label
    field.help_text = hint
    # Digits on a phone's keyboard; the browser may fill in a code it received.
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": ""}
    )


class MFAAuthenticateForm(MFABaseAuthenticateForm):
    """The second step of signing in: a code from the app, or one recovery code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_code_field(
            self,
            _("Code"),
            _(
                "The 6-digit code your authenticator app shows now. Lost your phone? Type one "
                "of your recovery codes instead: each works once."
            ),
        )


class MFAReauthenticateForm(MFABaseReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_code_field(
            self,
            _("Code"),
            _("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        )


class ActivateTOTPForm(MFABaseActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_code_field(
            self,
            _("Code from the app"),
            _("The 6-digit code the app shows for crampcare. It changes every 30 seconds."),
        )
