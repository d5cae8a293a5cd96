"""The program hold after a red flag (hazard log P14-P17).

When the person's latest assessment says "urgent" or "emergency", exercise waits until a
clinician has checked them: the today page, the session player, the "tonight" card, email
reminders and the calendar feed are held, and session logging is refused. The person lifts the
hold by recording a dated "I have been checked" confirmation, stored as a ``cleared`` change in
the program's history. A calmer check saved later does not lift it; any red-flag assessment
saved after that confirmation holds it again.

``hold_for`` only reads; ``clear_hold`` is the one write: the person's own confirmation
(``record_clearance``) or their clinician's "checked, cleared to exercise", recorded as theirs.
A clinician cannot lift a hold after emergency signs. Pages, the API, the reminders
and the calendar feed all ask ``hold_for``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crampcare.assessment import services as assessment_services
from crampcare.assessment.models import Assessment
from crampcare.assessment.presentation import CALF_LOADING_RULES, RED_FLAG_LEVELS
from crampcare.knowledge.loader import get_library
from crampcare.programs import services
from crampcare.programs.models import ChangeKind, ProgramChange

if TYPE_CHECKING:
    from crampcare.accounts.models import User
    from crampcare.accounts.ownership import AnyUser

HOLD_LEVELS = RED_FLAG_LEVELS
NOTE_MAX_LENGTH = 500

CALF_MUSCLES = frozenset({"calf", "soleus"})


class ProgramHeld(Exception):
    """A session cannot be started or logged while the program is held."""

    def __init__(self, hold: Hold) -> None:
        self.hold = hold
        super().__init__(held_refusal())


def held_refusal() -> str:
    return _(
        "Your program is on hold after your last check found warning signs. Get checked by a "
        "doctor or nurse first, then record it at /program/checked/; no session is logged "
        "until then."
    )


@dataclass(frozen=True)
class HoldReason:
    rule: str
    level: str
    message: str
    action: str


@dataclass(frozen=True)
class Hold:
    level: str
    reasons: tuple[HoldReason, ...]
    assessment_id: int
    assessed_at: datetime
    assessed_on: date  # in the person's time zone: the earliest date a check can have been

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(reason.rule for reason in self.reasons)

    @property
    def hides_calf_loading(self) -> bool:
        """A clot or muscle breakdown is suspected: no massage, no calf loading at all."""
        return bool(CALF_LOADING_RULES.intersection(self.rules))

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "rules": list(self.rules),
            "reasons": [
                {"rule": r.rule, "level": r.level, "message": r.message, "action": r.action}
                for r in self.reasons
            ],
            "assessment_id": self.assessment_id,
            "assessed_on": self.assessed_on.isoformat(),
            "hides_calf_loading": self.hides_calf_loading,
            "message": explanation(self),
        }


def check_not_held(user: AnyUser) -> None:
    """Raise ``ProgramHeld`` if the program is held (for actions that start or log a session)."""
    hold = hold_for(user, user)
    if hold is not None:
        raise ProgramHeld(hold)


def is_red_flag(triage: str | None) -> bool:
    return triage in HOLD_LEVELS


def explanation(hold: Hold) -> str:
    if hold.level == "emergency":
        return _(
            "Your last check found signs that need emergency care. Your stretching program is on "
            "hold: get checked first. Once a doctor or nurse has seen you, tell us here and the "
            "program starts again."
        )
    return _(
        "Your last check found signs that a doctor should look at today. Your stretching program "
        "is on hold: get checked first. Once a doctor or nurse has seen you, tell us here and "
        "the program starts again."
    )


# Enough to pick the most urgent of the red-flag checks since the last clearance.
_FLAGGED_LIMIT = 20


def _flagged_since_clearance(actor: AnyUser, subject: AnyUser) -> list[Assessment]:
    """Every urgent or emergency check (finished or still in progress) saved after the last
    "I have been checked". A calmer check saved later does not lift the hold: only the
    clinician's check, recorded by the person, does (hazard P15)."""
    flagged = assessment_services.list_for(actor, subject).filter(result__triage__in=HOLD_LEVELS)
    cleared = last_clearance(actor, subject)
    if cleared is not None:
        flagged = flagged.filter(updated_at__gt=cleared.at)
    return list(flagged.order_by("-updated_at", "-id")[:_FLAGGED_LIMIT])


def last_clearance(actor: AnyUser, subject: AnyUser) -> ProgramChange | None:
    return ProgramChange.objects.for_reader(actor, subject).filter(kind=ChangeKind.CLEARED).first()


def held_by(newest_red_flag_at: datetime | None, last_clearance_at: datetime | None) -> bool:
    """``hold_for``'s rule from two instants, for a list of many people read in bulk: held when
    an urgent or emergency check was saved after the last "I have been checked" (or ever, when
    there was none)."""
    if newest_red_flag_at is None:
        return False
    return last_clearance_at is None or newest_red_flag_at > last_clearance_at


