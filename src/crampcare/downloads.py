"""Files the app hands over (exports, the doctor's report, the calendar feed): one way to send them.

The file name goes through Django's RFC 6266 ``Content-Disposition`` builder, so a quote or a
non-ASCII letter cannot break the header; nothing personal is kept in a cache (``no-store``; the
privacy middleware makes that stricter still for a signed-in person).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header


def attachment(
    content: bytes | str,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    cache_control: str = "no-store",
) -> HttpResponse:
    """``content`` as a download named ``filename`` (``inline``: shown or subscribed to)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = cache_control
    return response


def streamed_attachment(
    chunks: Iterable[str | bytes], *, filename: str, content_type: str
) -> StreamingHttpResponse:
    """Like ``attachment``, for a file written while it is sent (a large export)."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    disposition = content_disposition_header(True, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response
