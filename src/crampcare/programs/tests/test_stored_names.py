"""A plan stores each exercise's id and the name it had; pages, the calendar and reminder emails
show the library's name for that id, in the language active when read (so a name translated or
reworded later shows in plans stored before), and the stored name only for an exercise the
library no longer has."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.knowledge.loader import get_library
from crampcare.programs import calendar
from crampcare.programs.display import item_views
from crampcare.programs.models import Program
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db


def _rename_stored(program: Program, exercise_id: str | None, name: str) -> str:
    """Store ``name`` for the first bedtime item (and, given ``exercise_id``, that id)."""
    plan = program.plan
    item = plan["items"][0]
    if exercise_id is not None:
        item["exercise_id"] = exercise_id
    item["name"] = {"en": name}
    Program.objects.for_user(program.owner).filter(pk=program.pk).update(plan=plan)
    program.refresh_from_db()
    return str(item["exercise_id"])


def test_it_shows_the_librarys_name_for_a_stored_exercise(client: object, user: User) -> None:
    program = make_program(user)
    exercise_id = _rename_stored(program, None, "A name from long ago")
    library_name = get_library().exercises[exercise_id].name.get()
    item = program.get_plan().items[0]
    assert item.shown_name == library_name
    assert item_views([item])[0].name == library_name
    assert f"• {library_name}" in calendar._description(program)
    client.force_login(user)  # type: ignore[attr-defined]
    page = client.get(reverse("programs:plan")).content.decode()  # type: ignore[attr-defined]
    assert library_name in page
    assert "A name from long ago" not in page


def test_it_keeps_the_stored_name_of_an_exercise_the_library_no_longer_has(user: User) -> None:
    program = make_program(user)
    _rename_stored(program, "an-exercise-since-retired", "Wall calf stretch (old)")
    item = program.get_plan().items[0]
    assert item.shown_name == "Wall calf stretch (old)"
    assert item_views([item])[0].name == "Wall calf stretch (old)"


def test_it_words_a_stored_caution_as_the_library_does_now(user: User) -> None:
    from crampcare.programs.plan import Plan

    library = get_library().exercises
    exercise_id, caution = next(
        (exercise.id, exercise.cautions[0]) for exercise in library.values() if exercise.cautions
    )
    program = make_program(user)
    plan = program.plan
    item = plan["items"][0]
    item["exercise_id"] = exercise_id
    item["cautions"] = [
        {"condition": caution.condition, "advice": {"en": "Old words."}, "references": ["R1"]},
        {"condition": "a-condition-since-dropped", "advice": {"en": "Kept."}, "references": ["R1"]},
    ]
    shown = Plan.model_validate(plan).items[0].shown_cautions
    assert [each.advice.get() for each in shown] == [caution.advice.get(), "Kept."]
    assert shown[0].references == list(caution.references)
