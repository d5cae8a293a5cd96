"""Bad assessment input, described field by field in plain words.

The API, the CLI and the questionnaire pages report problems the same way: one message per field,
named by the dotted path of docs/assessment.md (``age``, ``cramp_times.1``, ``symptoms.sore_toe``).
pydantic's own messages ("Input should be greater than or equal to 18") are rewritten here using
the limits declared in the schema ("must be between 18 and 120").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annotated_types import Ge, Le
from django.utils.translation import gettext as _
from pydantic import ValidationError

from crampcare.api_errors import error_body
from crampcare.assessment.schema import AssessmentInput

# The key for problems with the request as a whole (not JSON, not an object, a contradiction).
BODY = "body"


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidAnswers(ValueError):
    """Input that cannot be assessed; ``problems`` holds every bad field at once."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> InvalidAnswers:
        return cls(describe(error))

    def as_api_body(self) -> dict[str, Any]:
        """The JSON error shape every crampcare API route uses (see crampcare/api.py)."""
        return error_body((problem.field, problem.message) for problem in self.problems)


class NotJSON(InvalidAnswers):
    """The text could not be decoded at all (the API answers 400 rather than 422)."""


def parse_json_object(raw: bytes | str) -> dict[str, Any]:
    """Decode a request body or file; anything but a JSON object is one ``body`` problem."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text)
    except UnicodeDecodeError:
        raise NotJSON([FieldProblem(BODY, _("is not UTF-8 text"))]) from None
    except json.JSONDecodeError as error:
        message = _("is not valid JSON (%(error)s at line %(line)d, column %(column)d)") % {
            "error": error.msg,
            "line": error.lineno,
            "column": error.colno,
        }
        raise NotJSON([FieldProblem(BODY, message)]) from None
    if not isinstance(data, dict):
        raise InvalidAnswers([FieldProblem(BODY, _("must be a JSON object"))])
    return data


def describe(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors(include_url=False):
        location = [str(part) for part in item["loc"]]
        bad_key = "[key]" in location
        parts = [part for part in location if part != "[key]"]
        field = ".".join(parts) or BODY
        problems.append(FieldProblem(field, _message(item, parts, bad_key=bad_key)))
    return problems


def _message(item: Mapping[str, Any], parts: list[str], *, bad_key: bool) -> str:
    kind = item["type"]
    context = item.get("ctx") or {}
    if bad_key and parts[:1] == ["symptoms"]:
        return _("is not a red-flag question we know (the ids are listed in docs/assessment.md)")
    if kind == "extra_forbidden":
        return _("is not a field we know")
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return _range_message(parts[0] if len(parts) == 1 else "", kind, context)
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("must be a whole number")
    if kind in {"float_type", "float_parsing"}:
        return _("must be a number")
    if kind == "finite_number":
        return _("must be a finite number")
    if kind in {"bool_type", "bool_parsing"}:
        if parts[:1] == ["symptoms"]:
            return _("must be true, false or null")
        return _("must be true or false")
    if kind == "literal_error":
        return _("must be %(choices)s") % {"choices": context.get("expected", "")}
    if kind == "string_type":
        return _("must be text")
    if kind == "string_too_short":
        return _("must not be empty")
    if kind == "string_too_long":
        return _("must be at most %(count)s characters") % {"count": context.get("max_length")}
    if kind == "too_long":
        return _("can have at most %(count)s items") % {"count": context.get("max_length")}
    if kind == "list_type":
        return _("must be a list")
    if kind in {"dict_type", "model_type"}:
        return _("must be an object")
    if kind == "value_error":
        return str(context.get("error", item["msg"]))
    message = str(item["msg"])
    if message.startswith("Input should be "):
        return _("must be %(choices)s") % {"choices": message.removeprefix("Input should be ")}
    return message


def _range_message(field: str, kind: str, context: Mapping[str, Any]) -> str:
    low, high = _limits(field)
    if low is not None and high is not None:
        return _("must be between %(low)s and %(high)s") % {
            "low": _number(low),
            "high": _number(high),
        }
    limit = next(iter(context.values()), "")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("must be at least %(limit)s") % {"limit": _number(limit)}
    return _("must be at most %(limit)s") % {"limit": _number(limit)}


def _limits(field: str) -> tuple[Any, Any]:
    info = AssessmentInput.model_fields.get(field)
    if info is None:
        return None, None
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    return low, high


def _number(value: Any) -> str:
    # 1200.0 reads as "1200": the limits are whole numbers even on fields that take decimals.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
