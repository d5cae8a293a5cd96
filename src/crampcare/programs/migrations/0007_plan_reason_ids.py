"""Plans and sessions keep a reason id for each cited "why" line instead of its English words.

Each stored ``why`` ({"text": {"en": ...}, "references": [...]}) whose words and references are
exactly those of a reason in knowledge/content/plan_reasons.yaml becomes that reason's id; the
words are then rendered from the content file when the plan is read, in the reader's language.
A line that matches no reason (worded by an older version) is left as it was stored: the plan
schema still reads that shape (``reasons.KeptWhy``) and the pages show it as is, in English.
Reversing writes the English words back in the old shape, so the previous code can read the rows.
"""

from typing import Any

from django.db import migrations

from crampcare.programs.reasons import items_with, plan_with, why_to_id, why_to_words


def _convert(apps: Any, convert: Any) -> None:
    # The plain base managers: a migration sees every person's rows, not one owner's.
    program_model = apps.get_model("programs", "Program")
    session_model = apps.get_model("programs", "Session")
    for program in program_model._base_manager.only("id", "plan").iterator():
        plan = plan_with(program.plan, convert)
        if plan != program.plan:
            program_model._base_manager.filter(pk=program.pk).update(plan=plan)
    for session in session_model._base_manager.only("id", "items").iterator():
        items = items_with(session.items or [], convert)
        if items != (session.items or []):
            session_model._base_manager.filter(pk=session.pk).update(items=items)


def words_to_ids(apps: Any, schema_editor: Any) -> None:
    _convert(apps, why_to_id)


def ids_to_words(apps: Any, schema_editor: Any) -> None:
    _convert(apps, why_to_words)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_programchange_kinds_merged"),
    ]

    operations = [migrations.RunPython(words_to_ids, ids_to_words)]
