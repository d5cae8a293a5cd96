"""Middleware only pages need, passed by for the JSON API.

An API answer is JSON read by a program: it shows no flash messages and carries no HTML for a
Content-Security-Policy to guard, so it gets a fixed ``default-src 'none'`` policy instead of one
built per request. Skipping that work keeps the API's busiest call, logging a cramp, cheap. The
API's own HTML page (the interactive docs) is a page and gets both.

The classes are subclasses of the ones they replace in ``MIDDLEWARE``, so checks that look for
those middleware still find them.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

API_PREFIX = "/api/"
API_DOCS = "/api/v1/docs"
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def is_api_json(request: HttpRequest) -> bool:
    path = request.path_info
    return path.startswith(API_PREFIX) and not path.startswith(API_DOCS)


class PageMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not is_api_json(request):
            super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if is_api_json(request):
            return response
        return super().process_response(request, response)


class PageCSPMiddleware(CSPMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not is_api_json(request):
            super().process_request(request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if is_api_json(request):
            response.setdefault("Content-Security-Policy", API_CSP)
            return response
        return super().process_response(request, response)


# Already compressed: gzip would spend the server's CPU to make them no smaller.
PACKED_TYPES = ("application/zip", "application/pdf", "application/gzip", "image/png", "image/jpeg")


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation) for text; downloads that are already packed —
    an archive, a report, an icon — pass by as they are."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.get("Content-Type", "").split(";")[0].strip() in PACKED_TYPES:
            return response
        return super().process_response(request, response)
