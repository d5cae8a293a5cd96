"""Reading the JSON export back: each section becomes the CSV file it was made from.

The JSON document holds the same rows as the zip (``exporting.export_document``), with JSON's own
types. Turning each value back into the cell text the CSV export would have written means both
files go through one importer, with the same checks and messages, so they import exactly alike.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import ijson  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from crampcare.accounts.datafiles import cells
from crampcare.accounts.datafiles.formats import Column, DataFile
from crampcare.portability.archive import MAX_COLUMNS, ImportReport, Source, import_limits
from crampcare.portability.layout import FILES, FORMAT_NAME, FORMAT_VERSION

# How deep a document may nest, and how many values one row may hold. An export's row is one
# object with a list or two (an episode's "helped", a session's items, a program's plan): a few
# levels and a few hundred values. The bounds keep what one row costs to build small.
MAX_DEPTH = 64
MAX_ROW_VALUES = 100_000
_CHUNK = 1024 * 1024
_OPEN = {"start_map", "start_array"}
_CLOSE = {"end_map", "end_array"}


def looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


class _Unusable(Exception):
    """The document cannot be read as an export; the message says why, and ``where`` (a section,
    or the whole file when None)."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


@dataclass
class _Section:
    """What the first reading learnt of one section: its rows and the names they use."""

    file: DataFile
    rows: int = 0
    names: set[str] = field(default_factory=set)
    out: io.BytesIO | None = None


