"""The held program page and the "I have been checked" form (programs/hold.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.programs import hold as holds
from crampcare.programs import services
from crampcare.validation_errors import attach_errors

if TYPE_CHECKING:
    from crampcare.programs.hold import Hold


class ClearanceForm(forms.Form):
    checked_on = forms.DateField(
        label=gettext_lazy("The day a doctor or nurse checked you"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Give the day you were checked."),
            "invalid": gettext_lazy("Give the date as day, month and year."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        help_text=gettext_lazy("For example, who saw you and what they said."),
        required=False,
        max_length=holds.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def held_page(
    request: AuthenticatedHttpRequest,
    hold: Hold,
    *,
    form: ClearanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    program = services.current_program(user, user)
    context = {
        "hold": hold,
        "explanation": holds.explanation(hold),
        "program": program,
        "form": form
        or ClearanceForm(initial={"checked_on": timezone.localdate(timezone=user.zone)}),
    }
    return render(request, "programs/held.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def checked(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    hold = holds.hold_for(user, user)
    if hold is None:
        return redirect("programs:today")
    if request.method != "POST":
        return held_page(request, hold)
    form = ClearanceForm(request.POST)
    if form.is_valid():
        try:
            holds.record_clearance(user, form.cleaned_data["checked_on"], form.cleaned_data["note"])
        except services.NoProgram:
            return redirect("programs:start")
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your program is back on. Stop and get help if a warning sign "
                    "comes back."
                ),
            )
            return redirect("programs:today")
    return held_page(request, hold, form=form, status=400)
