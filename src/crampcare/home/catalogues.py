"""The translation catalogues: where each lives, how its messages are made, and what a finished
one looks like (docs/translation.md).

Seven apps keep their own catalogue in ``<app>/locale/``; everything else (the project's
templates in ``templates/``, the top-level modules and the apps home, accounts, core and
idempotency) is in the project's catalogue, ``locale/`` (``settings.LOCALE_PATHS``).
``scripts/messages`` runs ``make`` and ``compile`` here; the completeness tests
(``home/tests/test_catalogues.py``) use the same definitions.

    python -m crampcare.home.catalogues          # make every catalogue from the sources, compile
    python -m crampcare.home.catalogues compile  # compile only (.po -> .mo)
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# The languages translated into (English, the language of the sources, needs no catalogue).
LANGUAGES = ("es",)
# The apps with a catalogue of their own.
APP_CATALOGUES = ("assessment", "care", "diary", "insights", "knowledge", "portability", "programs")
# What the project's catalogue leaves out: those apps, and code no one reads in the interface.
PROJECT_IGNORE = ("testing", "tests", "migrations", *APP_CATALOGUES)


@dataclass(frozen=True)
class Catalogue:
    name: str
    """``project`` or the app's name."""
    folder: str
    """Where makemessages runs, relative to the package (its ``locale/`` holds the catalogue)."""
    ignore: tuple[str, ...] = ()

    def po(self, language: str, package: Path = PACKAGE) -> Path:
        return package / self.folder / "locale" / language / "LC_MESSAGES" / "django.po"

    def mo(self, language: str, package: Path = PACKAGE) -> Path:
        return self.po(language, package).with_suffix(".mo")


CATALOGUES = (
    Catalogue("project", ".", PROJECT_IGNORE),
    *(Catalogue(app, app) for app in APP_CATALOGUES),
)


def make(
    catalogue: Catalogue, package: Path = PACKAGE, languages: Iterable[str] = LANGUAGES
) -> None:
    """Bring the catalogue's ``.po`` files up to date with the sources under ``package`` (the
    installed package, or a copy of it): Django's makemessages, run in the catalogue's folder
    (``cd <app> && django-admin makemessages -l es --no-location --no-obsolete``)."""
    from django.core.management import call_command

    folder = package / catalogue.folder
    # makemessages writes to the nearest locale/ folder it finds; without one it would fall back
    # to settings.LOCALE_PATHS, the project's catalogue.
    (folder / "locale").mkdir(exist_ok=True)
    with contextlib.chdir(folder):
        call_command(
            "makemessages",
            locale=list(languages),
            no_location=True,
            no_obsolete=True,
            ignore_patterns=list(catalogue.ignore),
            verbosity=0,
        )


def compile_all(package: Path = PACKAGE, languages: Iterable[str] = LANGUAGES) -> None:
    """Compile every ``.po`` under the package (each app's and the project's) into its ``.mo``."""
    from django.core.management import call_command

    with contextlib.chdir(package):
        call_command("compilemessages", locale=list(languages), verbosity=0)


# --- what a finished catalogue looks like ------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]"  # %(name)s
    r"|%[sdif%]"  # %s, %d, %%
    r"|\{[A-Za-z_0-9]*\}"  # {name}, {}
    r"|</?[A-Za-z][^>]*>"  # HTML tags
)


def placeholders(text: str) -> list[str]:
    """The parts of a message a translation must keep as they are, sorted."""
    return sorted(_PLACEHOLDER.findall(text))


def problems(po_path: Path) -> list[str]:
    """What keeps a catalogue from being finished, one line per entry: untranslated, fuzzy, a
    plural form missing, or placeholders not the msgid's."""
    import polib

    if not po_path.exists():
        return [f"{po_path}: no catalogue yet"]
    catalogue = polib.pofile(str(po_path))
    found = []
    if catalogue.metadata_is_fuzzy:
        found.append("the header is marked fuzzy")
    forms = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    plurals = int(forms.group(1)) if forms else 0
    if not plurals:
        found.append("the header has no Plural-Forms")
    for entry in catalogue:
        if entry.obsolete:
            continue
        name = repr(entry.msgid[:70])
        if "fuzzy" in entry.flags:
            found.append(f"{name}: fuzzy")
        if entry.msgid_plural:
            filled = {index: text for index, text in entry.msgstr_plural.items() if text}
            missing = [index for index in range(plurals) if index not in filled]
            if missing:
                found.append(f"{name}: no translation for plural form(s) {missing}")
            for index, text in filled.items():
                source = entry.msgid if index == 0 else entry.msgid_plural
                if placeholders(text) != placeholders(source):
                    found.append(
                        f"{name}: msgstr[{index}] has {placeholders(text)}, "
                        f"the msgid {placeholders(source)}"
                    )
        elif not entry.msgstr:
            found.append(f"{name}: not translated")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(
                f"{name}: msgstr has {placeholders(entry.msgstr)}, "
                f"the msgid {placeholders(entry.msgid)}"
            )
    return found


def message_ids(po_path: Path) -> set[tuple[str, str, str]]:
    """(context, msgid, plural) of every current entry."""
    import polib

    return {
        (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        for entry in polib.pofile(str(po_path))
        if not entry.obsolete
    }


def compiled_differences(po_path: Path) -> list[str]:
    """Where the committed ``.mo`` says something other than its ``.po`` (what msgfmt would
    compile: translated entries that are not fuzzy)."""
    import polib

    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path}: not compiled (run scripts/messages compile)"]

    def translations(entries: Iterable[polib._BaseEntry], fuzzy_counts: bool) -> dict[str, str]:
        table = {}
        for entry in entries:
            if not entry.msgid or getattr(entry, "obsolete", False):
                continue
            if not fuzzy_counts and "fuzzy" in entry.flags:
                continue
            key = f"{entry.msgctxt or ''}\x04{entry.msgid}"
            if entry.msgid_plural:
                forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
                if any(forms):
                    table[key] = "\x00".join(forms)
            elif entry.msgstr:
                table[key] = entry.msgstr
        return table

    wanted = translations(polib.pofile(str(po_path)), fuzzy_counts=False)
    compiled = translations(polib.mofile(str(mo_path)), fuzzy_counts=True)
    found = [
        f"{key.split(chr(4))[1][:70]!r}: missing from the .mo"
        for key in wanted.keys() - compiled.keys()
    ]
    found += [
        f"{key.split(chr(4))[1][:70]!r}: in the .mo only" for key in compiled.keys() - wanted.keys()
    ]
    found += [
        f"{key.split(chr(4))[1][:70]!r}: the .mo has another translation"
        for key in wanted.keys() & compiled.keys()
        if wanted[key] != compiled[key]
    ]
    return sorted(found)


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
    django.setup()
    if argv[:1] != ["compile"]:
        for catalogue in CATALOGUES:
            make(catalogue)
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
