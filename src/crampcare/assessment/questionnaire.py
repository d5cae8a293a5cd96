"""The questionnaire's steps: which questions each page asks, in what order, and how answers read.

Eight short pages, each owning some fields of the answers payload. The last three ask the
red-flag questions, grouped in plain language; a group's questions come from red_flags.yaml, and
every red flag is asked on exactly one page (tested).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from crampcare.assessment.clinical import RedFlag, load_clinical
from crampcare.assessment.forms import (
    NO,
    YES,
    AboutYouForm,
    ConditionsForm,
    CrampsForm,
    DailyLifeForm,
    MedicinesForm,
    RedFlagsForm,
    Reveal,
    StepForm,
)
from crampcare.assessment.logic import Facts, evaluate_condition
from crampcare.assessment.schema import validate_payload


@dataclass(frozen=True)
class FlagGroup:
    title: Promise
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A part of a page: an optional heading and the fields under it."""

    title: Promise | None
    items: list[tuple[forms.BoundField, Reveal | None]]


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    intro: Promise
    form_class: type[StepForm] = RedFlagsForm
    groups: tuple[FlagGroup, ...] = field(default=())

    @property
    def asks_red_flags(self) -> bool:
        return bool(self.groups)

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(flag for group in self.groups for flag in group.flags)

    def visited(self, answers: Mapping[str, Any]) -> bool:
        """Whether this page was saved before (a page saved blank still records its fields)."""
        if self.asks_red_flags:
            symptoms = answers.get("symptoms") or {}
            return any(flag in symptoms for flag in self.flag_ids)
        return any(name in answers for name in self.form_class.answer_fields)

    def flags_to_ask(self, answers: Mapping[str, Any]) -> list[RedFlag]:
        return [flag for flag in red_flags(self.flag_ids) if applies(flag, answers)]

    def build_form(
        self, answers: Mapping[str, Any], data: Mapping[str, Any] | None = None
    ) -> StepForm:
        if self.asks_red_flags:
            flags = self.flags_to_ask(answers)
            return RedFlagsForm(
                data, flags=flags, initial=RedFlagsForm.flag_initial(flags, answers)
            )
        return self.form_class(data, initial=self.form_class.initial_from(answers))

    def sections(self, form: StepForm) -> list[Section]:
        if not self.asks_red_flags:
            return [Section(None, form.items())]
        sections = []
        for group in self.groups:
            items: list[tuple[forms.BoundField, Reveal | None]] = [
                (form[name], None) for name in group.flags if name in form.fields
            ]
            if items:
                sections.append(Section(group.title, items))
        return sections


STEPS: tuple[Step, ...] = (
    Step(
        "about-you",
        _("About you"),
        _("A few facts that change what is likely to cause cramps."),
        AboutYouForm,
    ),
    Step(
        "your-cramps",
        _("Your cramps"),
        _("When they come, where, and how much they bother you."),
        CrampsForm,
    ),
    Step(
        "medicines",
        _("Your medicines"),
        _("Some medicines can bring on cramps. Include inhalers, injections and the pill."),
        MedicinesForm,
    ),
    Step(
        "health",
        _("Your health"),
        _("Some conditions make cramps more likely; others change which exercises suit you."),
        ConditionsForm,
    ),
    Step(
        "daily-life",
        _("Your day and night"),
        _("Everyday habits that can play a part, and that you can often change."),
        DailyLifeForm,
    ),
    Step(
        "leg-signs",
        _("Warning signs in your legs"),
        _(
            "These questions look for rare problems that can feel like a cramp. Most people "
            "answer no to all of them. If you are not sure, say so: we will ask again later."
        ),
        groups=(
            FlagGroup(
                _("Swelling, colour and warmth"),
                (
                    "calf_swelling_one_side",
                    "calf_red_warm",
                    "both_legs_swollen",
                    "leg_cold_pale_numb",
                    "fever_spreading_redness",
                ),
            ),
            FlagGroup(_("An operation, a plaster, bed rest or travel"), ("recent_clot_risk",)),
            FlagGroup(
                _("Pain that is not like a cramp"),
                (
                    "injury_at_onset",
                    "cramp_over_10_min_despite_stretching",
                    "calf_pain_walking_eases_with_rest",
                    "leg_pain_at_rest",
                    "urge_to_move_relieved_by_moving",
                ),
            ),
        ),
    ),
    Step(
        "nerves-and-muscles",
        _("Nerves and muscles"),
        _("Signs that the nerves or muscles themselves may need a doctor's look."),
        groups=(
            FlagGroup(
                _("Weakness, numbness and twitching"),
                (
                    "weakness",
                    "numbness_or_tingling",
                    "saddle_numbness_or_bladder_bowel",
                    "twitching",
                    "muscle_wasting",
                ),
            ),
            FlagGroup(
                _("Cramps in other places or at other times"),
                ("trunk_or_arm_cramps", "daytime_or_widespread_cramps"),
            ),
        ),
    ),
    Step(
        "other-signs",
        _("Other warning signs"),
        _("The last few questions. They matter even if they seem unrelated to your legs."),
        groups=(
            FlagGroup(_("Breathing and chest"), ("breathless_or_chest_pain", "coughing_blood")),
            FlagGroup(
                _("After exercise, heat, illness or an injury"),
                (
                    "dark_urine",
                    "extreme_muscle_pain_or_weakness",
                    "heavy_fluid_loss",
                    "confusion_drowsiness_or_fit",
                    "dirty_wound_or_toxin",
                ),
            ),
            FlagGroup(
                _("Pregnancy"),
                (
                    "pregnancy_bleeding_or_fluid_leak",
                    "pregnancy_contractions_or_dizziness",
                    "pregnancy_headache_or_vision",
                    "pregnancy_sudden_swelling",
                ),
            ),
        ),
    ),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)


