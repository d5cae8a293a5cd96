from django.urls import path

from crampcare.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.start, name="start"),
    path("step/<slug:slug>/", views.step, name="step"),
    path("result/", views.result, name="result"),
    path("medicines/", views.medicines, name="medicines"),
    path("<int:assessment_id>/", views.detail, name="detail"),
    path("<int:assessment_id>/edit/", views.edit, name="edit"),
]
