"""A test ``ReaderAccess``: one person may read another's records, and every granted read is
kept, so a test can check that a read service goes through ``for_reader`` and is audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crampcare.accounts.models import User
from crampcare.accounts.ownership import (
    OwnedModel,
    ReaderAccess,
    ReadRecord,
    register_reader_access,
)


class Granting:
    """``allowed`` may read ``of``'s records, nobody else anyone's; ``records`` keeps the audit."""

    def __init__(self, allowed: User, of: User) -> None:
        self.allowed, self.of = allowed, of
        self.records: list[ReadRecord] = []

    def policy(self, actor: Any, subject: Any, model: type[OwnedModel]) -> bool:
        return bool(actor.pk == self.allowed.pk and subject.pk == self.of.pk)

    def audit(self, record: ReadRecord) -> None:
        self.records.append(record)

    @property
    def models(self) -> set[str]:
        """The models read so far (their labels)."""
        return {record.model for record in self.records}


@contextmanager
def granting(actor: User, subject: User) -> Iterator[Granting]:
    """Register a ``ReaderAccess`` letting ``actor`` read ``subject``'s records for the block."""
    grant = Granting(actor, subject)
    previous = register_reader_access(ReaderAccess(policy=grant.policy, audit=grant.audit))
    try:
        yield grant
    finally:
        register_reader_access(previous)
