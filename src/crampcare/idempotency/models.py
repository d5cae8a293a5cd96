"""One row per ``Idempotency-Key`` a person sent with an API write: the first answer, kept 24 h.

Not personal history: it is neither exported nor imported (docs/diary.md), and it goes with the
account like every ``OwnedModel``.
"""

from __future__ import annotations

from django.db import models

from crampcare.accounts.ownership import OwnedModel

MAX_KEY_LENGTH = 255


class IdempotencyKey(OwnedModel):
    key = models.CharField(max_length=MAX_KEY_LENGTH)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    # sha256 of the body, so a retry with a different body is told apart from a true retry.
    body_digest = models.CharField(max_length=64)
    # Null while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
