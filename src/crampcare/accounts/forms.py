from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm as MFABaseAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MFABaseReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as MFABaseActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm as MFABaseAddWebAuthnForm
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm as MFABaseAuthenticateWebAuthnForm
from allauth.mfa.webauthn.forms import EditWebAuthnForm as MFABaseEditWebAuthnForm
from allauth.mfa.webauthn.forms import (
    ReauthenticateWebAuthnForm as MFABaseReauthenticateWebAuthnForm,
)
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
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


class DisplayForm(forms.ModelForm):
    """Reading comfort: the size of all text and a high-contrast look, remembered per person."""

    class Meta:
        model = User
        fields = ("text_size", "high_contrast")
        widgets = {"text_size": forms.RadioSelect}
        labels = {"text_size": _("Text size"), "high_contrast": _("High contrast")}
        help_texts = {
            "high_contrast": _("Black and white text, stronger outlines and underlined links."),
        }


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


# A security key's name: long enough for "Blue key on my keyring", short enough for a table.
KEY_NAME_MAX_LENGTH = 64
KEY_NAME_HINT = _("So you can tell your keys apart, for example “Blue key on my keyring”.")
KEY_ANSWER_MISSING = _(
    "Your browser sent no answer from a security key. Press the button again and touch your key "
    "when it blinks."
)
KEY_ANSWER_UNREADABLE = _(
    "That answer from a security key could not be read. Press the button again and touch your "
    "key when it blinks."
)


KEY_NOT_RECOGNISED = _(
    "That security key did not match this account, or its answer came too late. Try again, or "
    "use a code instead."
)


def _read_key_answer(parse: Any, credential: Any) -> None:
    """allauth reads the browser's answer with fido2, which raises more than the TypeError it
    expects on a malformed one (a list, a string, missing parts): each becomes the field's error
    here, not a server error."""
    try:
        parse(credential)
    except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValidationError(KEY_ANSWER_UNREADABLE, code="unreadable") from error


def _check_key(form: MFABaseAuthenticateWebAuthnForm) -> Authenticator:
    """The answer read, then allauth's check of it; its "Incorrect code." (meant for the app's
    codes) is worded for a key. Other refusals (too many attempts) keep their own words."""
    _read_key_answer(
        webauthn_auth.parse_authentication_response, form.cleaned_data.get("credential")
    )
    try:
        checked: Authenticator = MFABaseAuthenticateWebAuthnForm.clean_credential(form)
    except ValidationError as error:
        if getattr(error, "code", None) == "incorrect_code":
            raise ValidationError(KEY_NOT_RECOGNISED, code="incorrect_code") from error
        raise
    return checked


def _word_key_answer(form: forms.Form) -> None:
    form.fields["credential"].error_messages.update(
        {"required": KEY_ANSWER_MISSING, "invalid": KEY_ANSWER_UNREADABLE}
    )


def _word_key_name(form: forms.Form) -> None:
    name = form.fields["name"]
    name.label = _("Name of the key")
    name.help_text = KEY_NAME_HINT
    name.widget.attrs["maxlength"] = str(KEY_NAME_MAX_LENGTH)
    name.validators.append(MaxLengthValidator(KEY_NAME_MAX_LENGTH))


class AddSecurityKeyForm(MFABaseAddWebAuthnForm):
    """Adding a security key: its name; the key's answer comes from the page's script."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_key_name(self)
        _word_key_answer(self)
        self.initial["name"] = self._default_name()

    def _default_name(self) -> str:
        """allauth's default ("Master key") reads oddly; number ours when there are several."""
        held = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.WEBAUTHN)
        count = held.count()
        return str(_("Security key")) if not count else f"{_('Security key')} {count + 1}"

    def clean_name(self) -> str:
        return str(self.cleaned_data.get("name") or "").strip() or self._default_name()

    def clean(self) -> dict[str, Any]:
        if "credential" in self.errors:
            return self.cleaned_data
        _read_key_answer(
            webauthn_auth.parse_registration_response, self.cleaned_data.get("credential")
        )
        return super().clean()


class EditSecurityKeyForm(MFABaseEditWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_key_name(self)


class SecurityKeyAuthenticateForm(MFABaseAuthenticateWebAuthnForm):
    """The code step's other way in: a security key, offered only to someone who has one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_key_answer(self)

    @property
    def has_keys(self) -> bool:
        return Authenticator.objects.filter(
            user=self.user, type=Authenticator.Type.WEBAUTHN
        ).exists()

    def clean_credential(self) -> Authenticator:
        return _check_key(self)


class SecurityKeyReauthenticateForm(MFABaseReauthenticateWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_key_answer(self)

    def clean_credential(self) -> Authenticator:
        return _check_key(self)
