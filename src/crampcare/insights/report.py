"""The doctor's report: what a person brings to an appointment, for the last 4 to 12 weeks.

The same content feeds the print-friendly page and the PDF (``insights.pdf``). The insight
figures ("is the program working?", possible triggers) are those of the insights page, computed
over the whole diary by ``services.insights_for``; the chart, tallies and what helped cover the
chosen weeks. A fixed number of queries whatever the diary's size: the diary's three, cramps in
the window, medicine changes in the window and the latest assessment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crampcare.accounts.models import User
from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.medicines import classes_for, match_medications
from crampcare.assessment.services import latest_for
from crampcare.core.stats import Effect, Week, weekly_series
from crampcare.core.stats import messages as m
from crampcare.diary import services as diary
from crampcare.diary.models import Relief
from crampcare.insights import charts
from crampcare.insights import services as s
from crampcare.programs import services as programs
from crampcare.programs.display import item_views

if TYPE_CHECKING:
    from crampcare.accounts.ownership import AnyUser

DEFAULT_WEEKS = 8
WEEK_CHOICES = tuple(range(4, 13))

TRIAGE_LABELS = {
    "emergency": gettext_lazy("Emergency: call for help now"),
    "urgent": gettext_lazy("See a doctor today"),
    "see_doctor": gettext_lazy("See a doctor soon"),
    "self_care": gettext_lazy("Self-care is reasonable"),
}
# An assessment with unanswered warning-sign questions is never "self-care" in the report: its
# level is only a lower bound (an answered warning sign stays), so "self-care" is shown as
# "incomplete", and any higher level says it is incomplete too.
INCOMPLETE_LABEL = gettext_lazy("Incomplete: warning-sign questions unanswered")
INCOMPLETE_SUFFIX = gettext_lazy("(incomplete: warning-sign questions unanswered)")
TRUSTED_WHEN_INCOMPLETE = frozenset({"emergency", "urgent", "see_doctor"})


def triage_label(level: str | None, incomplete: bool) -> str:
    """The overall level as the report and any list of assessments show it."""
    if incomplete:
        if level in TRUSTED_WHEN_INCOMPLETE:
            return f"{TRIAGE_LABELS[level]} {INCOMPLETE_SUFFIX}"
        return str(INCOMPLETE_LABEL)
    return str(TRIAGE_LABELS.get(level or "", level or ""))


@dataclass(frozen=True, slots=True)
class Tally:
    """Simple counts over the report's weeks (no statistics)."""

    nights_in_window: int
    recorded_nights: int
    cramps: int
    cramp_free_nights: int
    cramps_per_night: str
    mean_pain: str
    logged_cramps: int
    woke_up: int
    mean_duration: str


@dataclass(frozen=True, slots=True)
class Flag:
    level: str
    level_label: str
    message: str
    action: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Medicine:
    message: str
    names: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MedicineLine:
    """One medicine as the patient typed it, with the classes we recognised it as (none when
    the name was not recognised)."""

    name: str
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AssessmentSection:
    """Triage flags and medicines from the latest finished assessment; ``note`` when absent."""

    done_on: date | None
    level: str | None
    level_label: str
    flags: list[Flag] = field(default_factory=list)
    unanswered: int = 0
    medicines: list[Medicine] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    note: str = ""
    medicine_list: list[MedicineLine] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return self.unanswered > 0


@dataclass(frozen=True, slots=True)
class ProgramExercise:
    """One exercise of the person's current program, with its dose (drawn in the PDF)."""

    id: str
    name: str
    dose: str


@dataclass(frozen=True, slots=True)
class DoctorReport:
    person: str
    weeks: int
    first_night: date
    last_night: date
    generated: datetime
    personal: s.PersonalInsights
    window_weeks: list[Week]
    tally: Tally
    frequency_title: str
    severity_title: str
    adherence: str | None
    adherence_for_you: str | None
    clinician_summary: list[str]
    helped: list[tuple[str, int]]
    medicine_changes: list[tuple[date, str]]
    assessment: AssessmentSection
    effect: s.EffectView
    triggers: list[s.TriggerView]
    hidden_factors: list[s.Said]
    triggers_warning: s.Said
    disclaimer: str
    references: list[str]
    exercises: list[ProgramExercise] = field(default_factory=list)


def weeks_choice(value: Any) -> int:
    """The report length from a query string; anything unexpected falls back to the default."""
    try:
        weeks = int(value)
    except (TypeError, ValueError):
        return DEFAULT_WEEKS
    return weeks if weeks in WEEK_CHOICES else DEFAULT_WEEKS


