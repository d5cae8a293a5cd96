"""Small checks the data files' and services' import rules share, each naming its column."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

# A phone's clock can run a little ahead of the server's; a few minutes is not "the future".
CLOCK_SLACK = timedelta(minutes=5)

# Enough to find and fix the problem without burying the rest of the report.
_SHOWN_PROBLEMS = 3

Errors = dict[str, str]


def not_in_future(errors: Errors, column: str, value: datetime | None) -> None:
    if value is not None and value > timezone.now() + CLOCK_SLACK:
        errors.setdefault(column, _("That time is in the future."))


def fits(errors: Errors, column: str, schema: type[BaseModel], value: Any) -> None:
    """Whether ``value`` has the shape ``schema`` describes; if not, say where it differs."""
    try:
        schema.model_validate(value)
    except PydanticValidationError as error:
        errors.setdefault(column, pydantic_problems(error))


def pydantic_problems(error: PydanticValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in problem['loc']) or '(whole value)'}: {problem['msg']}"
        for problem in error.errors()
    ]
    shown = "; ".join(problems[:_SHOWN_PROBLEMS])
    if len(problems) > _SHOWN_PROBLEMS:
        shown += " " + _("(and %(count)d more)") % {"count": len(problems) - _SHOWN_PROBLEMS}
    return _("does not have the expected shape: %(problems)s") % {"problems": shown}


def raise_if_any(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)
