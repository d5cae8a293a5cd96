from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "crampcare.insights"
    verbose_name = "Insights"
