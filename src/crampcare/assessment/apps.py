from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "crampcare.assessment"
    verbose_name = "Assessment"

    def ready(self) -> None:
        # Answers given before signing in are saved to the account on sign-in or sign-up.
        from crampcare.assessment import signals  # noqa: F401
