"""Dates written out in words read naturally in each language: "6 December 2026" in English,
"6 de diciembre de 2026" in Spanish (the date formats are translated strings; docs/translation.md)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DAY = date(2026, 12, 6)

TEMPLATE = Template('{{ day|date:_("j F Y") }} · {{ day|date:_("l j F") }}')


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "6 December 2026 · Sunday 6 December"),
        ("es", "6 de diciembre de 2026 · domingo 6 de diciembre"),
    ],
)
def test_a_template_writes_the_date_in_the_readers_language(language: str, expected: str) -> None:
    with translation.override(language):
        assert TEMPLATE.render(Context({"day": DAY})) == expected


def test_python_writes_the_same_dates() -> None:
    with translation.override("es"):
        assert date_format(DAY, _("j F Y")) == "6 de diciembre de 2026"
        moment = datetime(2026, 12, 6, 3, 5)
        assert date_format(moment, _("l j F, H:i")) == "domingo 6 de diciembre, 03:05"
