from __future__ import annotations

from typing import Any

from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from allauth.mfa.webauthn.views import ReauthenticateWebAuthnView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic.edit import FormView
from django.views.i18n import set_language

from crampcare.accounts import services
from crampcare.accounts.adapter import OWNER_ONLY, SignupClosed
from crampcare.accounts.forms import DeleteAccountForm, DisplayForm, ProfileForm, TokenForm
from crampcare.accounts.models import User
from crampcare.accounts.onboarding import needs_owner
from crampcare.accounts.request import AuthenticatedHttpRequest


class SignupView(AllauthSignupView):
    """allauth's sign-up, which answers a lost race for a closed sign-up with its closed page."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except SignupClosed:
            return self.signup_lost()

    def signup_lost(self) -> HttpResponse:
        return render(self.request, "account/signup_closed.html", status=409)


signup = SignupView.as_view()


class WelcomeView(SignupView):
    """First run: create the owner account. Closed once anyone exists.

    ``?next=`` (a page of this site) is kept, so a visitor who was about to log a cramp comes back
    to it; without one, a short "what next" page follows."""

    template_name = "accounts/welcome.html"
    success_url = reverse_lazy("accounts:welcome_next")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not needs_owner():
            return redirect(self._elsewhere(request))
        setattr(request, OWNER_ONLY, True)
        return super().dispatch(request, *args, **kwargs)

    def closed(self) -> HttpResponse:
        # allauth asks again whether sign-up is open after our dispatch did: an owner made in
        # between by someone else is the same lost race, not a "sign-up is closed" page.
        return self.signup_lost()

    def signup_lost(self) -> HttpResponse:
        # Someone else created the owner a moment earlier: this person signs in or signs up.
        messages.info(self.request, _("This server already has its owner. Sign in, or sign up."))
        return redirect(self._elsewhere(self.request))

    def _elsewhere(self, request: HttpRequest) -> str:
        # The owner exists: carry `next` on to the sign-in page rather than dropping it.
        nxt = self.get_next_url()
        login = reverse("account_login")
        return f"{login}?{urlencode({'next': nxt})}" if nxt else reverse("home:index")


welcome = WelcomeView.as_view()


class ReauthenticateWithKeyView(ReauthenticateWebAuthnView):
    """allauth's view answers a failed key with a redirect to the sign-in page (which sends a
    signed-in person home); here the page comes back with the problem named, to try again."""

    def form_invalid(self, form: Any) -> HttpResponse:
        return FormView.form_invalid(self, form)


reauthenticate_with_key = login_required(ReauthenticateWithKeyView.as_view())


def _from_this_site(request: HttpRequest) -> bool:
    """Whether a form post came from one of our own pages, by the headers browsers add to it
    (``Sec-Fetch-Site``, ``Origin``); a client that sends neither is not a browser led by
    another site."""
    fetched = request.headers.get("Sec-Fetch-Site")
    if fetched is not None and fetched not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language switcher at the foot of every page: Django's ``set_language`` (the cookie,
    then back to ``next``, else to the page the form was on, only ever a page of this site), and
    for a signed-in person saved on the account too.

    The form carries nothing that differs from page to page, neither a CSRF token nor the
    page's address, so pages compared to show nothing about who has an account stay byte for
    byte alike; a post led by another site is refused by its headers instead, and the session
    cookie (SameSite=Lax) never comes with one anyway."""
    if not _from_this_site(request):
        return HttpResponseForbidden(
            _("Choose the language on this site's own pages."),
            content_type="text/plain; charset=utf-8",
        )
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(
            _("Choose a language from the list."), content_type="text/plain; charset=utf-8"
        )
    response = set_language(request)
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        services.update_language(user, language)
    return response


@login_required
def welcome_next(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What to do first, shown once the owner account exists."""
    return render(request, "accounts/welcome_next.html")


def _settings_page(
    request: AuthenticatedHttpRequest,
    *,
    profile_form: ProfileForm | None = None,
    display_form: DisplayForm | None = None,
    token_form: TokenForm | None = None,
    new_secret: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/settings.html",
        {
            "profile_form": profile_form or ProfileForm(instance=user),
            "display_form": display_form or DisplayForm(instance=user),
            "token_form": token_form or TokenForm(),
            "tokens": services.list_tokens(user),
            "new_secret": new_secret,
        },
        status=status,
    )


@login_required
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            services.update_profile(
                request.user,
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
def display_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Text size and high contrast: saved, then every page shows them."""
    form = DisplayForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _settings_page(request, display_form=form, status=400)
    services.update_display(
        request.user,
        text_size=form.cleaned_data["text_size"],
        high_contrast=form.cleaned_data["high_contrast"],
    )
    messages.success(request, _("Your reading settings are saved."))
    return redirect(f"{reverse('accounts:settings')}#display-title")


@login_required
@require_POST
def create_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, token_form=form, status=400)
    _, secret = services.create_token(request.user, form.cleaned_data["name"])
    return _settings_page(request, new_secret=secret)


@login_required
@require_POST
def revoke_token(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    services.revoke_token(request.user, token_id)
    messages.success(request, _("The token is revoked. Anything using it can no longer connect."))
    return redirect("accounts:settings")


@login_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and not ratelimit.consume(
        request, action="delete_account", user=user
    ):
        # Each try is a password check: as slow to guess here as on the sign-in page.
        context = {"form": DeleteAccountForm(user=user), "too_many": True}
        return render(request, "accounts/delete.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("home:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)
