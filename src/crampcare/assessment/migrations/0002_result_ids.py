"""Saved results keep the ids of the rules and factors, not the words they were shown in.

Each reason's and risk factor's ``message``, ``action`` and ``references`` are dropped where they
are exactly what the content files say for its id (rule id, factor id, medicine class or
condition, with the statin action that depends on the rules that fired) in a language the
content has; the words are then rendered when the result is read, in the reader's language
(assessment/rendering.py). A reason or factor whose words match nothing (worded by an older
version, or its id since removed) keeps them as stored and is shown as is. Reversing writes the
English words back into every result, in the shape results were saved in before.
"""

from typing import Any

from django.db import migrations

from crampcare.assessment.rendering import ids_to_words, words_to_ids


def _convert(apps: Any, convert: Any) -> None:
    # The plain base manager: a migration sees every person's rows, not one owner's.
    model = apps.get_model("assessment", "Assessment")
    for row in model._base_manager.only("id", "result").iterator():
        if not isinstance(row.result, dict) or not row.result:
            continue
        result = convert(row.result)
        if result != row.result:
            model._base_manager.filter(pk=row.pk).update(result=result)


def forward(apps: Any, schema_editor: Any) -> None:
    _convert(apps, words_to_ids)


def backward(apps: Any, schema_editor: Any) -> None:
    _convert(apps, ids_to_words)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