def get_step(slug: str) -> Step | None:
    return next((step for step in STEPS if step.slug == slug), None)


def position(step: Step) -> int:
    """1-based, as people count: "Step 3 of 8"."""
    return STEPS.index(step) + 1


def neighbours(step: Step) -> tuple[Step | None, Step | None]:
    index = STEPS.index(step)
    before = STEPS[index - 1] if index > 0 else None
    after = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return before, after


def resume_step(answers: Mapping[str, Any]) -> Step:
    """Where to carry on: the first page not yet saved, else the last page."""
    return next((step for step in STEPS if not step.visited(answers)), STEPS[-1])


@cache
def _flags_by_id() -> dict[str, RedFlag]:
    return {flag.id: flag for flag in load_clinical().red_flags}


def red_flags(ids: Sequence[str]) -> list[RedFlag]:
    by_id = _flags_by_id()
    return [by_id[flag_id] for flag_id in ids]


def applies(flag: RedFlag, answers: Mapping[str, Any]) -> bool:
    """Ask a red flag unless it definitely does not apply (as triage decides ``incomplete``).

    A question already answered is always shown, so the answer can be seen and changed.
    """
    if flag.ask_if is None or flag.id in (answers.get("symptoms") or {}):
        return True
    try:
        facts = Facts(answers=validate_payload(answers))
    except ValidationError:
        return True
    return evaluate_condition(flag.ask_if, facts).truth is not False


# Reading answers back: the summary on the result page and the printout for a doctor.


@dataclass(frozen=True)
class StepSummary:
    step: Step
    rows: list[tuple[str, str]]


def summary(answers: Mapping[str, Any]) -> list[StepSummary]:
    """Every answer given, in the words of the question, page by page."""
    pages = []
    for step in STEPS:
        if step.asks_red_flags:
            symptoms = answers.get("symptoms") or {}
            rows = [
                (flag.question.get(), _flag_answer(symptoms, flag.id))
                for flag in step.flags_to_ask(answers)
            ]
        else:
            form = step.form_class()
            rows = [
                (str(form.fields[name].label), display(name, answers[name], form))
                for name in step.form_class.answer_fields
                if name in answers and _revealed(form.reveals.get(name), answers)
            ]
        pages.append(StepSummary(step, rows))
    return pages


def _revealed(reveal: Reveal | None, answers: Mapping[str, Any]) -> bool:
    """Whether a question shown only after another answer was on screen (as assessment.js
    decides), so "how many weeks pregnant" is not listed for someone who is not pregnant."""
    if reveal is None:
        return True
    value = answers.get(reveal.controller)
    choice = (YES if value else NO) if isinstance(value, bool) else value
    if reveal.shown_for and choice not in reveal.shown_for:
        return False
    return choice not in reveal.hidden_for


def _flag_answer(symptoms: Mapping[str, Any], flag_id: str) -> str:
    if flag_id not in symptoms:
        return _g("Not answered")
    value = symptoms[flag_id]
    if value is None:
        return _g("Not sure")
    return _g("Yes") if value else _g("No")


def display(name: str, value: Any, form: forms.Form) -> str:
    """One answer as a person reads it: choice labels, "Yes"/"No", numbers without ".0"."""
    if value is None or value == []:
        return _g("Not answered") if value is None else _g("None")
    if isinstance(value, bool):
        return _g("Yes") if value else _g("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    field_ = form.fields.get(name)
    choices = dict(getattr(field_, "choices", ()) or ())
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


@cache
def _form_for_field() -> dict[str, type[StepForm]]:
    return {
        name: step.form_class
        for step in STEPS
        if not step.asks_red_flags
        for name in step.form_class.answer_fields
    }


def explain_fired_by(fired_by: Mapping[str, Any]) -> list[str]:
    """The answers behind a triage reason, as short sentences ("Is one calf swollen…? Yes")."""
    lines = []
    flags = _flags_by_id()
    for key, value in fired_by.items():
        if key.startswith("symptoms."):
            flag = flags.get(key.removeprefix("symptoms."))
            if flag is not None:
                lines.append(f"{flag.question.get()} {_g('Yes')}")
            continue
        form_class = _form_for_field().get(key)
        if form_class is None:
            continue
        form = form_class()
        lines.append(f"{form.fields[key].label} {display(key, value, form)}")
    return lines