def doctor_report(
    actor: AnyUser, subject: User, weeks: int = DEFAULT_WEEKS, now: datetime | None = None
) -> DoctorReport:
    """The report on ``subject``, as ``actor`` reads it (every read through
    ``ownership.for_reader``)."""
    if weeks not in WEEK_CHOICES:
        raise ValueError(f"a report covers 4 to 12 weeks, not {weeks}")
    personal = s.insights_for(actor, subject, now)
    last = personal.as_of
    first = last - timedelta(days=7 * weeks - 1)
    in_window = [r for r in personal.records if first <= r.night <= last]
    effect = s.personal_effect_view(personal)
    triggers = s.trigger_views(personal.insights, clinician=True)
    hidden = s.hidden_factor_texts(personal.insights, clinician=True)
    warning = s.say(m.CLINICIAN_TRIGGERS_WARNING)
    assessment = assessment_section(actor, subject)
    cited = [s.Said("", flag.references) for flag in assessment.flags] + [
        s.Said("", med.references) for med in assessment.medicines
    ]
    return DoctorReport(
        person=subject.display_name or subject.email,
        weeks=weeks,
        first_night=first,
        last_night=last,
        generated=now or timezone.now(),
        personal=personal,
        window_weeks=weekly_series(in_window, personal.program_start),
        tally=_tally(actor, subject, in_window, first, last),
        frequency_title=charts.frequency_title(personal.effect, personal.records, clinician=True),
        severity_title=charts.severity_title(personal.effect, personal.records),
        adherence=adherence_for_clinician(in_window, personal.program_start),
        adherence_for_you=charts.adherence_summary(in_window, personal.program_start),
        clinician_summary=clinician_summary(personal, effect, assessment, in_window),
        helped=_helped(actor, subject, first, last),
        medicine_changes=_medicine_changes(actor, subject, first, last),
        assessment=assessment,
        effect=effect,
        triggers=triggers,
        hidden_factors=hidden,
        triggers_warning=warning,
        disclaimer=_(
            "Prepared by crampcare from the patient's own diary and questionnaire answers. It is "
            "a summary to support a consultation, not a diagnosis."
        ),
        references=s.references_of(
            [effect.caveat, effect.trial, effect.trial_note, effect.advice],
            [t.text for t in triggers],
            [t.note for t in triggers],
            cited,
        ),
        exercises=program_exercises(actor, subject, now),
    )


def program_exercises(
    actor: AnyUser, subject: User, now: datetime | None = None
) -> list[ProgramExercise]:
    """The exercises of ``subject``'s program as it stands tonight (``actor`` reading it through
    ``programs.services.current_program``), leaving out any the care team has paused."""
    program = programs.current_program(actor, subject, now)
    if program is None:
        return []
    items = [item for item in program.get_plan().items if not item.held]
    return [
        ProgramExercise(view.item.exercise_id, view.name, view.dose) for view in item_views(items)
    ]


def adherence_for_clinician(
    records: Sequence[s.NightRecord], program_start: date | None
) -> str | None:
    """Program adherence in the window, said to the clinician; None without any program."""
    on_program = [r for r in records if program_start is None or r.night >= program_start]
    done = sum(1 for r in on_program if r.program_done)
    if not done and program_start is None:
        return None
    if not on_program:
        return _("No nights were recorded since the program started.")
    return ngettext(
        "The patient did the nightly stretching program on %(done)s of %(nights)s recorded night "
        "since it started.",
        "The patient did the nightly stretching program on %(done)s of %(nights)s recorded nights "
        "since it started.",
        len(on_program),
    ) % {"done": done, "nights": len(on_program)}


def clinician_summary(
    personal: s.PersonalInsights,
    effect: s.EffectView,
    assessment: AssessmentSection,
    in_window: Sequence[s.NightRecord],
) -> list[str]:
    """The report's opening lines, in the third person, for the clinician."""
    lines = []
    cramps = sum(r.cramps for r in in_window)
    if in_window:
        free = sum(1 for r in in_window if r.cramps == 0)
        lines.append(
            _(
                "The patient reports %(cramps)s over %(nights)s in these weeks (%(rate)s a "
                "night); %(free)s."
            )
            % {
                "cramps": ngettext("%(count)s cramp", "%(count)s cramps", cramps)
                % {"count": cramps},
                "nights": ngettext(
                    "%(count)s recorded night", "%(count)s recorded nights", len(in_window)
                )
                % {"count": len(in_window)},
                "rate": m.number(cramps / len(in_window)),
                "free": ngettext(
                    "%(count)s night without cramps", "%(count)s nights without cramps", free
                )
                % {"count": free},
            }
        )
    else:
        lines.append(_("The patient recorded no nights in these weeks."))
    figures = effect.figures
    if figures is not None:
        ratio = personal.effect.rate_ratio if isinstance(personal.effect, Effect) else None
        lines.append(
            _(
                "Cramps a night: %(before)s at the start (%(before_nights)s nights) and "
                "%(after)s lately (%(after_nights)s nights); rate ratio %(ratio)s."
            )
            % {
                "before": figures.baseline_rate,
                "before_nights": figures.baseline_nights,
                "after": figures.latest_rate,
                "after_nights": figures.latest_nights,
                "ratio": s.rate_ratio_summary(ratio) if ratio else figures.rate_ratio,
            }
        )
    if assessment.done_on is not None:
        lines.append(
            _("Latest questionnaire (%(date)s): %(level)s.")
            % {"date": date_format(assessment.done_on, _("j F Y")), "level": assessment.level_label}
        )
    if assessment.medicine_list:
        lines.append(
            _("Medicines reported: %(names)s.")
            % {"names": ", ".join(line.name for line in assessment.medicine_list)}
        )
    return lines


