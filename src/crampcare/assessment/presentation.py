"""How a result reads on the page: what goes in the warning box, in what order, in which words.

The order is a safety decision (hazard T21): an emergency or same-day reason first, in a box of
its own; then the red-flag questions still unanswered; then reasons to book a doctor; then the
risk profile, with what you can change yourself first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from crampcare.assessment.clinical import RedFlag
from crampcare.assessment.forms import FollowUpFlagsForm
from crampcare.assessment.questionnaire import StepSummary, explain_fired_by, red_flags, summary
from crampcare.assessment.schema import result_status

HEADINGS: Mapping[str, Promise] = {
    "emergency": _("Call emergency services now"),
    "urgent": _("See a doctor today"),
    "see_doctor": _("Book an appointment with your doctor soon"),
    "self_care": _("Nothing in your answers needs a doctor soon"),
    "incomplete": _("Your check is not finished"),
}
# A pregnant person is sent to their midwife or maternity team, not a general appointment.
PREGNANCY_HEADINGS: Mapping[str, Promise] = {
    "urgent": _("Contact your midwife or maternity unit today"),
    "see_doctor": _("Talk to your midwife or doctor soon"),
}
BOX_INTROS: Mapping[str, Promise] = {
    "emergency": _(
        "Some of your answers can be signs of a serious problem that needs help straight away."
    ),
    "urgent": _("Some of your answers need a doctor to look at them today."),
}
BOX_NOTES: Mapping[str, Promise] = {
    # The numbers themselves come from emergency_numbers.yaml for the person's country (the call
    # buttons beside this note), never from a line that lists a few countries.
    "emergency": _(
        "If you cannot make the call yourself, ask someone near you to call. Do not drive yourself."
    ),
    "urgent": _(
        "If your doctor's surgery is closed, call an urgent care service. If things get worse "
        "quickly, call your emergency number."
    ),
}
PREGNANCY_BOX_INTROS: Mapping[str, Promise] = {
    "urgent": _(
        "Some of your answers need checking today by your midwife, maternity unit or a doctor."
    ),
}
PREGNANCY_BOX_NOTES: Mapping[str, Promise] = {
    "urgent": _(
        "If you cannot reach your midwife, call your maternity unit or an urgent care service. "
        "If things get worse quickly, call your emergency number."
    ),
}
# Short titles for the risk-profile cards. Medicines and conditions bring their own names.
CONTRIBUTOR_TITLES: Mapping[str, Promise] = {
    "age": _("Your age"),
    "pregnancy": _("Pregnancy"),
    "sitting": _("Sitting for long hours"),
    "fluids_low": _("Drinking fairly little"),
    "fluids_very_high": _("Drinking a great deal"),
    "exercise_intensity": _("Hard exercise"),
    "exercise_in_heat": _("Exercise in the heat"),
    "footwear": _("Your shoes"),
    "sleeping_on_front": _("Sleeping on your front"),
}


@dataclass(frozen=True)
class ShownReason:
    rule: str
    level: str
    message: str
    action: str
    references: list[str]
    because: list[str]


@dataclass(frozen=True)
class ShownContributor:
    id: str
    title: str
    message: str
    action: str
    modifiable: bool
    references: list[str]


def _contributor(item: Mapping[str, Any]) -> ShownContributor:
    title: str | Promise | None = CONTRIBUTOR_TITLES.get(item["id"])
    message = str(item["message"])
    if title is None and item["id"].startswith(("medicine.", "condition.")):
        # The engine writes "<name>: <why>" for these; the name becomes the card's title.
        name, _sep, why = message.partition(": ")
        title, message = name, why or message
    return ShownContributor(
        id=item["id"],
        title=str(title or ""),
        message=message,
        action=item["action"],
        modifiable=item["modifiable"],
        references=list(item["references"]),
    )


# Urgent and emergency results hold the nightly program until a clinician has checked the
# person (programs/hold.py); the result page then pitches no stretches (hazard P14).
RED_FLAG_LEVELS = ("emergency", "urgent")
# Rules under which the calf must not be rubbed, stretched or loaded: a clot may be dislodged,
# broken-down muscle damaged further (R24, R26). Tested against triage_rules.yaml.
CALF_LOADING_RULES = frozenset(
    {
        "possible_clot_in_lung",
        "chest_symptoms",
        "possible_clot_in_leg",
        "clot_risk_with_calf_symptoms",
        "possible_blocked_leg_artery",
        "possible_muscle_breakdown",
    }
)


@dataclass(frozen=True)
class ResultPage:
    triage: str
    # the triage level, or "incomplete" (schema.result_status)
    status: str
    pregnant: bool
    heading: Promise
    box_intro: Promise | None
    box_note: Promise | None
    box_reasons: list[ShownReason]
    doctor_reasons: list[ShownReason]
    good_to_know: list[ShownReason]
    incomplete: list[RedFlag]
    # Medicines first when they may be behind the cramps: the thing to ask the prescriber about.
    medicines: list[ShownContributor]
    changeable: list[ShownContributor]
    other_factors: list[ShownContributor]
    unrecognised_medications: list[str]
    answers: list[StepSummary]

    @property
    def has_box(self) -> bool:
        return self.triage in BOX_INTROS

    @property
    def red_flag(self) -> bool:
        return self.triage in RED_FLAG_LEVELS

    @property
    def calf_warning(self) -> bool:
        """A clot or muscle breakdown is suspected: nothing that rubs or loads the calf.

        Any fired reason counts, not only those in the box: a suspected clot under another
        emergency (saddle numbness, say) still forbids rubbing the calf."""
        reasons = [*self.box_reasons, *self.doctor_reasons]
        return any(reason.rule in CALF_LOADING_RULES for reason in reasons)


def build(result: Mapping[str, Any], answers: Mapping[str, Any]) -> ResultPage:
    reasons = [
        ShownReason(
            rule=reason["rule"],
            level=reason["level"],
            message=reason["message"],
            action=reason["action"],
            references=list(reason["references"]),
            because=explain_fired_by(reason.get("fired_by") or {}),
        )
        for reason in result["reasons"]
    ]
    contributors = [_contributor(item) for item in result["contributors"]]
    medicines = [item for item in contributors if item.id.startswith("medicine.")]
    triage = str(result["triage"])
    status = result_status(triage, result.get("incomplete") or [])
    boxed = triage in BOX_INTROS
    pregnant = answers.get("pregnant") is True
    heading = (PREGNANCY_HEADINGS if pregnant else {}).get(status) or HEADINGS[status]
    return ResultPage(
        triage=triage,
        status=status,
        pregnant=pregnant,
        heading=heading,
        box_intro=(PREGNANCY_BOX_INTROS if pregnant else {}).get(triage) or BOX_INTROS.get(triage),
        box_note=(PREGNANCY_BOX_NOTES if pregnant else {}).get(triage) or BOX_NOTES.get(triage),
        # The box holds the reasons at the top level only; an "urgent" reason under an
        # emergency follows the box, so the one thing to do now stays plain.
        box_reasons=[r for r in reasons if boxed and r.level == triage],
        doctor_reasons=[
            r for r in reasons if r.level != "self_care" and not (boxed and r.level == triage)
        ],
        good_to_know=[r for r in reasons if r.level == "self_care"],
        incomplete=red_flags(result["incomplete"]),
        medicines=medicines,
        changeable=[item for item in contributors if item.modifiable],
        other_factors=[
            item for item in contributors if not item.modifiable and item not in medicines
        ],
        unrecognised_medications=list(result["unrecognised_medications"]),
        answers=summary(answers),
    )


@dataclass(frozen=True)
class SavedCheck:
    """One line of "Your earlier checks"."""

    assessment: Any
    status: str
    summary: str


def one_line(result: Mapping[str, Any]) -> str:
    """A saved result in one line for the list of earlier checks: the most urgent reason's first
    sentence, else what is still open, else that nothing was found."""
    reasons = result.get("reasons") or []
    unanswered = len(result.get("incomplete") or [])
    if reasons:
        message = str(reasons[0].get("message") or "")
        first, dot, _rest = message.partition(". ")
        return first + ("." if dot else "")
    if unanswered:
        return ngettext(
            "%(count)d warning-sign question still needs an answer.",
            "%(count)d warning-sign questions still need an answer.",
            unanswered,
        ) % {"count": unanswered}
    return gettext("No warning signs in your answers.")


def follow_up_form(
    result: Mapping[str, Any], data: Mapping[str, Any] | None = None
) -> FollowUpFlagsForm | None:
    """The unanswered red flags, asked again; None when every one has an answer."""
    flags = red_flags(result["incomplete"])
    if not flags:
        return None
    return FollowUpFlagsForm(data, flags=flags, prefix="again")
