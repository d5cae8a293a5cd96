from django.urls import path

from crampcare.accounts import views

app_name = "accounts"

urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/next/", views.welcome_next, name="welcome_next"),
    # allauth's sign-up page (same URL and name), answering a lost sign-up race cleanly.
    path("accounts/signup/", views.signup, name="signup"),
    path("account/", views.account_settings, name="settings"),
    path("account/tokens/", views.create_token, name="create_token"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/delete/", views.delete_account, name="delete"),
]
