"""Every file of an export, in the order they are written and imported, and the README about them.

Each app declares its files (``<app>/data_files.py``); this is the one ordered list of them.
The order matters on import: the profile first (its time zone decides which night each cramp
belongs to), then the program before the sessions and changes that belong to it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from crampcare.accounts import data_files as account_files
from crampcare.accounts.datafiles.formats import DataFile
from crampcare.assessment import data_files as assessment_files
from crampcare.care import data_files as care_files
from crampcare.diary import data_files as diary_files
from crampcare.insights import data_files as insights_files
from crampcare.programs import data_files as program_files

FORMAT_NAME = "crampcare.diary"
# Version 2 added the assessment, program, self-test and access-token files to version 1's diary.
FORMAT_VERSION = 2

# Each app declares its own files in its data_files.py; they are written and imported in this
# order of apps (the diary's profile first), and in each app's own order.
FILES: tuple[DataFile, ...] = (
    *diary_files.FILES,
    *assessment_files.FILES,
    *program_files.FILES,
    *insights_files.FILES,
    *care_files.FILES,
    *account_files.FILES,
)
BY_NAME: dict[str, DataFile] = {file.name: file for file in FILES}
README = "README.txt"


def readme() -> str:
    """The README.txt in the zip: each file and its columns, from the definitions above."""
    lines = [
        _("Your crampcare data (format %(name)s, version %(version)d)")
        % {"name": FORMAT_NAME, "version": FORMAT_VERSION},
        "",
        _(
            "Each .csv file is UTF-8 text with a header row, one record per row, oldest first. "
            "A blank cell means “not said”. Dates look like 2024-06-04. Times of day "
            "look like 22:30. Exact times are in UTC, like 2024-06-05T01:14:05Z (except a "
            "cramp's start, which is your own clock time with its offset). Structured values "
            "are JSON. A text that starts with = + - or @ gets an apostrophe in front, so a "
            "spreadsheet does not run it as a formula; import takes it off again."
        ),
        "",
        _(
            "You can bring these files back into crampcare, here or on another server (Your data, "
            "in your account settings). Entries already there are updated, not doubled."
        ),
    ]
    for file in FILES:
        lines += ["", file.name, "=" * len(file.name), str(file.about)]
        width = max(len(column.name) for column in file.columns)
        lines += [f"  {column.name.ljust(width)}  {column.about}" for column in file.columns]
        if file.key:
            lines.append(_("  Same entry on import: same %(key)s.") % {"key": " + ".join(file.key)})
    return "\n".join(lines) + "\n"
