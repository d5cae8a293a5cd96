from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from crampcare.accounts.onboarding import needs_owner


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return needs_owner() or settings.OPEN_SIGNUP

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # The first account on an installation is its owner (and may use the admin tools).
        first = needs_owner()
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        data = getattr(form, "cleaned_data", {})
        user.display_name = data.get("display_name", "") or ""
        if data.get("time_zone"):
            user.time_zone = data["time_zone"]
        if first:
            user.is_staff = True
            user.is_superuser = True
        if commit:
            user.save()
        return user
