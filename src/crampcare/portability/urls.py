from django.urls import path

from crampcare.portability import views

app_name = "portability"

# Mounted at diary/data/, where the data page has always been.
urlpatterns = [
    path("", views.data, name="data"),
    path("export.zip", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("import/", views.import_csv, name="import_csv"),
    path("apple-health/", views.apple_health, name="apple_health"),
]
