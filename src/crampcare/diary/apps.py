from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "crampcare.diary"
    verbose_name = "Diary"
