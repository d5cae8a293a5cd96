from django.urls import path

from crampcare.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report_page, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("self-test/", views.self_test, name="self_test"),
    path("self-test/start/", views.start_self_test, name="start_self_test"),
    path("self-test/<int:test_id>/", views.self_test_detail, name="self_test_detail"),
    path("self-test/<int:test_id>/stop/", views.stop_self_test, name="stop_self_test"),
    path("self-test/<int:test_id>/delete/", views.delete_self_test, name="delete_self_test"),
]
