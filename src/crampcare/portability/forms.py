"""The data page's one form: an export to bring back in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Your crampcare export (.zip or .json)"),
        help_text=_(
            "A file made by “Download as CSV files” or “Download as JSON”, here or on another "
            "crampcare."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".zip,application/zip,.json,application/json"}
        ),
    )
    valid_only = forms.BooleanField(
        label=_("If some rows have problems, import the valid rows anyway"),
        required=False,
    )


class FhirMedicinesForm(forms.Form):
    """A portal's medicine list as a FHIR file: read and shown first, saved after a confirm."""

    medicines_file = forms.FileField(
        label=_("Your medicines from a patient portal (FHIR .json)"),
        help_text=_(
            "A FHIR file (R4) with MedicationStatement or MedicationRequest entries, as many "
            "patient portals and health apps can download."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,application/json,application/fhir+json"}
        ),
    )


class ConfirmMedicinesForm(forms.Form):
    """The names read from the file, sent back to be saved once the person has seen them."""

    names = forms.Field(widget=forms.MultipleHiddenInput, required=False)

    def clean_names(self) -> list[str]:
        given = self.cleaned_data.get("names") or []
        return [str(name) for name in given if str(name).strip()]


class AppleHealthForm(forms.Form):
    export = forms.FileField(
        label=_("Your Apple Health export (export.zip)"),
        help_text=_(
            "On your iPhone: open Health, tap your picture, then “Export All Health Data”. "
            "Send the export.zip to this device and choose it here."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip,.xml,text/xml"}),
    )
