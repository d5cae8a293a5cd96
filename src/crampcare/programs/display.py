"""How plan items are shown: dose in words, the library's steps, and the player's data.

Pages, the API, the emails and the player all describe an exercise's dose the same way, so the
wording lives here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crampcare.knowledge.exercise_schema import Exercise
from crampcare.knowledge.loader import get_library
from crampcare.programs.dose import SETUP_SECONDS, Days, Dose
from crampcare.programs.models import ChangeKind, Program, ProgramChange
from crampcare.programs.plan import PlanItem
from crampcare.programs.progression import Step, StepReason
from crampcare.programs.slots import Role

ROLE_LABELS = {
    Role.CORE: gettext_lazy("From the trial"),
    Role.EXTRA: gettext_lazy("Extra"),
    Role.MOVEMENT: gettext_lazy("Movement break"),
    Role.WARM_UP: gettext_lazy("Warm-up"),
    Role.COOL_DOWN: gettext_lazy("Cool-down"),
    Role.CARE_TEAM: gettext_lazy("From your care team"),
}


def dose_text(dose: Dose) -> str:
    """'Hold 10 s, 3 times, each leg' or '10 slow repetitions, each side'."""
    if dose.hold_seconds is not None:
        text = ngettext("Hold %(hold)d s, once", "Hold %(hold)d s, %(reps)d times", dose.reps) % {
            "hold": dose.hold_seconds,
            "reps": dose.reps,
        }
    else:
        text = ngettext("%(reps)d slow repetition", "%(reps)d slow repetitions", dose.reps) % {
            "reps": dose.reps
        }
    if dose.sets > 1:
        text += ", " + ngettext("%(sets)d set", "%(sets)d sets", dose.sets) % {"sets": dose.sets}
    if dose.per_side:
        text += ", " + _("each leg")
    return text


def days_text(days: Days) -> str:
    return {
        Days.EVERY: _("every night"),
        Days.ALTERNATE: _("every other night"),
        Days.MOST: _("most nights"),
    }[days]


def minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


@dataclass(frozen=True)
class ItemView:
    """A plan item with the library's exercise (steps, position) for showing it."""

    item: PlanItem
    exercise: Exercise | None

    @property
    def name(self) -> str:
        return self.exercise.name.get() if self.exercise is not None else self.item.name.get()

    @property
    def dose(self) -> str:
        return dose_text(self.item.dose)

    @property
    def days(self) -> str:
        return days_text(self.item.dose.days)

    @property
    def role(self) -> str:
        return str(ROLE_LABELS[self.item.role])

    @property
    def minutes(self) -> int:
        return minutes(self.item.seconds)

    @property
    def url(self) -> str:
        return reverse("knowledge:exercise", args=[self.item.exercise_id])

    @property
    def steps(self) -> list[str]:
        return [step.get() for step in self.exercise.steps] if self.exercise else []

    @property
    def position(self) -> str:
        return self.exercise.position if self.exercise else "standing"


def item_views(items: tuple[PlanItem, ...] | list[PlanItem]) -> list[ItemView]:
    exercises = get_library().exercises
    return [ItemView(item, exercises.get(item.exercise_id)) for item in items]


def player_items(items: list[PlanItem]) -> list[dict[str, Any]]:
    """What the session player needs for each exercise (rendered into the page as JSON)."""
    result = []
    for view in item_views(items):
        dose = view.item.dose
        exercise = view.exercise
        result.append(
            {
                "id": view.item.exercise_id,
                "name": view.name,
                "dose": view.dose,
                "steps": view.steps,
                "cues": [cue.get() for cue in exercise.cues] if exercise else [],
                "cautions": [caution.advice.get() for caution in view.item.shown_cautions],
                "hold": dose.hold_seconds,
                "reps": dose.reps,
                "sets": dose.sets,
                "rest": dose.rest_seconds,
                "sides": dose.sides,
                "setup": SETUP_SECONDS,
                "position": view.position,
                # The exercise's animated picture; without one, the player draws the position.
                "picture": (
                    reverse("knowledge:exercise_picture", args=[exercise.id])
                    if exercise and exercise.pose
                    else None
                ),
            }
        )
    return result


