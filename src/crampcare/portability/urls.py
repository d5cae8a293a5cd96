from django.urls import path

from crampcare.portability import views

app_name = "portability"

# Mounted at diary/data/, where the data page has always been.
urlpatterns = [
    path("", views.data, name="data"),
    path("export.zip", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("import/", views.import_csv, name="import_csv"),
    path("export.fhir.json", views.export_fhir, name="export_fhir"),
    path("medicines/", views.fhir_medicines, name="fhir_medicines"),
    path("medicines/save/", views.save_fhir_medicines, name="save_fhir_medicines"),
    path("import/<int:progress_id>/", views.import_progress, name="import_progress"),
    path("apple-health/", views.apple_health, name="apple_health"),
    path(
        "apple-health/<int:progress_id>/",
        views.apple_health_progress,
        name="apple_health_progress",
    ),
]
