from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "crampcare.portability"
    verbose_name = "Your data"