def hold_for(actor: AnyUser, subject: AnyUser) -> Hold | None:
    """The hold on the program of ``subject``, as ``actor`` reads it, or None (always None for
    an anonymous visitor). Reads only."""
    if not getattr(subject, "is_authenticated", False):
        return None
    flagged = _flagged_since_clearance(actor, subject)
    if not flagged:
        return None
    # The most urgent of them; on a tie the newest.
    assessment = sorted(
        flagged, key=lambda a: (HOLD_LEVELS.index(str(a.triage)), -a.updated_at.timestamp())
    )[0]
    return _hold_of(subject, assessment)


def _hold_of(subject: AnyUser, assessment: Assessment) -> Hold:
    reasons = tuple(
        HoldReason(
            rule=str(reason.get("rule", "")),
            level=str(reason.get("level", "")),
            message=str(reason.get("message", "")),
            action=str(reason.get("action", "")),
        )
        for reason in assessment.shown_result().get("reasons", [])
        if is_red_flag(reason.get("level"))
    )
    zone = getattr(subject, "zone", None)
    return Hold(
        level=str(assessment.triage),
        reasons=reasons,
        assessment_id=assessment.pk,
        assessed_at=assessment.created_at,
        assessed_on=timezone.localtime(assessment.created_at, zone).date(),
    )


def record_clearance(
    user: User, checked_on: date, note: str = "", *, now: datetime | None = None
) -> ProgramChange:
    """The person records that a doctor or nurse has checked them, lifting the hold."""
    return clear_hold(user, user, checked_on, note, now=now)


# Kinds of red flag a clinician may not lift from a distance (see ``clear_hold``).
NOT_LIFTED_REMOTELY = frozenset({"emergency"})


def clear_hold(
    actor: User, subject: User, checked_on: date, note: str = "", *, now: datetime | None = None
) -> ProgramChange:
    """Record that a clinician has checked ``subject``, lifting the hold: the person's own
    "I have been checked" (``actor`` is ``subject``) or their clinician's "checked, cleared to
    exercise" (through the write door: only the clinician of an active care relationship, and
    audited; the change names them).

    Raises ``ValidationError`` (by field) when there is no hold or no program, the date is in the
    future or before the assessment, or the note is too long; and when a clinician tries to lift
    a hold after emergency signs, which only the person can, once they have been seen (a hold
    that serious is not lifted from a distance). Nothing is saved then.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    by_clinician = actor.pk != subject.pk
    with transaction.atomic():
        try:
            program = services.locked_program(subject, now, actor=actor, change=ChangeKind.CLEARED)
        except services.NoProgram as exc:
            if not by_clinician:
                raise
            raise ValidationError(
                {"program": _("This person has not set up a program yet.")}
            ) from exc
        hold = hold_for(actor, subject)
        if hold is None:
            raise ValidationError(
                {
                    "checked_on": _("This program is not on hold, so there is nothing to clear.")
                    if by_clinician
                    else _("Your program is not on hold, so there is nothing to confirm.")
                }
            )
        if by_clinician and hold.level in NOT_LIFTED_REMOTELY:
            raise ValidationError(
                {
                    "hold": _(
                        "This hold follows signs that need emergency care, so it cannot be lifted "
                        "from here. Once the person has been seen in person, they record it "
                        "themselves on their plan."
                    )
                }
            )
        today = timezone.localtime(now, subject.zone).date()
        if checked_on > today:
            raise ValidationError(
                {
                    "checked_on": _("The date is in the future. Give the day of the check.")
                    if by_clinician
                    else _("The date is in the future. Give the day you were checked.")
                }
            )
        if checked_on < hold.assessed_on:
            earlier = (
                _(
                    "The date is before the person's check of %(date)s that found warning signs. "
                    "Give the day of a check after it."
                )
                if by_clinician
                else _(
                    "The date is before your check of %(date)s. Give the day a doctor or "
                    "nurse saw you after it."
                )
            )
            raise ValidationError({"checked_on": earlier % {"date": hold.assessed_on.isoformat()}})
        if len(note) > NOTE_MAX_LENGTH:
            raise ValidationError(
                {
                    "note": _("Keep the note under %(count)d characters.")
                    % {"count": NOTE_MAX_LENGTH}
                }
            )
        program.sequence += 1
        program.save(update_fields=["sequence", "updated_at"])
        return ProgramChange.objects.create(
            owner_id=program.owner_id,
            program=program,
            kind=ChangeKind.CLEARED,
            before={
                "held": hold.level,
                "assessment": hold.assessment_id,
                "rules": list(hold.rules),
            },
            after={"checked_on": checked_on.isoformat(), "note": note},
            at=now,
            changed_by=actor if by_clinician else None,
            changed_by_name=str(actor) if by_clinician else "",
            note=note if by_clinician else "",
        )


def is_calf_loading(exercise_id: str) -> bool:
    """Massage, foam rolling, heel raises, calf stretches: anything that loads or rubs the calf."""
    exercise = get_library().exercises.get(exercise_id)
    if exercise is None:
        return False
    return exercise.category == "massage" or bool(
        CALF_MUSCLES.intersection(exercise.target_muscles)
    )


def without_calf_loading(hold: Hold | None, exercise_ids: Iterable[str]) -> list[str]:
    """The exercises that may be shown under this hold."""
    ids = list(exercise_ids)
    if hold is None or not hold.hides_calf_loading:
        return ids
    return [exercise_id for exercise_id in ids if not is_calf_loading(exercise_id)]
