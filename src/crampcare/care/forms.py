from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        help_text=_("From the email, e.g. K7QM4-XPTAB. Capitals and the dash do not matter."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
