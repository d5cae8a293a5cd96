"""Guards every request passes before any view sees it: bodies over the limit, NUL characters
and JSON nested too deep are refused with a clear 4xx instead of reaching the database or the
parser (PostgreSQL cannot store NUL, SQLite silently would; deep JSON ends in RecursionError).

API answers are JSON in the one error shape; pages get a short plain page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from crampcare.api_errors import error_body

# Deeper than any answer we accept (the assessment is three levels); far below the parser's
# recursion limit.
MAX_JSON_DEPTH = 32

JSON_TYPES = ("application/json", "application/merge-patch+json")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# A JSON string (skipped whole, escapes included) or a bracket: the scan runs in the regex
# engine, not byte by byte in Python, since it sits on every API write. The string's pattern is
# the "unrolled loop" (plain run, then escape and plain run, ...): each byte can be matched one
# way only, and an unclosed string runs to the end, so the scan is linear whatever the input.
_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)'
_STRING_OR_BRACKET = re.compile(_STRING + rb"|[\[\]{}]", re.DOTALL)
_STRING_ONLY = re.compile(_STRING, re.DOTALL)


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """True when brackets nest deeper than `limit`, counted outside strings, without parsing."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def json_containers_exceed(raw: bytes, limit: int) -> bool:
    """True when there are more than `limit` lists and objects, counted outside strings, without
    parsing: what parsing would build is bounded before it starts."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # fast: brackets in strings only add to it
        return False
    count = at = 0
    # The brackets between one string and the next, counted by bytes.count: the loop runs once
    # per string, not once per bracket.
    for string in _STRING_ONLY.finditer(raw):
        count += raw.count(b"[", at, string.start()) + raw.count(b"{", at, string.start())
        if count > limit:
            return True
        at = string.end()
    count += raw.count(b"[", at) + raw.count(b"{", at)
    return count > limit


def contains_nul(value: Any) -> bool:
    """Whether any text in ``value`` (a string, or the strings and keys of nested lists and
    dicts) holds a NUL character, which PostgreSQL cannot store and SQLite would keep."""
    return any("\x00" in text for text in _strings(value))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def json_has_nul(raw: bytes) -> bool:
    # A NUL can only reach a JSON string as the escape \u0000; skip the parse when it is absent.
    if b"\x00" in raw:
        return True
    if b"\\u0000" not in raw.lower():
        return False
    try:
        document = json.loads(raw)
    except ValueError:
        return False  # not JSON: the view reports that
    return contains_nul(document)


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self.problem(request)
        if problem is not None:
            status, field, message = problem
            return refuse(request, status, field, message)
        return self.get_response(request)

    def problem(self, request: HttpRequest) -> tuple[int, str, str] | None:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return 400, "query", _("contains a NUL character, which we cannot store")
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            return 400, "query", _("contains a NUL character, which we cannot store")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.content_type or ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = _content_length(request)
        if not content_type.startswith("multipart/") and limit is not None and length > limit:
            return 413, "body", _("is larger than %(limit)s bytes") % {"limit": limit}
        try:
            if content_type in FORM_TYPES:
                for key, values in request.POST.lists():
                    if "\x00" in key or any("\x00" in value for value in values):
                        return 400, key, _("contains a NUL character, which we cannot store")
            # The API reads every body that is not multipart as JSON, whatever its declared type
            # (a client that forgets the header, curl -d's form type, text/plain), so each is
            # scanned as JSON there; on pages, only the JSON types are.
            scan_as_json = content_type in JSON_TYPES or (
                request.path.startswith("/api/") and not content_type.startswith("multipart/")
            )
            if scan_as_json:
                raw = request.body
                if json_depth_exceeds(raw, MAX_JSON_DEPTH):
                    return (
                        400,
                        "body",
                        _("nests deeper than %(limit)s levels") % {"limit": MAX_JSON_DEPTH},
                    )
                if json_has_nul(raw):
                    return 400, "body", _("contains a NUL character, which we cannot store")
        except RequestDataTooBig:
            return 413, "body", _("is larger than %(limit)s bytes") % {"limit": limit}
        except TooManyFieldsSent:
            return 400, "body", _("has too many fields")
        return None


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def refuse(request: HttpRequest, status: int, field: str, message: str) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body([(field, message)]), status=status)
    else:
        text = _("We could not accept this request: %(field)s %(message)s.") % {
            "field": field,
            "message": message,
        }
        response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    # Answered before the privacy headers' middleware runs: never kept by a cache either.
    add_never_cache_headers(response)
    return response
