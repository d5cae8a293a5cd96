"""Reading examples out of docs/assessment.md, so the tests keep the documentation honest."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[4] / "docs" / "assessment.md"


def section(title: str) -> str:
    """The text of one "## title" section, up to the next section at that level."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def json_blocks(text: str) -> list[Any]:
    return [json.loads(block) for block in blocks(text, "json")]
