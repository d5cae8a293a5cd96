"""A database that is busy (SQLite's write lock held too long) answers 503 with Retry-After.

"database is locked" is a moment's congestion, not a bug: the person should be told to try again
in a few seconds, never shown a server error. JSON for the API, a small page elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def is_busy(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    return "locked" in text or "busy" in text


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        message = _(
            "The server is busy for a moment. Nothing was saved; try again in a few seconds."
        )
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(
                render_to_string(
                    "db_busy.html", {"message": message, "again": request.get_full_path()}
                ),
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
