"""The `crampcare` command: a friendly front for crampcare's Django management commands."""

from __future__ import annotations

import os
import sys

# Our commands, as people type them -> the management command behind them.
COMMANDS = {
    "serve": ("serve", "Apply pending migrations and run the production web server."),
    "backup": ("backup", "Copy the database safely while the app runs."),
    "demo": ("demo", "Create a demo account filled with realistic data."),
    "assess": ("assess", "Triage a questionnaire given as JSON (file or - for stdin)."),
    "import": (
        "import_data",
        "Import a health app's export into a diary (apple-health FILE --user EMAIL).",
    ),
    "send-reminders": (
        "send_reminders",
        "Close ended program weeks and send tonight's due reminders (safe to repeat; "
        "--enqueue queues them for a worker).",
    ),
    "worker": (
        "worker",
        "Run background tasks and queue the reminder run every few minutes.",
    ),
    "migrate": ("migrate", "Apply database migrations."),
    "createsuperuser": ("createsuperuser", "Create an administrator account."),
    "check": ("check", "Check the configuration (add --deploy for production)."),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [
        "usage: crampcare COMMAND [options]",
        "",
        "crampcare helps people with leg cramps. Commands:",
        "",
    ]
    lines += [f"  {name.ljust(width)}  {help_text}" for name, (_, help_text) in COMMANDS.items()]
    lines += [
        "",
        "Run 'crampcare COMMAND --help' for a command's options.",
        "'crampcare manage ...' runs any other Django management command.",
        "Configuration is by environment variables; see docs/configuration.md.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name == "manage":
        command = rest
    elif name in COMMANDS:
        command = [COMMANDS[name][0], *rest]
    else:
        print(f"crampcare: unknown command {name!r}.\n\n{usage()}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    from crampcare.config import ConfigError

    try:
        execute_from_command_line(["crampcare", *command])
    except ConfigError as problem:
        # A setting that cannot work (read when Django starts): say which, without a traceback.
        print(f"crampcare: configuration problem: {problem}", file=sys.stderr)
        print("See docs/configuration.md.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
