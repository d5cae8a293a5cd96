from django.urls import include, path

from crampcare.api import api

urlpatterns = [
    # First: the API's busiest calls (logging a cramp) resolve without trying every page's
    # pattern; no page lives under api/, so the order changes nothing else.
    path("api/v1/", api.urls),
    path("", include("crampcare.home.urls")),
    path("", include("crampcare.accounts.urls")),
    path("", include("crampcare.knowledge.urls")),
    path("assessment/", include("crampcare.assessment.urls")),
    path("program/", include("crampcare.programs.urls")),
    path("diary/data/", include("crampcare.portability.urls")),
    path("diary/", include("crampcare.diary.urls")),
    path("insights/", include("crampcare.insights.urls")),
    path("care/", include("crampcare.care.urls")),
    path("coverage/", include("crampcare.care.coverage_urls")),
    path("accounts/", include("allauth.urls")),
]

handler404 = "crampcare.home.views.not_found"
handler500 = "crampcare.home.views.server_error"
