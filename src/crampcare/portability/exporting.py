"""Everything a person has stored, as CSV files in a zip or as one JSON document.

One query per file, whatever the amount of data. Secrets are never part of it (see
``program_files`` and ``account_files``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from crampcare.accounts.datafiles.formats import Column, instant_in
from crampcare.accounts.models import User
from crampcare.portability.layout import FILES, FORMAT_NAME, FORMAT_VERSION, README, readme

# A fixed timestamp inside the zip, so the same data always gives the same bytes.
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def csv_files(user: User) -> dict[str, str]:
    """Each CSV file by name, as text, in the order of ``layout.FILES``."""
    local = instant_in(user.zone)
    files = {}
    for file in FILES:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(file.header)
        for row in file.rows(user):
            writer.writerow([_cell(column, row, local) for column in file.columns])
        files[file.name] = out.getvalue()
    return files


def _cell(column: Column, row: Any, local: Callable[[datetime], str]) -> str:
    value = getattr(row, column.name)
    if column.local_time:
        return local(value)
    return column.dump(value)


def export_zip(user: User) -> bytes:
    """The CSV files and a README.txt about them, in a zip: the format ``import_zip`` reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in {README: readme(), **csv_files(user)}.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def export_document(user: User) -> dict[str, Any]:
    """The same data as one JSON-ready document, with JSON's own types.

    A file with one row per person (profile, program) is one object (or null); the others are
    lists. JSON columns are nested values here rather than text.
    """
    local = instant_in(user.zone)
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
    }
    for file in FILES:
        rows = [
            {column.name: _json_value(column, row, local) for column in file.columns}
            for row in file.rows(user)
        ]
        document[file.section] = (rows[0] if rows else None) if file.one_row else rows
    return document


def _json_value(column: Column, row: Any, local: Callable[[datetime], str]) -> Any:
    value = getattr(row, column.name)
    if column.local_time:
        return local(value)
    return column.to_json(value)


def export_filename(user: User, extension: str) -> str:
    return f"crampcare-data-{timezone.localdate(timezone=user.zone).isoformat()}.{extension}"
