"""docs/cli.md, generated from the commands' own --help (so the reference cannot drift).

Regenerate with: .venv/bin/python -m crampcare.cli_reference > docs/cli.md
"""

from __future__ import annotations

import os
from unittest import mock

WIDTH = "100"


def render() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
    django.setup()
    from django.core.management import get_commands, load_command_class

    from crampcare.cli import COMMANDS, usage

    commands = get_commands()
    parts = [
        "# The `crampcare` command",
        "",
        "Generated from `--help` by `python -m crampcare.cli_reference`; a test keeps it current.",
        "",
        "```text",
        usage(),
        "```",
    ]
    # argparse wraps to the terminal width: fix it so the output is the same everywhere.
    with mock.patch.dict(os.environ, {"COLUMNS": WIDTH}):
        for name, (command, _) in COMMANDS.items():
            parser = load_command_class(commands[command], command).create_parser("crampcare", name)
            help_text = parser.format_help().rstrip()
            parts += ["", f"## crampcare {name}", "", "```text", help_text, "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
