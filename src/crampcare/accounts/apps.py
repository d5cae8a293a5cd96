from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crampcare.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from crampcare.accounts.middleware import mark_signed_out

        user_logged_out.connect(mark_signed_out, dispatch_uid="accounts.mark_signed_out")