def last_step_message(program: Program) -> str | None:
    """What last week's check decided, in kind words (shown during the week that follows)."""
    step = program.last_step
    if not step or step.get("week") != program.week - 1:
        return None
    reason = StepReason(step["reason"])
    return Step(level=program.level, change=step["change"], reason=reason).message.get()


def _name(exercise_id: str | None) -> str:
    if exercise_id is None:
        return _("nothing")
    exercise = get_library().exercises.get(exercise_id)
    return exercise.name.get() if exercise else exercise_id


def _reminder_text(state: dict[str, Any]) -> str:
    minutes_before = state.get("reminder_minutes_before", 0)
    when = (
        _("at bedtime")
        if not minutes_before
        else ngettext("%(n)d minute before bedtime", "%(n)d minutes before bedtime", minutes_before)
        % {"n": minutes_before}
    )
    email = _("with email") if state.get("email_reminders") else _("no email")
    return f"{when}, {email}"


def _with_confirmed(text: str, after: dict[str, Any]) -> str:
    if not after.get("cautions_confirmed"):
        return text
    return f"{text} " + _(
        "Your plan usually leaves this out for you; your care team checked it with you first."
    )


def _amount(state: dict[str, Any]) -> str:
    hold, reps, sets = state.get("hold_seconds"), state.get("reps") or 1, state.get("sets") or 1
    if hold:
        text = ngettext("hold %(hold)d s, once", "hold %(hold)d s, %(reps)d times", reps) % {
            "hold": hold,
            "reps": reps,
        }
    else:
        text = ngettext("%(reps)d repetition", "%(reps)d repetitions", reps) % {"reps": reps}
    if sets > 1:
        text += ", " + ngettext("%(sets)d set", "%(sets)d sets", sets) % {"sets": sets}
    return text


def _nights_text(days: Any) -> str:
    try:
        return days_text(Days(days))
    except ValueError:
        return str(days or "")


def changed_by_line(change: ProgramChange) -> str:
    """Who made a change, for the person: empty for their own changes and the weekly steps."""
    if not change.by_care_team:
        return ""
    name = change.changed_by_name or _("Your care team")
    return _("%(name)s (your care team) changed this on %(date)s.") % {
        "name": name,
        "date": date_format(timezone.localtime(change.at), "j M"),
    }


