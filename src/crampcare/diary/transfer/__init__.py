"""Export, import and their shared CSV format: used by the data page, the API and tests."""

from crampcare.diary.transfer.exporting import (
    csv_files,
    export_document,
    export_filename,
    export_zip,
)
from crampcare.diary.transfer.importing import ImportReport, Problem, import_zip

__all__ = [
    "ImportReport",
    "Problem",
    "csv_files",
    "export_document",
    "export_filename",
    "export_zip",
    "import_zip",
]
