"""The README and docs/ name only files and folders that exist (a moved module takes its docs along)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "src" / "crampcare"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

# `code` spans and Markdown links that look like a path in this repository.
# Folders count when they start from the top of the repository (`var/` and URL paths are not files).
CODE_PATH = re.compile(
    r"`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.*<>-]+)*\.(?:py|md|html|js|css|yaml|toml)"
    r"|(?:src|docs|benchmarks|scripts|\.ci)(?:/[A-Za-z0-9_.*<>-]+)*/?)`"
)
LINK_PATH = re.compile(r"\]\((?!https?:|#|mailto:)([^)#\s]+)")
# Names of files inside an export archive, not in the repository.
NOT_IN_THE_REPOSITORY = {"README.txt"}


def _exists(path: str, doc: Path) -> bool:
    if "<" in path or "*" in path:  # a pattern such as `src/crampcare/<app>/`
        parent = path.split("<")[0].split("*")[0].rstrip("/")
        return any(base.joinpath(parent).exists() for base in (ROOT, doc.parent, PACKAGE.parent))
    bases = (ROOT, doc.parent, ROOT / "src", PACKAGE)
    if any((base / path).exists() for base in bases):
        return True
    # A bare file name (`services.py`) or a path inside an app (`stats/messages.py`) is fine when
    # one file of the package ends with it.
    return any(PACKAGE.rglob(path.rstrip("/")))


def _named_paths(doc: Path) -> set[str]:
    text = doc.read_text(encoding="utf-8")
    found = {match.group(1) for match in CODE_PATH.finditer(text)}
    found |= {match.group(1) for match in LINK_PATH.finditer(text)}
    return {
        path for path in found if path not in NOT_IN_THE_REPOSITORY and ("." in path or "/" in path)
    }


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_it_names_only_files_that_exist(doc: Path) -> None:
    missing = sorted(path for path in _named_paths(doc) if not _exists(path, doc))
    assert not missing, f"{doc.relative_to(ROOT)} names files that do not exist: {missing}"
