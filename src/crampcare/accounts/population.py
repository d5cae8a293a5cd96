"""The aggregate door: numbers about many people at once, never anyone's rows.

``for_user`` and ``for_reader`` (``ownership.py``) open one person's records to one reader.
Outcomes for an organisation are a different kind of read: one number (a count, a median) made
from the records of everyone in a group. ``population_read(actor, population, what=...)`` is the
only way to make one:

- the registered ``PopulationAccess`` decides: its ``members(actor, population)`` returns the
  ids of the people in the group as a queryset of one column when ``actor`` may read
  aggregates over them, or None when not (then ``ReadRefused``, and nothing is recorded);
- its ``audit`` receives one ``PopulationRecord`` (who, which group, what, when, from where)
  before anything is read: one record for the aggregate read, not one in each person's log;
- the ``Population`` handed back runs SQL over the group's rows and answers **one row** of
  aggregates: a statement that would return more than one row raises ``NotAnAggregate``.
  ``{owners}`` in the SQL stands for the subquery of the group's ids.

The care app registers the install's access (``care/access.py``): only an admin of an
organisation passes for its members. With none registered every such read is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, models
from django.utils import timezone

from crampcare.accounts.ownership import ReadRefused, _person_id

__all__ = [
    "NotAnAggregate",
    "Population",
    "PopulationAccess",
    "PopulationRecord",
    "population_read",
    "register_population_access",
]


@dataclass(frozen=True)
class PopulationRecord:
    """One aggregate read over a group: what the audit hook is given."""

    actor_id: int
    population: Any  # the group as the access knows it (an organisation)
    what: str  # which aggregate, e.g. "outcomes"
    at: datetime
    origin: str = ""


@dataclass(frozen=True)
class PopulationAccess:
    """Who may read aggregates over which group, and where each read is recorded."""

    members: Callable[[Any, Any], models.QuerySet[Any] | None]
    audit: Callable[[PopulationRecord], None]


_population_access: PopulationAccess | None = None


def register_population_access(access: PopulationAccess | None) -> PopulationAccess | None:
    """Install the population access (the care app does, at start); returns the one replaced."""
    global _population_access
    previous, _population_access = _population_access, access
    return previous


class NotAnAggregate(RuntimeError):
    """A statement through the aggregate door returned rows instead of one row of aggregates."""


# Only ``population_read`` holds this, so a ``Population`` cannot be made around the door.
_DOOR = object()


class Population:
    """A group of people whose records may be summed up, not read. Made only by
    ``population_read``; answers one row per statement."""

    def __init__(
        self, owners: models.QuerySet[Any], *, using: str = "default", door: object = None
    ) -> None:
        if door is not _DOOR:
            raise TypeError("A Population is made only by population_read().")
        self._owners = owners
        self._using = using

    @property
    def vendor(self) -> str:
        """The database's kind ("postgresql", "sqlite"), for the few statements that differ."""
        return connections[self._using].vendor

    def one_row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        """Run ``sql`` and return its one row. ``{owners}`` (any number of times) stands for the
        subquery of the group's ids; ``params`` fill the statement's own ``%s`` in order."""
        owners_sql, owners_params = self._owners.query.sql_with_params()
        parts = sql.split("{owners}")
        given = list(params)
        ordered: list[Any] = []
        for index, part in enumerate(parts):
            if index:
                ordered.extend(owners_params)
            wanted = part.replace("%%", "").count("%s")
            ordered.extend(given[:wanted])
            given = given[wanted:]
        if given:
            raise ValueError("More parameters than placeholders.")
        with connections[self._using].cursor() as cursor:
            cursor.execute(owners_sql.join(parts), ordered)
            rows = cursor.fetchmany(2)
        if len(rows) != 1:
            raise NotAnAggregate("A population read must answer exactly one row of aggregates.")
        return tuple(rows[0])


def population_read(actor: Any, population: Any, *, what: str, origin: str = "") -> Population:
    """Open the aggregate door for ``actor`` over ``population``, recording the read once;
    ``ReadRefused`` (and no record) when the registered access says no."""
    actor_id = _person_id(actor)
    access = _population_access
    owners = None if actor_id is None or access is None else access.members(actor, population)
    if actor_id is None or access is None or owners is None:
        raise ReadRefused("No access to numbers about this group.")
    access.audit(
        PopulationRecord(
            actor_id=actor_id, population=population, what=what, at=timezone.now(), origin=origin
        )
    )
    return Population(owners, using=owners.db, door=_DOOR)
