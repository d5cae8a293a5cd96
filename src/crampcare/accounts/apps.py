from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crampcare.accounts"
    verbose_name = "Accounts"
