"""`crampcare assess --json FILE`: triage answers from a file or stdin, print the result JSON.

Nothing is stored. stdout carries only the result, so the output can be piped into other tools;
every problem goes to stderr, one line per invalid field, with exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crampcare.assessment import services
from crampcare.assessment.errors import InvalidAnswers, parse_json_object

# argparse's own usage errors also exit with 2, so every kind of bad input shares one code.
EXIT_INVALID = 2


class Command(BaseCommand):
    help = (
        "Triage a leg-cramp questionnaire given as JSON and print the result as JSON on stdout. "
        "The input and output fields are described in docs/assessment.md. Nothing is stored. "
        "Exit status 0 on success; 2 with one message per invalid field on stderr."
    )
    # Evaluating needs no database, so skip the checks: they would slow it and could print.
    requires_system_checks: list[str] = []
    # Django's options still work; hiding them keeps --help about this command.
    suppressed_base_arguments = {
        "--version",
        "--verbosity",
        "--settings",
        "--pythonpath",
        "--traceback",
        "--no-color",
        "--force-color",
    }

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            dest="source",
            metavar="FILE",
            required=True,
            help="The answers as a JSON object: a file path, or - to read standard input.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        try:
            text = self._read(source)
            result = services.evaluate(parse_json_object(text))
        except InvalidAnswers as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise SystemExit(EXIT_INVALID) from None
        except OSError as error:
            self.stderr.write(f"{source}: {error.strerror or error}")
            raise SystemExit(EXIT_INVALID) from None
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _read(self, source: str) -> str:
        if source == "-":
            return sys.stdin.read()
        return Path(source).read_text(encoding="utf-8")
