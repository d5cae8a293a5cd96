import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
application = get_wsgi_application()
# Import every view, API and chart module now, while the worker starts, rather than during the
# first request it serves (about a second and a half: the person who happens to ask first, and
# every request queued behind them, would wait for it).
get_resolver().url_patterns  # noqa: B018 - the attribute loads the URLconf
