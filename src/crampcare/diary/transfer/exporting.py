"""Everything a person has put in the diary, as CSV files in a zip or as one JSON document."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.diary.transfer.formats import (
    CHECKINS,
    EPISODES,
    FACTORS,
    FILES,
    FORMAT_NAME,
    FORMAT_VERSION,
    PROFILE,
    Column,
    instant_in,
)

# A fixed timestamp inside the zip, so the same diary always gives the same bytes.
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def _rows(user: User) -> dict[str, Iterable[Any]]:
    return {
        PROFILE: [user],
        EPISODES: CrampEpisode.objects.for_user(user).order_by("started_at", "pk"),
        CHECKINS: NightCheckin.objects.for_user(user).order_by("night"),
        FACTORS: DailyFactors.objects.for_user(user).order_by("date"),
    }


def csv_files(user: User) -> dict[str, str]:
    """The four CSV files by name, as text (four queries)."""
    dump_instant = instant_in(user.zone)
    files = {}
    for name, rows in _rows(user).items():
        columns = FILES[name]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([column.name for column in columns])
        for row in rows:
            writer.writerow([_cell(column, row, dump_instant) for column in columns])
        files[name] = out.getvalue()
    return files


def _cell(column: Column, row: Any, dump_instant: Any) -> str:
    value = getattr(row, column.name)
    if isinstance(value, datetime):
        return str(dump_instant(value))
    return column.dump(value)


def export_zip(user: User) -> bytes:
    """The CSV files in a zip: the format ``import_zip`` reads back."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(user).items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def export_document(user: User) -> dict[str, Any]:
    """The same data as one JSON-ready document, with JSON's own types."""
    dump_instant = instant_in(user.zone)
    rows = _rows(user)
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
        },
    }
    for name, key in ((EPISODES, "episodes"), (CHECKINS, "checkins"), (FACTORS, "factors")):
        columns = FILES[name]
        document[key] = [
            {
                column.name: _json_value(getattr(row, column.name), dump_instant)
                for column in columns
            }
            for row in rows[name]
        ]
    return document


def _json_value(value: Any, dump_instant: Any) -> Any:
    if isinstance(value, datetime):
        return dump_instant(value)
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_filename(user: User, extension: str) -> str:
    return f"crampcare-diary-{timezone.localdate(timezone=user.zone).isoformat()}.{extension}"
