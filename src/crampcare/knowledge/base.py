"""Building blocks shared by every content schema.

User-facing text lives under a language key (``{en: "..."}``) so adding a language is translation
work. Anything that makes a claim carries ``references``: ids that must resolve to
``content/references.yaml`` (checked by the citation tests).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, field_validator

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_LANGUAGE = "en"

RefId = Annotated[str, Field(pattern=r"^R\d+$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]


class ContentModel(BaseModel):
    """Strict, immutable: an unknown key in a content file is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(ContentModel):
    """A piece of user-facing text in one or more languages; English is required."""

    en: str = Field(min_length=1)
    es: str | None = None

    def __str__(self) -> str:
        return self.get()

    def get(self, language: str | None = None) -> str:
        code = (language or get_language() or DEFAULT_LANGUAGE).split("-")[0]
        return getattr(self, code, None) or self.en


class Cited(ContentModel):
    """A claim-bearing block: it must name at least one reference."""

    references: list[RefId] = Field(min_length=1)

    @field_validator("references")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a reference id is listed twice")
        return value


# libyaml's parser when PyYAML has it (its wheels do): the content is some 600 KB of YAML that
# every process reads at start, which the pure-Python parser takes over a second to read.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def read_yaml(name: str) -> Any:
    """Parse one content file (cached: content is read once per process)."""
    with (CONTENT_DIR / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


def all_reference_ids_used() -> set[str]:
    """Every reference id named anywhere in any content file (walks the raw YAML)."""
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "references" and isinstance(value, list):
                    used.update(str(item) for item in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(CONTENT_DIR.rglob("*.yaml")):
        name = path.relative_to(CONTENT_DIR).as_posix()
        if name != "references.yaml":
            walk(read_yaml(name))
    return used


EXERCISES_DIR = "exercises"


def exercise_file_names() -> list[str]:
    """The exercise library's files (``exercises/*.yaml``), in name order."""
    return [
        f"{EXERCISES_DIR}/{path.name}"
        for path in sorted((CONTENT_DIR / EXERCISES_DIR).glob("*.yaml"))
    ]


def read_exercise_library() -> dict[str, Any]:
    """Every exercise file's ``exercises`` list joined into one document, files in name order."""
    exercises: list[Any] = []
    for name in exercise_file_names():
        data = read_yaml(name)
        if not isinstance(data, dict) or not isinstance(data.get("exercises"), list):
            raise ValueError(f"{name}: expected a top-level 'exercises' list")
        exercises.extend(data["exercises"])
    return {"exercises": exercises}
