"""Django's ``makemessages``, also extracting the insights' plural texts (docs/translation.md).

The statistics are pure Python (``crampcare.core``) and mark a singular and plural pair with
``ngettext_noop(singular, plural)``; xgettext knows that name only when told, as here.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]
