from django.urls import path

from crampcare.knowledge import views

app_name = "knowledge"

urlpatterns: list = [
    path("learn/", views.topics, name="topics"),
    path("learn/<slug:slug>/", views.topic, name="topic"),
    path("references/", views.references, name="references"),
    path("exercises/", views.exercises, name="exercises"),
    path("exercises/<slug:slug>/", views.exercise, name="exercise"),
    path("search/", views.search, name="search"),
]
