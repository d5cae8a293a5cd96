"""Reading the JSON export back: each section becomes the CSV file it was made from.

The JSON document holds the same rows as the zip (``exporting.export_document``), with JSON's own
types. Turning each value back into the cell text the CSV export would have written means both
files go through one importer, with the same checks and messages, so they import exactly alike.
"""

from __future__ import annotations

import csv
import io
import json
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from crampcare.accounts.datafiles import cells
from crampcare.accounts.datafiles.formats import Column, DataFile
from crampcare.portability.archive import ImportReport, Source, import_limits
from crampcare.portability.layout import FILES, FORMAT_NAME, FORMAT_VERSION
from crampcare.request_guards import json_containers_exceed

# Lists and objects a document may hold per row of the import's row cap, plus a few for the
# document itself and a program's plan. An export's row is one object, and a list or two at most
# (an episode's "helped"); a session's items are more, but they make a long row.
CONTAINERS_PER_ROW = 2
CONTAINERS_MORE = 10_000


def looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def document_files(data: bytes, report: ImportReport) -> dict[str, Source] | None:
    """The CSV files (UTF-8 bytes) the JSON export stands for; None (and problems) if unusable."""

    def fail(message: str) -> None:
        report.add(_("the JSON file"), None, None, message)

    most = import_limits().rows
    containers = most * CONTAINERS_PER_ROW + CONTAINERS_MORE
    if json_containers_exceed(data, containers):
        # Checked before parsing: a document of millions of empty lists or objects ("[{},{},...]")
        # would cost hundreds of megabytes to build before any row could be counted.
        fail(
            _(
                "holds more than %(count)s lists and objects, more than an export of "
                "%(rows)s rows would; split it into smaller files"
            )
            % {"count": f"{containers:,}", "rows": f"{most:,}"}
        )
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        fail(_("is not UTF-8 text."))
        return None
    except RecursionError:
        fail(_("is nested far too deeply to be a crampcare export."))
        return None
    except ValueError as error:
        fail(_("is not valid JSON: %(error)s") % {"error": error})
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        fail(
            _("is not a crampcare export (its “format” should be “%(name)s”).")
            % {"name": FORMAT_NAME}
        )
        return None
    version = document.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        fail(
            _("has format version %(found)s; this crampcare reads versions 1 to %(latest)d.")
            % {"found": version, "latest": FORMAT_VERSION}
        )
        return None
    files: dict[str, Source] = {}
    rows_seen = 0
    for file in FILES:
        if file.section not in document:
            continue
        rows = _section_rows(file, document[file.section], report)
        if rows is None:
            continue
        rows_seen += len(rows)
        if rows_seen > most:
            report.add(
                file.section,
                None,
                None,
                _("takes the import past %(count)s rows in all; split it into smaller files")
                % {"count": f"{most:,}"},
            )
            return None
        files[file.name] = partial(io.BytesIO, _csv(file, rows, report).encode("utf-8"))
    if report.problems:
        return None
    return files


def _no_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a number") % {"name": name})


def _section_rows(file: DataFile, value: Any, report: ImportReport) -> list[dict[str, Any]] | None:
    if file.one_row:
        if value is None:
            return []
        if isinstance(value, dict):
            return [value]
        report.add(file.section, None, None, _("should be an object or null"))
        return None
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        report.add(file.section, None, None, _("should be a list of objects"))
        return None
    return value


def _csv(file: DataFile, rows: list[dict[str, Any]], report: ImportReport) -> str:
    """One section as CSV text; a key that is no column becomes one, which the importer names."""
    by_name = {column.name: column for column in file.columns}
    extra = sorted({key for row in rows for key in row if key not in by_name})
    present = {key for row in rows for key in row}
    # Only the columns the rows have (or the whole header for an empty section), as in a CSV a
    # person wrote: a missing needed column is then reported as missing, like in the zip.
    header = [name for name in file.header if name in present or not rows] + extra
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(by_name.get(name), row.get(name)) for name in header])
    return out.getvalue()


def _cell(column: Column | None, value: Any) -> str:
    """The text the CSV export writes for this JSON value."""
    if value is None:
        return ""
    if column is not None and column.holds_json:
        return cells.dump_json(value)
    if isinstance(value, bool):
        return cells.dump_answer(value)
    if (
        isinstance(value, list)
        and column is not None
        and column.load is cells.relief
        and all(isinstance(item, str) for item in value)
    ):
        return str(column.dump(value))  # a list column (what helped: "stretching;walking")
    if isinstance(value, dict | list):
        # No plain column holds a list or an object: its loader names the problem.
        return json.dumps(value)
    if isinstance(value, str):
        if column is not None and column.dump is cells.escape_text:
            return cells.escape_text(value)
        return value
    return str(value)
