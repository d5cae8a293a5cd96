"""Export, import and their shared CSV format: used by the data page, the API and tests.

An export holds all of a person's data, not only the diary: assessments, the program and its
sessions, self-tests and (exported only) access tokens. See docs/diary.md.
"""

from crampcare.portability.archive import ImportReport, Problem
from crampcare.portability.exporting import (
    csv_files,
    export_document,
    export_filename,
    export_zip,
)
from crampcare.portability.importing import import_zip
from crampcare.portability.layout import FILES, readme

__all__ = [
    "FILES",
    "ImportReport",
    "Problem",
    "csv_files",
    "export_document",
    "export_filename",
    "export_zip",
    "import_zip",
    "readme",
]
