"""Every file of an export, in the order they are written and imported, and the README about them.

The order matters on import: the profile first (its time zone decides which night each cramp
belongs to), then the program before the sessions and changes that belong to it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from crampcare.diary.transfer.account_files import ACCESS_TOKENS
from crampcare.diary.transfer.assessment_files import ASSESSMENTS
from crampcare.diary.transfer.diary_files import CHECKINS, EPISODES, FACTORS, PROFILE
from crampcare.diary.transfer.formats import FORMAT_NAME, FORMAT_VERSION, DataFile
from crampcare.diary.transfer.insights_files import SELF_TESTS
from crampcare.diary.transfer.program_files import (
    PROGRAM,
    PROGRAM_CHANGES,
    REMINDERS_SENT,
    SESSIONS,
)

FILES: tuple[DataFile, ...] = (
    PROFILE,
    EPISODES,
    CHECKINS,
    FACTORS,
    ASSESSMENTS,
    PROGRAM,
    PROGRAM_CHANGES,
    SESSIONS,
    REMINDERS_SENT,
    SELF_TESTS,
    ACCESS_TOKENS,
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
            "A blank cell means \u201cnot said\u201d. Dates look like 2024-06-04. Times of day "
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
