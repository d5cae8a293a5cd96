"""A FHIR resource, already built and validated by fhir.resources, as JSON-ready data, fast.

The library's own ``model_dump`` walks every element a resource type has (about a hundred for
an Observation) through a Python serializer per element: about half a millisecond for one small
Observation, seconds for years of diary. This walks the same elements in the same order
(``elements_sequence``) but reads only the values set, and writes primitives as the library
does (pydantic's JSON form for dates and times; a whole ``Decimal`` as an integer, any other as
a float). The tests check that its output is exactly the library's, resource by resource, and
that the bundle parses back to the same JSON (``tests/test_fhir_export.py``).

Primitive extensions (``_birthDate``) and FHIR comments are never set by the export, so they
are not written.
"""

from __future__ import annotations

import decimal
from functools import cache
from typing import Any, TypeVar

import pydantic_core
from fhir_core.fhirabstractmodel import FHIRAbstractModel

M = TypeVar("M", bound=FHIRAbstractModel)

# Models built once and shared by many resources (a code, a category), with their data: written
# once, copied after. Kept alive here, so an id is never reused by another object.
_SHARED: dict[int, tuple[FHIRAbstractModel, dict[str, Any]]] = {}


def shared(model: M) -> M:
    """Mark ``model`` as built once and never changed, so its data is worked out once."""
    _SHARED.setdefault(id(model), (model, as_data(model)))
    return model


@cache
def _fields(cls: type[FHIRAbstractModel]) -> dict[str, tuple[int, str]]:
    """Each element of ``cls``: its place in FHIR's order and its JSON key, by attribute."""
    aliases = cls.get_alias_mapping()
    fields = cls.model_fields
    out = {}
    for place, element in enumerate(cls.elements_sequence()):
        attribute = aliases[element]
        out[attribute] = (place, fields[attribute].alias or attribute)
    return out


def as_data(model: FHIRAbstractModel) -> dict[str, Any]:
    """``model`` as the library's ``model_dump(mode="json")`` gives it."""
    known = _SHARED.get(id(model))
    if known is not None:
        return known[1]  # read only, like the model it stands for
    out: dict[str, Any] = {}
    if model.has_resource_base():
        out["resourceType"] = model.get_resource_type()
    values = model.__dict__
    fields = _fields(type(model))
    # Only the elements given when the model was built (a few of its hundred), in FHIR's order.
    for _, key, attribute in sorted(
        (fields[name][0], fields[name][1], name)
        for name in model.model_fields_set
        if name in fields
    ):
        value = values.get(attribute)
        if value is None or (isinstance(value, list) and not value):
            continue
        out[key] = _value(value)
    return out


def _value(value: Any) -> Any:
    if isinstance(value, FHIRAbstractModel):
        return as_data(value)
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, decimal.Decimal):
        exponent = value.as_tuple().exponent
        if (
            value.is_finite()
            and value == value.to_integral_value()
            and isinstance(exponent, int)
            and exponent >= 0
        ):
            return int(value)
        return float(value)
    return pydantic_core.to_jsonable_python(value)
