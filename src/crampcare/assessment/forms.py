"""The questionnaire's forms: each reads and writes its own fields of the answers payload.

A form turns what people type into payload values (``to_answers``) and back (``initial_from``);
the payload is then validated as a whole by the assessment schema, so the page can never store
something the API would refuse. Answers left blank are stored as ``null`` ("not answered"), and a
red-flag question skipped or answered "not sure" stays unanswered, to be asked again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotated_types import MaxLen
from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crampcare.assessment.clinical import RedFlag, load_clinical
from crampcare.assessment.schema import AssessmentInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FIELD_TEMPLATE = "assessment/_field.html"
YES, NO, UNSURE = "yes", "no", "unsure"
MAX_MEDICINES: int = next(
    limit.max_length
    for limit in AssessmentInput.model_fields["medications"].metadata
    if isinstance(limit, MaxLen)
)
# A new line, comma or semicolon separates medicines; "/" and "+" stay inside a name because
# they join the parts of a combination product ("fluticasone/salmeterol").
_MEDICINE_SEPARATORS = re.compile(r"[\n\r,;]+")


def yes_no(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[(YES, _("Yes")), (NO, _("No"))],
        coerce=lambda value: value == YES,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "options inline"}),
    )


def _as_choice(value: Any) -> str | None:
    if value is True:
        return YES
    if value is False:
        return NO
    return None


def _number(
    label: StrOrPromise, help_text: StrOrPromise, *, whole: bool, low: int, high: int
) -> Any:
    field_class = forms.IntegerField if whole else forms.FloatField
    attrs = {"inputmode": "numeric" if whole else "decimal", "class": "short"}
    return field_class(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        required=False,
        widget=forms.NumberInput(attrs={**attrs, "step": "1" if whole else "any"}),
    )


@dataclass(frozen=True)
class Reveal:
    """Show a field only when another question has one of some answers (progressive
    enhancement: without JavaScript every field shows)."""

    controller: str
    shown_for: tuple[str, ...] = ()
    hidden_for: tuple[str, ...] = ()


class StepForm(forms.Form):
    # payload keys this form owns
    answer_fields: tuple[str, ...] = ()
    reveals: Mapping[str, Reveal] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, answers: Mapping[str, Any]) -> dict[str, Any]:
        initial = {}
        for name in cls.answer_fields:
            value = answers.get(name)
            initial[name] = _as_choice(value) if isinstance(value, bool) else value
        return initial

    def to_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers with this form's fields replaced (blank ones stored as null)."""
        updated = dict(answers)
        for name in self.answer_fields:
            value = self.cleaned_data.get(name)
            # A choice left blank arrives as "": it means "not answered", which is null.
            updated[name] = None if value == "" else value
        return updated

    def items(self) -> list[tuple[forms.BoundField, Reveal | None]]:
        return [(self[name], self.reveals.get(name)) for name in self.fields]


