"""Testing the Spanish interface: Spanish active for what a test renders, a browser that asks
for Spanish, and a page's text as a person reads it. (That every catalogue is complete and keeps
its placeholders is home/tests/test_catalogues.py.)"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import Client
from django.utils import translation

from crampcare.accounts.models import User


@contextmanager
def spanish_site() -> Iterator[None]:
    """Spanish active for what the test renders itself."""
    with translation.override("es"):
        yield


def spanish_client(person: User | None = None) -> Client:
    """A test client whose browser asks for Spanish, signed in as ``person`` if given."""
    client = Client(headers={"accept-language": "es"})
    if person is not None:
        client.force_login(person)
    return client


def text_of(body: bytes) -> str:
    """A page as a person reads it: scripts and tags removed, entities decoded, spaces collapsed."""
    text = re.sub(r"<script.*?</script>", " ", body.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
