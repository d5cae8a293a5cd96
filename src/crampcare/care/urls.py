from django.urls import path

from crampcare.care import views

app_name = "care"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/", views.people, name="people"),
    path("access-log/", views.access_log, name="access_log"),
    path("accept/", views.accept, name="accept"),
    path(
        "relationships/<int:relationship_id>/end/",
        views.end_relationship,
        name="end_relationship",
    ),
    path(
        "organisations/<int:org_id>/outcomes/",
        views.organisation_outcomes,
        name="outcomes",
    ),
]
