"""``Idempotency-Key`` on API writes: a retry gets the first answer instead of a second write.

A client that lost the answer to ``POST /api/v1/diary/episodes`` (a dropped connection, a phone
going to sleep) can send the same request again with the same key and gets the first answer
back, status and body (with the new record's id), instead of a 422 "already logged".

- A key belongs to one person and one request: the same key on another method or route, or with
  a different body, is a 422 naming the problem.
- A key is kept for 24 hours (``KEY_LIFETIME``); after that it can be used again.
- While the first request is still being answered, a retry gets a 409 (try again shortly).
- Only successful answers (2xx) are kept: after a 4xx nothing was saved, and a retry is
  validated afresh; after a 5xx or an exception the key is released.
- A successful write and its kept answer are committed in one transaction: if the answer cannot
  be kept, the write is undone as well, so the retry that follows cannot write a second time.
- Bodies are JSON (or empty); the multipart import does not take a key (it is all or nothing and
  says what it did).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.api_errors import error_body
from crampcare.idempotency.models import MAX_KEY_LENGTH, IdempotencyKey

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
API_PREFIX = "/api/"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_LIFETIME = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"


def _problem(status: int, message: str) -> JsonResponse:
    return JsonResponse(error_body([(HEADER, message)]), status=status)


def _caller(request: HttpRequest) -> Any:
    """The signed-in person, by session or by personal access token (ninja checks it again)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    from crampcare.accounts.services import user_for_token

    return user_for_token(secret.strip())


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(0x21 <= ord(c) <= 0x7E for c in key)


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(record.content), status=record.status_code, content_type=record.content_type or None
    )
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(META_KEY)
        if (
            key is None
            or request.method not in WRITE_METHODS
            or not request.path.startswith(API_PREFIX)
        ):
            return self.get_response(request)
        return self._with_key(request, key.strip())

    def _with_key(self, request: HttpRequest, key: str) -> HttpResponse:
        if not _valid_key(key):
            return _problem(
                422,
                _("must be 1 to %(max)d visible ASCII characters (a UUID is a good choice).")
                % {"max": MAX_KEY_LENGTH},
            )
        if (request.content_type or "").startswith("multipart/"):
            return _problem(422, _("is not taken for file uploads: send the request without it."))
        user = _caller(request)
        if user is None:
            return self.get_response(request)  # the API answers 401 as usual; nothing to keep
        digest = hashlib.sha256(request.body).hexdigest()
        now = timezone.now()
        owned = IdempotencyKey.objects.for_user(user)
        owned.filter(created_at__lt=now - KEY_LIFETIME).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    owner=user,
                    key=key,
                    method=request.method or "",
                    path=request.path,
                    body_digest=digest,
                    created_at=now,
                )
        except IntegrityError:
            return self._again(request, owned.filter(key=key).first(), digest)
        try:
            # The write and its kept answer commit together: if keeping the answer fails, the
            # write is undone too, so a retry writes once instead of twice.
            with transaction.atomic():
                response = self.get_response(request)
                kept = 200 <= response.status_code < 300 and not getattr(
                    response, "streaming", False
                )
                if kept:
                    owned.filter(pk=record.pk).update(
                        status_code=response.status_code,
                        content_type=response.get("Content-Type", ""),
                        content=response.content,
                    )
        except BaseException:
            owned.filter(pk=record.pk).delete()
            raise
        if not kept:
            owned.filter(pk=record.pk).delete()
        return response

    def _again(
        self, request: HttpRequest, record: IdempotencyKey | None, digest: str
    ) -> HttpResponse:
        if record is None or record.status_code is None:
            # Still being answered (or just released because the first attempt failed).
            response = _problem(
                409, _("the first request with this key is still being answered: retry shortly.")
            )
            response["Retry-After"] = "1"
            return response
        if record.method != request.method or record.path != request.path:
            return _problem(
                422,
                _("was already used for %(method)s %(path)s: use a new key for each request.")
                % {"method": record.method, "path": record.path},
            )
        if record.body_digest != digest:
            return _problem(
                422,
                _(
                    "was already used with a different body: a retry must send the same body, "
                    "a new request needs a new key."
                ),
            )
        return _replay(record)
