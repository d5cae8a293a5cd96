"""One way to read a Django ``ValidationError``: its messages, by the field they are about.

Services raise ``ValidationError({"field": "..."})`` about fields, or ``ValidationError("...")``
about none; a model's rules about a whole row come keyed ``NON_FIELD_ERRORS`` ("__all__"). Pages
show them beside the form's fields, or on top when the form has no such field
(``attach_errors``), or as one sentence (``as_text``); the API names each field, or "body"
(``crampcare.api``); the importer names the file's column.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def messages_by_field(error: ValidationError) -> list[tuple[str | None, list[str]]]:
    """``(field, messages)`` in order; the field is None for an error about no field at all."""
    if not hasattr(error, "error_dict"):
        return [(None, list(error.messages))]
    return [(field, messages) for field, messages in error.message_dict.items()]


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields (or on top if it has none)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in messages_by_field(error):
        form.add_error(field if field in form.fields else None, messages)


def as_text(error: ValidationError) -> str:
    """Every message of the error, in order, as one line (for a flash message or a notice)."""
    return " ".join(error.messages)