def describe_change(change: ProgramChange) -> str:
    """One plain line for the history page (the JSON before/after is kept for the care team)."""
    before: dict[str, Any] = change.before or {}
    after: dict[str, Any] = change.after or {}
    match change.kind:
        case ChangeKind.CREATED:
            return _("Started at week 1, level 1, bedtime %(bedtime)s.") % {
                "bedtime": after.get("bedtime", "")
            }
        case ChangeKind.PROFILE:
            old, new = before.get("routine", {}), after.get("routine", {})
            changed = [
                f"{_name(old.get(slot))} → {_name(new.get(slot))}"
                for slot in sorted(set(old) | set(new))
                if old.get(slot) != new.get(slot)
            ]
            text = _("Rebuilt from your answers.")
            return (
                f"{text} {'; '.join(changed)}"
                if changed
                else f"{text} " + _("No exercise changed.")
            )
        case ChangeKind.SWAP:
            text = f"{_name(before.get('exercise_id'))} → {_name(after.get('exercise_id'))}"
            return _with_confirmed(text, after)
        case ChangeKind.ADD:
            where = (
                _("to your bedtime routine")
                if after.get("block") == "bedtime"
                else _("to your daytime exercises")
            )
            text = _("%(name)s added %(where)s.") % {
                "name": _name(after.get("exercise_id")),
                "where": where,
            }
            return _with_confirmed(text, after)
        case ChangeKind.REMOVE:
            return _("%(name)s taken out of your plan.") % {
                "name": _name(before.get("exercise_id"))
            }
        case ChangeKind.HOLD:
            return _("%(name)s is on hold for now: it is left out of your sessions.") % {
                "name": _name(before.get("exercise_id"))
            }
        case ChangeKind.RELEASE:
            return _("%(name)s is back in your sessions.") % {
                "name": _name(before.get("exercise_id"))
            }
        case ChangeKind.DOSE:
            return f"{_name(before.get('exercise_id'))}: {_amount(before)} → {_amount(after)}"
        case ChangeKind.NIGHTS:
            return (
                f"{_name(before.get('exercise_id'))}: {_nights_text(before.get('days'))} → "
                f"{_nights_text(after.get('days'))}"
            )
        case ChangeKind.BEDTIME:
            return f"{before.get('bedtime')} → {after.get('bedtime')}"
        case ChangeKind.REMINDER:
            return f"{_reminder_text(before)} → {_reminder_text(after)}"
        case ChangeKind.PAUSE:
            return _("Reminders stopped; the weeks stopped counting.")
        case ChangeKind.CLEARED:
            if change.by_care_team:
                # The clinician's note is shown with the change, as for their other changes.
                return _("Checked and cleared to exercise on %(date)s; the hold is lifted.") % {
                    "date": after.get("checked_on", "")
                }
            text = _("Checked by a doctor or nurse on %(date)s; the hold is lifted.") % {
                "date": after.get("checked_on", "")
            }
            return f"{text} {after['note']}" if after.get("note") else text
        case ChangeKind.RESUME:
            nights = after.get("paused_nights", 0)
            return ngettext(
                "Carried on after %(n)d paused night.",
                "Carried on after %(n)d paused nights.",
                nights,
            ) % {"n": nights}
        case ChangeKind.STEP_UP | ChangeKind.STEP_DOWN:
            reason = after.get("reason")
            message = ""
            if reason:
                step = Step(level=after.get("level", 1), change="hold", reason=StepReason(reason))
                message = " " + step.message.get()
            return (
                _("Week %(week)d: level %(old)d → %(new)d.")
                % {
                    "week": after.get("week", 0),
                    "old": before.get("level", 0),
                    "new": after.get("level", 0),
                }
                + message
            )
        case ChangeKind.MAINTENANCE:
            return _("The same routine, on most nights.")
    return ""


POSITIONS = (
    ("standing", gettext_lazy("Standing, holding a support")),
    ("seated", gettext_lazy("Sitting on a chair or the edge of the bed")),
    ("in_bed", gettext_lazy("Lying in bed")),
    ("floor", gettext_lazy("On the floor, on a mat")),
)


def player_text() -> dict[str, Any]:
    """The player's words, translated on the server (the script has no translations of its own).
    ``{n}``, ``{total}`` and ``{name}`` are filled in by the script."""
    return {
        "start": _("Start"),
        "resume": _("Carry on"),
        "pause": _("Pause"),
        "phases": {
            "ready": _("Get ready"),
            "hold": _("Hold"),
            "rest": _("Rest"),
            "switch": _("Change legs"),
            "reps": _("Slowly"),
        },
        "exercise_of": _("Exercise {n} of {total}"),
        "hold_of": _("Hold {n} of {total}"),
        "next_hold_of": _("Next: hold {n} of {total}"),
        "reps_of": _("Repetition {n} of {total}"),
        "set_of": _("set {n} of {total}"),
        "sides": [_("Left leg"), _("Right leg")],
        "seconds": _("seconds"),
        "saved": _("Progress saved"),
        "saving": _("Saving…"),
        "unsaved": _("Not saved yet: will try again"),
        "queued": _("Kept on this phone: sent when you are back online"),
        "kept": _("Tonight’s session, finished at {time}"),
        "voice_on": _("Spoken cues: on"),
        "voice_off": _("Spoken cues: off"),
        "say": {
            "ready": _("Next: {name}."),
            "hold": _("Hold."),
            "rest": _("Rest."),
            "switch": _("Now the other leg."),
            "reps": _("Begin. {n} slow repetitions."),
            "done": _("All done. Well done."),
            "paused": _("Paused."),
        },
        "done": _("All done. Well done."),
        "positions": {key: str(label) for key, label in POSITIONS},
    }
