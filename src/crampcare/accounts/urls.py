from django.urls import path

from crampcare.accounts import views

app_name = "accounts"

urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/next/", views.welcome_next, name="welcome_next"),
    # allauth's sign-up page (same URL and name), answering a lost sign-up race cleanly.
    path("accounts/signup/", views.signup, name="signup"),
    # allauth's "confirm it is you" with a security key (same URL), showing a failed answer on
    # the page instead of sending the person to the sign-in page.
    path(
        "accounts/2fa/webauthn/reauthenticate/",
        views.reauthenticate_with_key,
        name="reauthenticate_with_key",
    ),
    path("language/", views.choose_language, name="language"),
    path("account/", views.account_settings, name="settings"),
    path("account/display/", views.display_settings, name="display"),
    path("account/tokens/", views.create_token, name="create_token"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/delete/", views.delete_account, name="delete"),
]
