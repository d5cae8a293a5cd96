"""The assessment as FHIR: one Questionnaire built from the questionnaire's own pages and
questions (``assessment.questionnaire.STEPS``), and a QuestionnaireResponse per assessment.

A page is a group item (its slug the linkId), each of its questions an item named by its field
in the answers (docs/assessment.md) or by its red flag's id. Choices are codings of a crampcare
code system whose codes are the answers' own values; a red flag's answer is yes, no or unsure
("not sure" is an answer of its own, never read as no).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.questionnaire import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireItemAnswerOption,
)
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)

from crampcare.accounts.models import User
from crampcare.assessment import services as assessments
from crampcare.assessment.models import Assessment
from crampcare.assessment.questionnaire import STEPS, Step, red_flags
from crampcare.assessment.schema import FIELD_KINDS
from crampcare.portability import fhir_codes as codes
from crampcare.portability.fhir_resources import reference, resource_id

WHOLE_NUMBERS = frozenset({"age", "pregnancy_weeks"})
# Free text, one answer per medicine.
TEXT_LISTS = frozenset({"medications"})
FLAG_ANSWERS = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))


def questionnaire_url() -> str:
    return f"{settings.SITE_URL}/fhir/Questionnaire/assessment"


def answer_system() -> str:
    return codes.site_system("assessment-answer")


def assessment_resources(
    user: User, patient_uuid: str
) -> Iterator[tuple[str, Questionnaire | QuestionnaireResponse]]:
    rows = list(assessments.list_for(user, user).order_by("created_at", "id"))
    if not rows:
        return
    questionnaire_uuid = resource_id(user, "questionnaire", "assessment")
    yield questionnaire_uuid, build_questionnaire(questionnaire_uuid)
    for assessment in rows:
        uuid = resource_id(user, "assessment", assessment.pk)
        yield uuid, response(assessment, uuid, patient_uuid)


# -- the questionnaire ---------------------------------------------------------------------------


def build_questionnaire(resource_uuid: str) -> Questionnaire:
    return Questionnaire(
        id=resource_uuid,
        url=questionnaire_url(),
        name="CrampcareAssessment",
        title="Leg cramps: what might cause them and when to see a doctor",
        status="active",
        subjectType=["Patient"],
        item=[_group(step) for step in STEPS],
    )


def _group(step: Step) -> QuestionnaireItem:
    return QuestionnaireItem(
        linkId=step.slug,
        text=str(step.title),
        type="group",
        item=_flag_items(step) if step.asks_red_flags else _field_items(step),
    )


def _field_items(step: Step) -> list[QuestionnaireItem]:
    form = step.form_class()
    return [_question(name, form.fields[name]) for name in step.form_class.answer_fields]


def _question(name: str, field: forms.Field) -> QuestionnaireItem:
    text = str(field.label or name)
    if name in TEXT_LISTS:
        return QuestionnaireItem(linkId=name, text=text, type="string", repeats=True)
    kind = FIELD_KINDS.get(name, "choices")
    if kind == "bool":
        return QuestionnaireItem(linkId=name, text=text, type="boolean")
    if kind == "number":
        number = "integer" if name in WHOLE_NUMBERS else "decimal"
        return QuestionnaireItem(linkId=name, text=text, type=number)
    options = [
        QuestionnaireItemAnswerOption(valueCoding=_coding(str(value), str(label)))
        for value, label in getattr(field, "choices", ())
        if value != ""
    ]
    return QuestionnaireItem(
        linkId=name, text=text, type="choice", repeats=kind == "choices", answerOption=options
    )


def _flag_items(step: Step) -> list[QuestionnaireItem]:
    options = [
        QuestionnaireItemAnswerOption(valueCoding=_coding(value, label))
        for value, label in FLAG_ANSWERS
    ]
    return [
        QuestionnaireItem(
            linkId=flag.id, text=flag.question.get(), type="choice", answerOption=options
        )
        for flag in red_flags(step.flag_ids)
    ]


@cache
def _coding(code: str, display: str) -> Coding:
    return Coding(system=answer_system(), code=code, display=display)


# -- a response ----------------------------------------------------------------------------------


def response(
    assessment: Assessment, resource_uuid: str, patient_uuid: str
) -> QuestionnaireResponse:
    answers = assessment.answers or {}
    groups = []
    for step in STEPS:
        items = (
            _flag_answers(step, answers) if step.asks_red_flags else _field_answers(step, answers)
        )
        if items:
            groups.append(
                QuestionnaireResponseItem(linkId=step.slug, text=str(step.title), item=items)
            )
    return QuestionnaireResponse(
        id=resource_uuid,
        questionnaire=questionnaire_url(),
        status="completed" if assessment.completed else "in-progress",
        subject=reference(patient_uuid),
        authored=assessment.updated_at,
        item=groups or None,
    )


def _field_answers(step: Step, answers: Mapping[str, Any]) -> list[QuestionnaireResponseItem]:
    form = step.form_class()
    items = []
    for name in step.form_class.answer_fields:
        values = _values(name, answers.get(name), form.fields[name])
        if values:
            items.append(QuestionnaireResponseItem(linkId=name, answer=values))
    return items


def _values(name: str, value: Any, field: forms.Field) -> list[QuestionnaireResponseItemAnswer]:
    if value is None or value == "" or value == []:
        return []
    if name in TEXT_LISTS:
        return [QuestionnaireResponseItemAnswer(valueString=str(item)) for item in value]
    kind = FIELD_KINDS.get(name, "choices")
    if kind == "bool":
        return [QuestionnaireResponseItemAnswer(valueBoolean=bool(value))]
    if kind == "number":
        if name in WHOLE_NUMBERS:
            return [QuestionnaireResponseItemAnswer(valueInteger=int(value))]
        return [QuestionnaireResponseItemAnswer(valueDecimal=value)]
    labels = {str(key): str(label) for key, label in getattr(field, "choices", ())}
    items = value if isinstance(value, list) else [value]
    return [
        QuestionnaireResponseItemAnswer(
            valueCoding=_coding(str(item), labels.get(str(item), str(item)))
        )
        for item in items
    ]


def _flag_answers(step: Step, answers: Mapping[str, Any]) -> list[QuestionnaireResponseItem]:
    symptoms = answers.get("symptoms") or {}
    labels = dict(FLAG_ANSWERS)
    items = []
    for flag_id in step.flag_ids:
        if flag_id not in symptoms:
            continue  # not asked, or not answered: left out, never "no"
        value = symptoms[flag_id]
        code = "unsure" if value is None else "yes" if value else "no"
        items.append(
            QuestionnaireResponseItem(
                linkId=flag_id,
                answer=[QuestionnaireResponseItemAnswer(valueCoding=_coding(code, labels[code]))],
            )
        )
    return items
