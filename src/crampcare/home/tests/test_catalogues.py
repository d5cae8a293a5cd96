"""Spanish throughout (issue 14): what "done" means for the translations.

(a) every catalogue is finished: each entry translated (every plural form), none fuzzy, the
    placeholders and HTML tags of its msgid kept; (b) each catalogue is up to date with the
    sources: makemessages, run afresh in a copy of the package, finds exactly its messages;
(c) the committed ``.mo`` says what its ``.po`` says; (d) every text in every content file has
    its Spanish.

A failure lists exactly what is missing. Catalogues and content files whose Spanish is still
being written are expected to fail (strict: the mark goes once they pass).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from pydantic import BaseModel

from crampcare.home import catalogues
from crampcare.home.catalogues import CATALOGUES, LANGUAGES, Catalogue
from crampcare.knowledge.base import CONTENT_DIR, Text, exercise_file_names, read_yaml

# Catalogues and content files whose Spanish is still being written: none. A new catalogue or
# content file may be named here while its Spanish is written (strict: the mark goes once it
# passes).
PENDING_TRANSLATED: set[str] = set()
PENDING_COMPILED: set[str] = set()
PENDING_UP_TO_DATE: set[str] = set()
PENDING_CONTENT: set[str] = set()


def _by_catalogue(pending: set[str]) -> list[Any]:
    params = []
    for catalogue in CATALOGUES:
        for language in LANGUAGES:
            marks = []
            if catalogue.name in pending:
                marks.append(
                    pytest.mark.xfail(
                        strict=True,
                        reason=f"the {language} catalogue of {catalogue.name} is being written",
                    )
                )
            params.append(
                pytest.param(catalogue, language, marks=marks, id=f"{catalogue.name}-{language}")
            )
    return params


@pytest.mark.parametrize(("catalogue", "language"), _by_catalogue(PENDING_TRANSLATED))
def test_every_message_is_translated(catalogue: Catalogue, language: str) -> None:
    found = catalogues.problems(catalogue.po(language))
    assert not found, f"{catalogue.po(language)}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize(("catalogue", "language"), _by_catalogue(PENDING_COMPILED))
def test_the_compiled_catalogue_matches_its_source(catalogue: Catalogue, language: str) -> None:
    po = catalogue.po(language)
    assert po.exists(), f"{po}: no catalogue yet"
    found = catalogues.compiled_differences(po)
    assert not found, (
        f"{catalogue.mo(language)} is out of date (scripts/messages compile):\n  "
        + "\n  ".join(found)
    )


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The package's sources without their catalogues, for makemessages to fill afresh."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.skip("GNU gettext is not installed (scripts/ensure-gettext installs it)")
    root = tmp_path_factory.mktemp("sources") / "crampcare"
    shutil.copytree(
        catalogues.PACKAGE,
        root,
        ignore=shutil.ignore_patterns("__pycache__", "*.po", "*.mo", "static", "content"),
    )
    # Nothing may reach the real catalogues, whatever makemessages decides.
    with override_settings(LOCALE_PATHS=[root / "locale"]):
        yield root


@pytest.mark.parametrize(("catalogue", "language"), _by_catalogue(PENDING_UP_TO_DATE))
def test_the_catalogue_has_every_message_of_the_sources(
    catalogue: Catalogue, language: str, package_copy: Path
) -> None:
    po = catalogue.po(language)
    assert po.exists(), f"{po}: no catalogue yet (scripts/messages makes it)"
    catalogues.make(catalogue, package_copy, [language])
    from_sources = catalogues.message_ids(catalogue.po(language, package_copy))
    committed = catalogues.message_ids(po)
    new = sorted(from_sources - committed)
    gone = sorted(committed - from_sources)
    differences = new + gone
    assert not differences, (
        f"{po} is not up to date with the sources (run scripts/messages):\n"
        + "".join(f"  not in the catalogue: {msgid!r}\n" for _, msgid, _ in new)
        + "".join(f"  no longer in the sources: {msgid!r}\n" for _, msgid, _ in gone)
    )


def test_the_project_catalogue_leaves_the_apps_with_their_own_to_them() -> None:
    project = next(catalogue for catalogue in CATALOGUES if catalogue.name == "project")
    apps = {catalogue.folder for catalogue in CATALOGUES if catalogue.name != "project"}
    assert apps <= set(project.ignore)
    for app in apps:
        assert (catalogues.PACKAGE / app / "apps.py").exists()


def test_placeholders_are_compared_as_written() -> None:
    assert catalogues.placeholders("%(n)s of {total} <b>x</b> 5%%") == sorted(
        ["%(n)s", "{total}", "<b>", "</b>", "%%"]
    )
    assert catalogues.placeholders('Revoke<span class="visually-hidden"> %(name)s</span>') == [
        "%(name)s",
        "</span>",
        '<span class="visually-hidden">',
    ]


# --- content -------------------------------------------------------------------------------------


def _texts(node: object, where: str) -> Iterator[tuple[str, Text]]:
    """Every ``Text`` inside parsed content, with a readable path to it."""
    if isinstance(node, Text):
        yield where, node
    elif isinstance(node, BaseModel):
        for field in type(node).model_fields:
            yield from _texts(getattr(node, field), f"{where}.{field}")
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            yield from _texts(item, f"{where}[{getattr(item, 'id', None) or index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{where}[{key}]")


def _content_by_file() -> dict[str, list[tuple[str, object]]]:
    """Each content file's parsed items, as the app loads them."""
    from crampcare.assessment.clinical import load_clinical
    from crampcare.knowledge.emergency import load_numbers
    from crampcare.knowledge.loader import get_library
    from crampcare.programs.reasons import plan_reasons

    library = get_library()
    clinical = load_clinical()
    files: dict[str, list[tuple[str, object]]] = {
        "references.yaml": list(library.references.items()),
        "topics.yaml": [*library.topics.items(), ("disclaimer", library.disclaimer)],
        "muscles.yaml": list(library.muscles.items()),
        "relief.yaml": [("relief", library.relief)],
        "medicines.yaml": [("medicines", clinical.medicines)],
        "conditions.yaml": [(item.id, item) for item in clinical.conditions],
        "red_flags.yaml": [(item.id, item) for item in clinical.red_flags],
        "triage_rules.yaml": [(item.id, item) for item in clinical.rules],
        "contributors.yaml": [(item.id, item) for item in clinical.contributors],
        "plan_reasons.yaml": list(plan_reasons().items()),
        "emergency_numbers.yaml": [("numbers", load_numbers())],
    }
    for name in exercise_file_names():
        ids = [item["id"] for item in read_yaml(name)["exercises"]]
        files[name] = [(exercise_id, library.exercises[exercise_id]) for exercise_id in ids]
    return files


def _content_files() -> list[Any]:
    names = sorted(str(path.relative_to(CONTENT_DIR)) for path in CONTENT_DIR.rglob("*.yaml"))
    return [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=f"the Spanish of {name} is being written")]
            if name in PENDING_CONTENT
            else [],
            id=name,
        )
        for name in names
    ]


def test_every_content_file_is_walked() -> None:
    on_disk = {str(path.relative_to(CONTENT_DIR)) for path in CONTENT_DIR.rglob("*.yaml")}
    assert set(_content_by_file()) == on_disk


@pytest.mark.parametrize("name", _content_files())
def test_every_content_text_has_its_spanish(name: str) -> None:
    missing = [
        where
        for item_id, item in _content_by_file()[name]
        for where, text in _texts(item, str(item_id))
        if not (text.es or "").strip()
    ]
    assert not missing, f"{name}: {len(missing)} texts have no es:\n  " + "\n  ".join(missing)
