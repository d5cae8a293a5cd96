"""The public coverage check and enrolment, at /coverage/ (outside /care/: anyone may ask)."""

from django.urls import path

from crampcare.care import coverage_views

app_name = "coverage"

urlpatterns = [
    path("", coverage_views.check, name="check"),
    path("enrol/", coverage_views.enrol, name="enrol"),
]
