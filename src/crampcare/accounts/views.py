from __future__ import annotations

from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crampcare.accounts import services
from crampcare.accounts.forms import DeleteAccountForm, ProfileForm, TokenForm
from crampcare.accounts.models import User
from crampcare.accounts.onboarding import needs_owner


class WelcomeView(SignupView):
    """First run: create the owner account. Closed once anyone exists."""

    template_name = "accounts/welcome.html"

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not needs_owner():
            return redirect("home:index")
        return super().dispatch(request, *args, **kwargs)


welcome = WelcomeView.as_view()


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by @login_required
    return user


def _settings_page(
    request: HttpRequest,
    *,
    profile_form: ProfileForm | None = None,
    token_form: TokenForm | None = None,
    new_secret: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/settings.html",
        {
            "profile_form": profile_form or ProfileForm(instance=user),
            "token_form": token_form or TokenForm(),
            "tokens": services.list_tokens(user),
            "new_secret": new_secret,
        },
        status=status,
    )


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=_user(request))
        if form.is_valid():
            services.update_profile(
                _user(request),
                display_name=form.cleaned_data["display_name"],
                time_zone=form.cleaned_data["time_zone"],
                country=form.cleaned_data["country"],
            )
            messages.success(request, _("Your settings are saved."))
            return redirect("accounts:settings")
        return _settings_page(request, profile_form=form, status=400)
    return _settings_page(request)


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, token_form=form, status=400)
    _, secret = services.create_token(_user(request), form.cleaned_data["name"])
    return _settings_page(request, new_secret=secret)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_token(_user(request), token_id)
    messages.success(request, _("The token is revoked. Anything using it can no longer connect."))
    return redirect("accounts:settings")


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("home:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)
