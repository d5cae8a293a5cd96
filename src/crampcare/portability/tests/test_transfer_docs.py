"""docs/diary.md lists each export file, its columns, its key and its JSON section: keep it in
step with the definitions the export, the import and the README.txt are made from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crampcare.accounts.datafiles.formats import DataFile
from crampcare.portability import services as portability
from crampcare.portability.layout import FORMAT_VERSION

DOC = (Path(__file__).resolve().parents[4] / "docs" / "diary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("file", portability.FILES, ids=lambda file: file.name)
def test_it_documents_each_file_with_its_columns_in_order(file: DataFile) -> None:
    assert f"- `{file.name}`: `{','.join(file.header)}`" in DOC


def test_it_documents_each_natural_key() -> None:
    table = dict(re.findall(r"^   \| `([a-z_]+\.csv)` \| (.+) \|$", DOC, flags=re.MULTILINE))
    imported = {file.name: file for file in portability.FILES if file.imported and file.key}
    one_row = {file.name for file in portability.FILES if file.imported and file.one_row}
    assert set(table) == set(imported) | (one_row - {"profile.csv"})
    for name, file in imported.items():
        assert re.findall(r"`([a-z_]+)`", table[name]) == list(file.key), name


def test_it_documents_the_json_document_sections_and_version() -> None:
    sections = ", ".join(f'"{file.section}"' for file in portability.FILES)
    document = f'"version": {FORMAT_VERSION}, "exported_at", {sections}'
    assert document in " ".join(DOC.split())
