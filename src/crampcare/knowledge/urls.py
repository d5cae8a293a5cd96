from django.urls import path

from crampcare.knowledge import views

app_name = "knowledge"

urlpatterns: list = [
    path("learn/", views.topics, name="topics"),
    path("learn/<slug:slug>/", views.topic, name="topic"),
    path("references/", views.references, name="references"),
    path("exercises/", views.exercises, name="exercises"),
    path("exercises/<slug:slug>/", views.exercise, name="exercise"),
    path("exercises/<slug:slug>/picture.svg", views.exercise_picture, name="exercise_picture"),
    path("search/", views.search, name="search"),
]

# The "cramp now" relief guide: open to everyone, before any account exists.
from crampcare.knowledge import relief_views  # noqa: E402 - appended so each page's routes stay apart

urlpatterns += [
    path("cramp-now/", relief_views.relief, name="relief"),
    path("cramp-now/<slug:area>/", relief_views.relief_area, name="relief_area"),
]
