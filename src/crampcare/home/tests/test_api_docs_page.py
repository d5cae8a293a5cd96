"""The API docs page as served: our template over django-ninja's (language, theme, fixes)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_serves_swagger_ui_with_a_language_our_styles_and_no_deep_links(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<html lang="en">', body)
    assert 'name="viewport"' in body
    assert re.search(r'href="/static/crampcare/api-docs\.[^"]*css"', body)
    assert re.search(r'src="/static/crampcare/api-docs\.[^"]*js"', body)
    settings = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', body, re.DOTALL
    )
    assert settings is not None
    # Deep links put a link inside each operation's button (axe: nested-interactive).
    assert json.loads(settings.group(1))["deepLinking"] is False
    # Nothing inline: the only scripts are files and the settings, which are data.
    assert "<style" not in body
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", body)
