from django.urls import path

from crampcare.accounts import views

app_name = "accounts"

urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("account/", views.account_settings, name="settings"),
    path("account/tokens/", views.create_token, name="create_token"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/delete/", views.delete_account, name="delete"),
]
