from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "crampcare.insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from django.utils import formats

        from crampcare.core.stats import messages

        # Figures in the reader's language: "1.5" in English, "1,5" in Spanish.
        messages.decimal_mark = lambda: str(formats.get_format("DECIMAL_SEPARATOR"))
