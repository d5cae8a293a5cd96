from django.urls import path

from crampcare.programs import hold_views, views

app_name = "programs"

urlpatterns = [
    path("", views.today, name="today"),
    path("checked/", hold_views.checked, name="checked"),
    path("start/", views.start, name="start"),
    path("plan/", views.plan, name="plan"),
    path("plan/swap/", views.swap, name="swap"),
    path("plan/settings/", views.save_settings, name="settings"),
    path("plan/progression/", views.progression, name="progression"),
    path("plan/refresh/", views.refresh, name="refresh"),
    path("plan/pause/", views.pause, name="pause"),
    path("plan/resume/", views.resume, name="resume"),
    path("plan/maintenance/", views.maintenance, name="maintenance"),
    path("plan/calendar/", views.calendar_link, name="calendar_link"),
    path("plan/calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("plan/devices/<int:subscription_id>/remove/", views.remove_device, name="remove_device"),
    path("history/", views.history, name="history"),
    path("session/", views.player, name="player"),
    path("session/finish/", views.finish, name="finish"),
    # Reached by secret links, without signing in.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
