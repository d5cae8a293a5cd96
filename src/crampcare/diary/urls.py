from django.urls import path

from crampcare.diary.views import entries, pages

app_name = "diary"

urlpatterns = [
    path("", pages.index, name="index"),
    path("backfill/", pages.backfill, name="backfill"),
    path("cramp/", entries.log_cramp, name="log_cramp"),
    path("cramps/new/", entries.episode_new, name="episode_new"),
    path("cramps/<int:pk>/", entries.episode_edit, name="episode_edit"),
    path("cramps/<int:pk>/delete/", entries.episode_delete, name="episode_delete"),
    path("checkin/", entries.checkin, name="checkin"),
    path("checkin/severity/", entries.checkin_severity, name="checkin_severity"),
    path("checkin/details/", entries.checkin_details, name="checkin_details"),
    path("checkins/<int:pk>/delete/", entries.checkin_delete, name="checkin_delete"),
    path("factors/", entries.factors, name="factors"),
    path("factors/<int:pk>/delete/", entries.factors_delete, name="factors_delete"),
]
