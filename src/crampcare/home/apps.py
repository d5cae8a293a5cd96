from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "crampcare.home"
    verbose_name = "Home"
