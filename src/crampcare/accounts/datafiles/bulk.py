"""Saving rows read from an export in bulk: what each app's import entry point is built on.

An app's entry point (``diary.services.import_episodes``, ...) takes records its own check has
passed and calls ``save_as_given`` inside the importer's short transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crampcare.accounts.models import User
    from crampcare.accounts.ownership import OwnedModel


def save_as_given(
    model: type[OwnedModel], user: User, records: list[Any], update_fields: list[str] | None
) -> None:
    """Insert ``records`` (``update_fields`` None), or update those fields of existing ones,
    each in one bulk query, keeping the times the records carry rather than the time of saving.

    Only ``user``'s own records: anything else is a programming error, refused before writing.
    """
    if any(record.owner_id != user.pk for record in records):
        raise ValueError(f"{model.__name__}: every record must belong to the person importing")
    # Through the person's own rows: the scoped manager refuses bulk writes that name nobody.
    manager: Any = model.objects.for_user(user)
    if update_fields is not None:
        manager.bulk_update(records, update_fields)
        return
    # Django stamps auto_now/auto_now_add fields as it inserts; an update puts the given ones back.
    stamped = [
        field.name
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    kept = [{name: getattr(record, name) for name in stamped} for record in records]
    manager.bulk_create(records)
    given = [name for name in stamped if all(values[name] is not None for values in kept)]
    if not given or not records:
        return
    for record, values in zip(records, kept, strict=True):
        for name in given:
            setattr(record, name, values[name])
    manager.bulk_update(records, given)
