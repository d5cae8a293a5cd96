from django.urls import path

from crampcare.care import organisation_views, report_views, views

app_name = "care"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/", views.people, name="people"),
    path("invite/", views.invite, name="invite"),
    path("patients/<int:person_id>/", views.patient, name="patient"),
    path("access-log/", views.access_log, name="access_log"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/<int:progress_id>/", report_views.reports_progress, name="reports_progress"),
    path(
        "reports/<int:progress_id>/download/",
        report_views.reports_download,
        name="reports_download",
    ),
    path("accept/", views.accept, name="accept"),
    path(
        "relationships/<int:relationship_id>/end/",
        views.end_relationship,
        name="end_relationship",
    ),
    path("patients/<int:person_id>/plan/", views.tailor, name="tailor"),
    path(
        "patients/<int:person_id>/plan/clearance/",
        views.tailor_clearance,
        name="tailor_clearance",
    ),
]

urlpatterns += [
    path("messages/", views.message_list, name="messages"),
    path("messages/new/", views.new_thread, name="new_thread"),
    path("messages/email/", views.message_email, name="message_email"),
    path("messages/<int:thread_id>/", views.thread, name="thread"),
    path(
        "organisations/<int:org_id>/outcomes/",
        views.organisation_outcomes,
        name="outcomes",
    ),
    # Organisations, for their admins (care/organisation_views.py).
    path("organisations/", organisation_views.organisation_list, name="organisations"),
    path(
        "organisations/<int:organisation_id>/",
        organisation_views.organisation,
        name="organisation",
    ),
    path(
        "organisations/<int:organisation_id>/members/",
        organisation_views.add_member,
        name="organisation_add_member",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/remove/",
        organisation_views.remove_member,
        name="organisation_remove_member",
    ),
    path(
        "organisations/<int:organisation_id>/assign/",
        organisation_views.assign,
        name="organisation_assign",
    ),
    path(
        "organisations/<int:organisation_id>/roster/",
        organisation_views.roster,
        name="organisation_roster",
    ),
]
