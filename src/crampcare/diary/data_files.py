"""The diary's files: cramps, morning check-ins, the day's factors, and the profile."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from crampcare.accounts.datafiles import cells
from crampcare.accounts.datafiles.formats import (
    Column,
    DataFile,
    choice,
    day,
    number,
    owned_rows,
    text,
    whole_number,
    yes_no,
    yes_no_blank,
)
from crampcare.diary import health, services
from crampcare.diary.models import CrampEpisode, DailyFactors, HealthDay, NightCheckin

if TYPE_CHECKING:
    from crampcare.accounts.models import User

EPISODES = DataFile(
    name="episodes.csv",
    section="episodes",
    about=_("Each cramp you logged."),
    columns=(
        Column(
            "started_at",
            _(
                "when it started: your own clock time with its UTC offset, to the second "
                "(2024-06-05T02:14:05+01:00)"
            ),
            load=cells.required_instant,
            local_time=True,
        ),
        Column(
            "night",
            _("the night it belongs to (the evening's date); worked out again on import"),
            dump=cells.dump_date,
            saved=False,
        ),
        choice("muscle", _("calf, hamstring, quadriceps, foot, other, or blank")),
        choice("side", _("left, right, both, or blank")),
        whole_number("severity", _("how painful: 0 to 10, or blank")),
        whole_number("duration_minutes", _("how long, in minutes (up to 240)")),
        yes_no_blank("woke_me", _("whether it woke you: yes, no, or blank")),
        Column(
            "helped",
            _(
                "what helped, separated by ; (stretching, walking, massage, heat, ice, nothing, "
                "other)"
            ),
            load=cells.relief,
            dump=";".join,
        ),
        text("notes", _("your notes")),
    ),
    rows=owned_rows(CrampEpisode, "started_at"),
    model=CrampEpisode,
    key=("started_at",),
    prepare=services.prepare_episode,
    save=services.import_episodes,
    worked_out=("night",),
)

CHECKINS = DataFile(
    name="checkins.csv",
    section="checkins",
    about=_("Each morning check-in: what you said about one night, including nights with none."),
    columns=(
        day("night", _("the night (the evening's date)")),
        Column(
            "cramp_count",
            _("how many cramps that night (0 means none)"),
            load=cells.required_whole,
        ),
        whole_number("severity", _("how painful, on the whole: 0 to 10, or blank")),
        whole_number("sleep_disruption", _("how much they spoiled your sleep: 0 to 10, or blank")),
        text("notes", _("your notes")),
    ),
    rows=owned_rows(NightCheckin, "night"),
    model=NightCheckin,
    key=("night",),
    required=("cramp_count",),
    prepare=services.prepare_checkin,
    save=services.import_checkins,
)

FACTORS = DataFile(
    name="factors.csv",
    section="factors",
    about=_("The things on each day that might be linked to cramps that night."),
    columns=(
        day("date", _("the day")),
        number("fluid_cups", _("drinks, in cups (5.5)")),
        whole_number("exercise_minutes", _("exercise, in minutes")),
        choice("exercise_intensity", _("none, light, moderate, intense, or blank")),
        yes_no_blank("exercise_in_heat", _("exercise in the heat: yes, no, or blank")),
        number("sitting_hours", _("hours sitting")),
        choice("footwear", _("supportive, unsupportive, high_heels, barefoot, or blank")),
        number("alcohol_drinks", _("alcoholic drinks")),
        yes_no("medicine_change", _("a new or changed medicine: yes or no (blank means no)")),
        text("medicine_note", _("which medicine")),
        Column(
            "imported",
            _(
                "which of these answers came from a health app, not from you, separated by ; "
                "(a later import may replace those)"
            ),
            load=cells.relief,
            dump=";".join,
        ),
    ),
    rows=owned_rows(DailyFactors, "date"),
    model=DailyFactors,
    key=("date",),
    prepare=services.prepare_factors,
    save=services.import_factors,
)


def _optional_time(text: str) -> time | None:
    return cells.clock_time(text) if text else None


HEALTH_DAYS = DataFile(
    name="health_days.csv",
    section="health_days",
    about=_(
        "What a health app (Apple Health) measured on each day and the night after it, as imported."
    ),
    columns=(
        day("date", _("the day (and the night that began that evening)")),
        whole_number("steps", _("steps that day")),
        text("steps_source", _("the device whose steps were counted")),
        number("water_cups", _("water, in cups of 250 ml")),
        whole_number("standing_minutes", _("minutes standing")),
        whole_number("workouts", _("number of workouts")),
        whole_number("workout_minutes", _("minutes of workouts")),
        choice("workout_intensity", _("the hardest workout: light, moderate, intense, or blank")),
        yes_no_blank("workout_in_heat", _("a workout in the heat: yes, no, or blank")),
        Column(
            "last_workout_end",
            _("when the last workout ended (22:30)"),
            load=_optional_time,
            dump=cells.dump_clock_time,
        ),
        whole_number("sleep_minutes", _("minutes asleep that night")),
        whole_number("awakenings", _("awakenings that night")),
        choice("source", _("where it came from: apple_health")),
    ),
    rows=owned_rows(HealthDay, "date"),
    model=HealthDay,
    key=("date",),
    prepare=health.prepare_health_day,
    save=health.import_health_days,
)


def _the_person(user: User) -> Iterable[Any]:
    return [user]


PROFILE = DataFile(
    name="profile.csv",
    section="profile",
    about=_(
        "You (one row). On import your name and time zone are taken from it, never the email "
        "address: that is how you sign in."
    ),
    columns=(
        Column("email", _("your email address (not imported)"), saved=False),
        text("display_name", _("what we call you")),
        choice("time_zone", _("your time zone, like Europe/London")),
    ),
    rows=_the_person,
    one_row=True,
    required=("time_zone",),
)

# The profile first: its time zone decides which night each cramp belongs to.
FILES: tuple[DataFile, ...] = (PROFILE, EPISODES, CHECKINS, FACTORS, HEALTH_DAYS)