class AboutYouForm(StepForm):
    answer_fields = ("age", "sex", "pregnant", "pregnancy_weeks")
    reveals = {
        "pregnant": Reveal("sex", hidden_for=("male",)),
        "pregnancy_weeks": Reveal("pregnant", shown_for=(YES,)),
    }

    age = _number(
        _("How old are you?"),
        _("In years. This check is for adults (18 and over)."),
        whole=True,
        low=18,
        high=120,
    )
    sex = forms.ChoiceField(
        label=_("What is your sex?"),
        choices=[("female", _("Female")), ("male", _("Male")), ("other", _("Another answer"))],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "options"}),
    )
    pregnant = yes_no(_("Are you pregnant?"))
    pregnancy_weeks = _number(
        _("How many weeks pregnant are you?"),
        _("An estimate is fine."),
        whole=True,
        low=0,
        high=45,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Weeks typed in and then "not pregnant" chosen: say so rather than guess which is right.
        if data.get("pregnant") is False and data.get("pregnancy_weeks") is not None:
            self.add_error(
                "pregnancy_weeks",
                _("You said you are not pregnant. Clear the weeks, or change that answer."),
            )
        return data


class CrampsForm(StepForm):
    answer_fields = (
        "cramp_times",
        "muscles",
        "sides",
        "cramps_per_week",
        "typical_severity",
        "typical_duration_minutes",
        "months_since_onset",
        "sleep_disrupted",
    )

    cramp_times = forms.MultipleChoiceField(
        label=_("When do your cramps happen?"),
        help_text=_("Choose all that apply."),
        choices=[
            ("night", _("At night, in bed")),
            ("day", _("During the day, at rest")),
            ("during_exercise", _("While exercising")),
            ("after_exercise", _("After exercising")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "options"}),
    )
    muscles = forms.MultipleChoiceField(
        label=_("Which muscles cramp?"),
        help_text=_("Choose all that apply."),
        choices=[
            ("calf", _("Calf (back of the lower leg)")),
            ("foot", _("Foot or toes")),
            ("hamstring", _("Back of the thigh (hamstring)")),
            ("quadriceps", _("Front of the thigh (quadriceps)")),
            ("other", _("Somewhere else")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "options"}),
    )
    sides = forms.ChoiceField(
        label=_("Which leg?"),
        choices=[
            ("left", _("Always the left")),
            ("right", _("Always the right")),
            ("both", _("Both at once")),
            ("alternating", _("Sometimes one, sometimes the other")),
        ],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "options"}),
    )
    cramps_per_week = _number(
        _("About how many cramps do you have in a week?"),
        _("A rough count is fine. If it is less than one a week, you can write 0.5."),
        whole=False,
        low=0,
        high=500,
    )
    typical_severity = _number(
        _("How painful is a typical cramp, from 0 to 10?"),
        _("0 is no pain; 10 is the worst pain you can imagine."),
        whole=False,
        low=0,
        high=10,
    )
    typical_duration_minutes = _number(
        _("How many minutes does a typical cramp last?"),
        _("Under a minute? Write 0.5."),
        whole=False,
        low=0,
        high=1440,
    )
    months_since_onset = _number(
        _("How many months ago did your cramps start?"),
        _("A year is 12 months."),
        whole=False,
        low=0,
        high=1200,
    )
    sleep_disrupted = yes_no(_("Do your cramps wake you or keep you awake?"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # With broken sleep, the number of cramps decides whether to suggest seeing a doctor
        # (hazard T25), so it cannot be skipped.
        if data.get("sleep_disrupted") is True and data.get("cramps_per_week") is None:
            self.add_error(
                "cramps_per_week",
                _(
                    "Please give a rough number. When cramps disturb your sleep, how often "
                    "they happen tells us whether to suggest seeing a doctor."
                ),
            )
        return data


class MedicinesForm(StepForm):
    answer_fields = ("medications", "started_medication_recently")

    medications = forms.CharField(
        label=_("Which medicines do you take?"),
        help_text=_(
            "One per line. The name on the box or the leaflet is fine, with or without the dose. "
            "Leave it empty if you take none."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )
    started_medication_recently = yes_no(
        _("Did your cramps start or get worse after you began a new medicine?"),
    )

    @classmethod
    def initial_from(cls, answers: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(answers)
        initial["medications"] = "\n".join(answers.get("medications") or [])
        return initial

    def clean_medications(self) -> list[str]:
        names: list[str] = []
        for part in _MEDICINE_SEPARATORS.split(self.cleaned_data.get("medications", "")):
            name = " ".join(part.split())
            if name and name.casefold() not in {known.casefold() for known in names}:
                names.append(name)
        too_long = [name for name in names if len(name) > 100]
        if too_long:
            raise forms.ValidationError(
                _("This name is too long (100 characters at most): %(name)s"),
                params={"name": too_long[0][:40] + "…"},
            )
        if len(names) > MAX_MEDICINES:
            raise forms.ValidationError(
                ngettext(
                    "Please list at most %(count)d medicine.",
                    "Please list at most %(count)d medicines.",
                    MAX_MEDICINES,
                )
                % {"count": MAX_MEDICINES}
            )
        return names


class ConditionsForm(StepForm):
    answer_fields = ("conditions",)

    conditions = forms.MultipleChoiceField(
        label=_("Do you have any of these?"),
        help_text=_("Choose all that apply, or none."),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "options"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["conditions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(item.id, item.name.get()) for item in load_clinical().conditions]


class DailyLifeForm(StepForm):
    answer_fields = (
        "sitting_hours_per_day",
        "fluid_cups_per_day",
        "exercise_level",
        "exercise_in_heat",
        "footwear",
        "sleeping_position",
    )

    sitting_hours_per_day = _number(
        _("How many hours a day do you spend sitting?"),
        _("Include work, travel and screens. A rough number is fine."),
        whole=False,
        low=0,
        high=24,
    )
    fluid_cups_per_day = _number(
        _("How many cups of drink do you have in a day?"),
        _("Count every drink. A cup is about 250 ml (8 fl oz)."),
        whole=False,
        low=0,
        high=100,
    )
    exercise_level = forms.ChoiceField(
        label=_("How much do you exercise?"),
        choices=[
            ("none", _("Hardly at all")),
            ("light", _("Light: walking, gardening, gentle yoga")),
            ("moderate", _("Moderate: brisk walking, cycling, swimming")),
            ("intense", _("Hard: running, sport, heavy training")),
        ],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "options"}),
    )
    exercise_in_heat = yes_no(_("Do you often exercise or work hard in hot weather?"))
    footwear = forms.ChoiceField(
        label=_("What do you wear on your feet most days?"),
        choices=[
            ("supportive", _("Supportive shoes, such as trainers or laced shoes")),
            ("unsupportive", _("Flat or loose shoes, such as flip-flops or slippers")),
            ("high_heels", _("High heels")),
            ("barefoot", _("Mostly barefoot or in socks")),
        ],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "options"}),
    )
    sleeping_position = forms.ChoiceField(
        label=_("How do you usually lie when you sleep?"),
        help_text=_("The way you spend most of the night."),
        choices=[
            ("back", _("On my back")),
            ("side", _("On my side")),
            ("front", _("On my front")),
            ("varies", _("It varies")),
        ],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "options"}),
    )


