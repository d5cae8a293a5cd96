from django.db import models


class Row(models.Model):
    started_at = models.DateTimeField()
    severity = models.IntegerField(null=True)

    class Meta:
        app_label = "bare_insert"

    def __str__(self) -> str:
        return f"{self.started_at}"
