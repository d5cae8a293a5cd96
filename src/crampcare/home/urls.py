from django.urls import path

from crampcare.home import pwa, views

app_name = "home"

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    # The app on the phone (home/pwa.py): at the top of the site, so the worker's scope is all.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
]
