from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "crampcare.knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        # Content is validated once at start-up: a bad content file stops the app with a message
        # naming the file and the item, instead of failing on the page that happens to use it.
        from crampcare.knowledge.loader import get_library
        from crampcare.knowledge.search import index_for

        index_for(get_library())
