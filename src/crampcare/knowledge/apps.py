from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "crampcare.knowledge"
    verbose_name = "Knowledge"
