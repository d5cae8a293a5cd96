"""Keep what a visitor answered when they go on to sign up or sign in.

Django sends ``user_logged_in`` after a sign-in and after allauth's sign-up (which signs the new
person in), with the session data carried over, so the answers are still there to claim.
Connected on import: crampcare.assessment.views imports this module, and views load with the
URLs before any sign-in can happen.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from crampcare.assessment import drafts


@receiver(user_logged_in, dispatch_uid="crampcare.assessment.claim_session_answers")
def claim_session_answers(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is None or not hasattr(request, "session"):
        return
    assessment = drafts.claim(request, user)
    if assessment is not None:
        messages.success(
            request,
            _("Your answers to the cramp check are saved to your account."),
            fail_silently=True,
        )
