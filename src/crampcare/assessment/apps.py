from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "crampcare.assessment"
    verbose_name = "Assessment"
