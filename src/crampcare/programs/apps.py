from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "crampcare.programs"
    verbose_name = "Programs"