def _tally(
    actor: AnyUser, subject: User, records: Sequence[s.NightRecord], first: date, last: date
) -> Tally:
    scored = [r.mean_severity for r in records if r.mean_severity is not None]
    cramps = sum(r.cramps for r in records)
    logged = list(
        diary.episodes(actor, subject, first, last).values_list("woke_me", "duration_minutes")
    )
    durations = [minutes for _, minutes in logged if minutes is not None]
    return Tally(
        nights_in_window=(last - first).days + 1,
        recorded_nights=len(records),
        cramps=cramps,
        cramp_free_nights=sum(1 for r in records if r.cramps == 0),
        cramps_per_night=m.number(cramps / len(records)) if records else "–",
        mean_pain=m.number(sum(scored) / len(scored)) if scored else "–",
        logged_cramps=len(logged),
        woke_up=sum(1 for woke, _ in logged if woke),
        mean_duration=m.number(sum(durations) / len(durations)) if durations else "–",
    )


def _helped(actor: AnyUser, subject: User, first: date, last: date) -> list[tuple[str, int]]:
    """What the person said helped during cramps in the window, most often first."""
    counts: Counter[str] = Counter()
    for helped in diary.episodes(actor, subject, first, last).values_list("helped", flat=True):
        counts.update(item for item in helped or [] if item in Relief.values)
    labels = dict(Relief.choices)
    return [(str(labels[item]), count) for item, count in counts.most_common()]


def _medicine_changes(
    actor: AnyUser, subject: User, first: date, last: date
) -> list[tuple[date, str]]:
    rows = (
        diary.factors(actor, subject, first, last)
        .filter(medicine_change=True)
        .order_by("date")
        .values_list("date", "medicine_note")
    )
    return [(day, note or _("not named")) for day, note in rows]


def assessment_section(actor: AnyUser, subject: User) -> AssessmentSection:
    """Triage flags and possibly involved medicines from the latest finished assessment of
    ``subject``, as ``actor`` reads it."""
    assessment = latest_for(actor, subject)
    if assessment is None:
        return AssessmentSection(
            done_on=None,
            level=None,
            level_label="",
            note=_("No assessment on record: the questionnaire has not been completed."),
        )
    result: dict[str, Any] = assessment.shown_result()  # worded in the reader's language
    level = str(result.get("triage") or "") or None
    unanswered = len(result.get("incomplete") or [])
    typed = [str(name) for name in (assessment.answers or {}).get("medications") or []]
    return AssessmentSection(
        done_on=timezone.localdate(assessment.created_at, subject.zone),
        level=level,
        level_label=triage_label(level, unanswered > 0),
        flags=[
            Flag(
                level=str(reason.get("level", "")),
                level_label=str(TRIAGE_LABELS.get(str(reason.get("level")), "")),
                message=str(reason.get("message", "")),
                action=str(reason.get("action", "")),
                references=tuple(reason.get("references") or ()),
            )
            for reason in result.get("reasons") or []
        ],
        unanswered=unanswered,
        medicines=_medicines(result, assessment.answers or {}),
        unrecognised=[str(name) for name in result.get("unrecognised_medications") or []],
        medicine_list=medicine_list(typed),
    )


def medicine_list(typed: Sequence[str]) -> list[MedicineLine]:
    """Every medicine the patient typed, in their order and spelling, with the classes it was
    recognised as (any class, not only those linked with cramps)."""
    names = {item.id: item.name.get() for item in load_clinical().medicines.classes}
    lines: dict[str, MedicineLine] = {}
    for raw in typed:
        given = " ".join(raw.split())
        if not given or given.casefold() in lines:
            continue
        found = sorted(names.get(class_id, class_id) for class_id in classes_for(given))
        lines[given.casefold()] = MedicineLine(given, tuple(found))
    return list(lines.values())


def _medicines(result: dict[str, Any], answers: dict[str, Any]) -> list[Medicine]:
    """Medicine classes the risk profile names as possibly involved, with the names typed."""
    typed = [str(name) for name in answers.get("medications") or []]
    by_class = match_medications(typed).classes
    return [
        Medicine(
            message=str(item.get("message", "")),
            names=tuple(by_class.get(str(item["id"]).removeprefix("medicine."), ())),
            references=tuple(item.get("references") or ()),
        )
        for item in result.get("contributors") or []
        if str(item.get("id", "")).startswith("medicine.")
    ]