def document_files(data: bytes, report: ImportReport) -> dict[str, Source] | None:
    """The CSV files (UTF-8 bytes) the JSON export stands for; None (and problems) if unusable.

    The document is read as a stream of JSON events, twice: the first reading checks its shape
    and learns each section's columns without building anything; the second builds one row at a
    time and writes it as CSV. What an import costs is then the CSV text (no bigger than the
    document) and one row, whatever the document holds.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        _check_utf8(data)
        sections = _first_reading(data)
        _second_reading(data, sections)
    except _Unusable as error:
        report.add(error.where or _("the JSON file"), None, None, str(error))
        return None
    except ijson.JSONError as error:
        report.add(_("the JSON file"), None, None, _not_json(error))
        return None
    return {
        each.file.name: partial(io.BytesIO, each.out.getvalue())
        for each in sections.values()
        if each.out is not None
    }


def _check_utf8(data: bytes) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for at in range(0, len(data), _CHUNK):
            decoder.decode(data[at : at + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Unusable(_("is not UTF-8 text.")) from None


def _not_json(error: Exception) -> str:
    reason = error.args[0] if error.args else ""
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    first = str(reason).strip().splitlines()[0] if str(reason).strip() else ""
    return _("is not valid JSON: %(error)s") % {"error": first.rstrip(".")}


def _events(data: bytes) -> Iterator[tuple[int, str, Any]]:
    """Each JSON event with the depth it happens at (the top object's keys are at depth 1),
    refusing a document nested deeper than ``MAX_DEPTH`` before going further."""
    depth = 0
    for event, value in ijson.basic_parse(io.BytesIO(data), use_float=True):
        if event in _CLOSE:
            depth -= 1
        yield depth, event, value
        if event in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                raise _Unusable(_("is nested far too deeply to be a crampcare export."))


def _first_reading(data: bytes) -> dict[str, _Section]:
    """Check the document's shape, format, version and size; learn each section's columns."""
    by_section = {file.section: file for file in FILES}
    sections: dict[str, _Section] = {}
    top: dict[str, Any] = {}
    key: str | None = None
    section: _Section | None = None
    values = 0
    most = import_limits().rows
    for depth, event, value in _events(data):
        if depth == 0:
            if event != "start_map" and event != "end_map":
                raise _Unusable(_not_export())
            continue
        if depth == 1:
            if event == "map_key":
                key, section = value, None
                if key in top or key in sections:  # only those kept: other names are ignored
                    raise _Unusable(_("has “%(name)s” twice.") % {"name": key})
                continue
            assert key is not None
            file = by_section.get(key)
            if file is None:
                if key in ("format", "version") and event not in _OPEN | _CLOSE:
                    top[key] = value
                continue
            if event in _CLOSE:
                continue
            section = sections[key] = _Section(file)
            if file.one_row:
                if event == "null":
                    continue
                if event != "start_map":
                    raise _section_problem(file)
                section.rows, values = 1, 0
            elif event != "start_array":
                raise _section_problem(file)
            continue
        if section is None:
            continue  # inside something that is not a section
        row_depth = 1 if section.file.one_row else 2
        if depth == row_depth and not section.file.one_row:
            if event in _CLOSE:
                continue
            if event != "start_map":
                raise _section_problem(section.file)
            section.rows += 1
            values = 0
            if sum(each.rows for each in sections.values()) > most:
                raise _Unusable(
                    _("takes the import past %(count)s rows in all; split it into smaller files")
                    % {"count": f"{most:,}"},
                    key,
                )
            continue
        values += 1
        if values > MAX_ROW_VALUES:
            raise _Unusable(
                _("has a row of more than %(count)s values; no row of an export holds that many")
                % {"count": f"{MAX_ROW_VALUES:,}"},
                key,
            )
        if depth == row_depth + 1 and event == "map_key":
            section.names.add(value)
            if len(section.names) > MAX_COLUMNS:
                raise _Unusable(
                    _("uses more than %(count)d different names; an export's rows use a few dozen")
                    % {"count": MAX_COLUMNS},
                    key,
                )
    if top.get("format") != FORMAT_NAME:
        raise _Unusable(_not_export())
    version = top.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        raise _Unusable(
            _("has format version %(found)s; this crampcare reads versions 1 to %(latest)d.")
            % {"found": version, "latest": FORMAT_VERSION}
        )
    return sections


def _not_export() -> str:
    return _("is not a crampcare export (its “format” should be “%(name)s”).") % {
        "name": FORMAT_NAME
    }


def _section_problem(file: DataFile) -> _Unusable:
    if file.one_row:
        return _Unusable(_("should be an object or null"), file.section)
    return _Unusable(_("should be a list of objects"), file.section)


def _second_reading(data: bytes, sections: dict[str, _Section]) -> None:
    """Build each row in turn and write it to its section's CSV text."""
    writers = {}
    for name, section in sections.items():
        section.out = io.BytesIO()
        text = io.TextIOWrapper(section.out, encoding="utf-8", newline="", write_through=True)
        writers[name] = _Writer(section, text)
    writer: _Writer | None = None
    builder: ijson.ObjectBuilder | None = None
    for depth, event, value in _events(data):
        if depth == 1 and event == "map_key":
            writer = writers.get(value)
            continue
        if writer is None:
            continue
        row_depth = 1 if writer.section.file.one_row else 2
        if depth < row_depth or (depth == row_depth and event not in _OPEN | _CLOSE):
            continue  # the section's own list, or a one-row section that is null
        if depth == row_depth and event in _OPEN:
            builder = ijson.ObjectBuilder()
        assert builder is not None
        builder.event(event, value)
        if depth == row_depth and event in _CLOSE:
            writer.row(builder.value)
            builder = None
    for each in writers.values():
        each.close()


class _Writer:
    """One section as CSV text; a name that is no column becomes one, which the importer names."""

    def __init__(self, section: _Section, text: io.TextIOWrapper) -> None:
        self.section = section
        self.text = text
        file = section.file
        self.by_name = {column.name: column for column in file.columns}
        extra = sorted(name for name in section.names if name not in self.by_name)
        # Only the columns the rows have (or the whole header for an empty section), as in a CSV
        # a person wrote: a missing needed column is then reported as missing, like in the zip.
        self.header = [
            name for name in file.header if name in section.names or not section.rows
        ] + extra
        self.csv = csv.writer(text)
        self.csv.writerow(self.header)

    def row(self, row: dict[str, Any]) -> None:
        self.csv.writerow([_cell(self.by_name.get(name), row.get(name)) for name in self.header])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


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