class RedFlagsForm(StepForm):
    """Yes / no / not sure for a set of red-flag questions, named by their symptom ids."""

    def __init__(self, *args: Any, flags: Sequence[RedFlag], **kwargs: Any) -> None:
        self.flags = tuple(flags)
        super().__init__(*args, **kwargs)
        for flag in self.flags:
            self.fields[flag.id] = forms.ChoiceField(
                label=flag.question.get(),
                help_text=flag.help.get(),
                choices=self.choices(),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "options inline"}),
            )
            self.fields[flag.id].template_name = FIELD_TEMPLATE  # type: ignore[attr-defined]

    def choices(self) -> list[tuple[str, Promise]]:
        return [(YES, _("Yes")), (NO, _("No")), (UNSURE, _("Not sure"))]

    @staticmethod
    def flag_initial(flags: Sequence[RedFlag], answers: Mapping[str, Any]) -> dict[str, Any]:
        symptoms = answers.get("symptoms") or {}
        return {
            flag.id: _as_choice(symptoms[flag.id]) or UNSURE
            for flag in flags
            if flag.id in symptoms
        }

    def to_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        symptoms = dict(answers.get("symptoms") or {})
        for flag in self.flags:
            choice = self.cleaned_data.get(flag.id)
            if choice in (YES, NO):
                symptoms[flag.id] = choice == YES
            elif choice == UNSURE:
                symptoms[flag.id] = None
            else:
                # Skipped: left out, and so asked again on the result page.
                symptoms.pop(flag.id, None)
        return {**answers, "symptoms": symptoms}


class FollowUpFlagsForm(RedFlagsForm):
    """The unanswered red flags, asked again on the result page: yes or no only."""

    def choices(self) -> list[tuple[str, Promise]]:
        return [(YES, _("Yes")), (NO, _("No"))]

    def to_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        symptoms = dict(answers.get("symptoms") or {})
        for flag in self.flags:
            choice = self.cleaned_data.get(flag.id)
            # An answer left blank here keeps whatever was there ("not sure" stays "not sure").
            if choice in (YES, NO):
                symptoms[flag.id] = choice == YES
        return {**answers, "symptoms": symptoms}
