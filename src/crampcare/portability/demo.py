"""Ten weeks of made-up but believable diary, for trying crampcare out (``crampcare demo``).

Three baseline weeks with about two to three cramps on a typical night, then seven weeks "on
the program" in which the rate eases, noisily, towards about one. A few days' factors make that
night's cramps more likely (long sitting, few drinks, hard exercise, alcohol), so the insights
have possible triggers to find. Stretching sessions are done on most program evenings. Some
mornings have no check-in and some days no factors, as in a real diary. Pure: the same seed,
nights and zone always give the same diary.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

BASELINE_WEEKS = 3
BASELINE_RATE = 2.2
FINAL_RATE = 0.9
# Nights on the program until the rate has eased as far as it will.
EASING_NIGHTS = 35
# How much each trigger multiplies that night's expected cramps (made up, for the demo only).
TRIGGER_EFFECT = {"sitting": 1.8, "fluids": 1.4, "intense": 1.3, "alcohol": 1.2}
CHECKIN_RATE = 0.88
FACTORS_RATE = 0.85
LOGGED_ONE_BY_ONE = 0.55


@dataclass(frozen=True, slots=True)
class DemoCramp:
    started_at: datetime
    muscle: str
    side: str
    severity: int
    duration_minutes: int
    woke_me: bool
    helped: list[str]


@dataclass(frozen=True, slots=True)
class DemoCheckin:
    night: date
    cramp_count: int
    severity: int | None
    sleep_disruption: int | None


@dataclass(frozen=True, slots=True)
class DemoDay:
    date: date
    fluid_cups: Decimal
    exercise_minutes: int
    exercise_intensity: str
    exercise_in_heat: bool
    sitting_hours: Decimal
    footwear: str
    alcohol_drinks: Decimal
    medicine_change: bool = False
    medicine_note: str = ""


@dataclass(frozen=True, slots=True)
class DemoSession:
    night: date
    difficulty: int
    pain: int


@dataclass
class DemoDiary:
    first_night: date
    last_night: date
    program_start: date
    cramps: list[DemoCramp] = field(default_factory=list)
    checkins: list[DemoCheckin] = field(default_factory=list)
    days: list[DemoDay] = field(default_factory=list)
    sessions: list[DemoSession] = field(default_factory=list)


def generate(
    last_night: date, zone: ZoneInfo, seed: int, *, weeks: int = 10, now: datetime | None = None
) -> DemoDiary:
    """A diary of ``weeks`` weeks ending with ``last_night``; nothing later than ``now``."""
    if weeks <= BASELINE_WEEKS:
        raise ValueError(f"the demo needs more than {BASELINE_WEEKS} weeks (a baseline first)")
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    first = last_night - timedelta(days=7 * weeks - 1)
    diary = DemoDiary(first, last_night, program_start=first + timedelta(weeks=BASELINE_WEEKS))
    medicine_day = first + timedelta(days=7 * weeks // 2 + rng.randrange(7))
    used: set[datetime] = set()
    for offset in range(7 * weeks):
        night = first + timedelta(days=offset)
        day = _day(rng, night, medicine=night == medicine_day)
        if rng.random() < FACTORS_RATE or day.medicine_change:
            diary.days.append(day)
        on_program = max(0, (night - diary.program_start).days + 1)
        rate = _rate(on_program) * _triggers(day) * rng.gammavariate(6.0, 1 / 6)
        count = min(_poisson(rng, rate), 8)
        pain = 6.2 - 1.6 * min(1.0, on_program / EASING_NIGHTS)
        night_cramps = [_cramp(rng, night, zone, pain, used) for _ in range(count)]
        night_cramps = [c for c in night_cramps if now is None or c.started_at <= now]
        logged = [c for c in night_cramps if rng.random() < LOGGED_ONE_BY_ONE]
        diary.cramps.extend(logged)
        if rng.random() < CHECKIN_RATE:
            diary.checkins.append(_checkin(rng, night, night_cramps))
        # Stretching most evenings on the program, a little less often as the weeks go by.
        if on_program and rng.random() < 0.92 - 0.25 * min(1.0, on_program / EASING_NIGHTS):
            diary.sessions.append(
                DemoSession(night, difficulty=rng.randint(2, 6), pain=rng.choice([0, 0, 0, 1, 2]))
            )
    return diary


def _rate(nights_on_program: int) -> float:
    eased = min(1.0, nights_on_program / EASING_NIGHTS)
    return BASELINE_RATE + (FINAL_RATE - BASELINE_RATE) * eased


def _triggers(day: DemoDay) -> float:
    effect = 1.0
    if day.sitting_hours >= 8:
        effect *= TRIGGER_EFFECT["sitting"]
    if day.fluid_cups < 6:
        effect *= TRIGGER_EFFECT["fluids"]
    if day.exercise_intensity == "intense" and day.exercise_minutes >= 30:
        effect *= TRIGGER_EFFECT["intense"]
    if day.alcohol_drinks >= 2:
        effect *= TRIGGER_EFFECT["alcohol"]
    return effect


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of a cramp diary.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _half(value: float, low: float, high: float) -> Decimal:
    return Decimal(str(round(min(max(value, low), high) * 2) / 2))


def _day(rng: random.Random, day: date, *, medicine: bool) -> DemoDay:
    weekend = day.weekday() >= 5
    exercised = rng.random() < (0.6 if weekend else 0.45)
    intensity = rng.choices(["light", "moderate", "intense"], [4, 4, 3])[0] if exercised else "none"
    minutes = rng.choice([30, 45, 60] if intensity == "intense" else [20, 30, 45, 60])
    return DemoDay(
        date=day,
        fluid_cups=_half(rng.gauss(6.8, 1.8), 2, 14),
        exercise_minutes=minutes if exercised else 0,
        exercise_intensity=intensity,
        exercise_in_heat=exercised and rng.random() < 0.12,
        sitting_hours=_half(rng.gauss(4.5 if weekend else 7.2, 1.8), 1, 14),
        footwear=rng.choices(
            ["supportive", "unsupportive", "high_heels", "barefoot"], [14, 3, 1, 2]
        )[0],
        alcohol_drinks=Decimal(rng.choices([0, 1, 2, 3], [11, 4, 3, 1])[0]),
        medicine_change=medicine,
        medicine_note="Blood pressure tablet dose changed" if medicine else "",
    )


def _cramp(
    rng: random.Random, night: date, zone: ZoneInfo, pain: float, used: set[datetime]
) -> DemoCramp:
    # Most night cramps come in the small hours: 22:30 to 06:30, peaking around 03:00.
    while True:
        minutes = rng.triangular(30, 510, 300)
        local = datetime.combine(night, time(22), zone) + timedelta(
            minutes=minutes, seconds=rng.randrange(60)
        )
        started = local.astimezone(UTC).replace(microsecond=0)
        if started not in used:
            used.add(started)
            break
    helped = [
        choice
        for choice, chance in (("stretching", 0.7), ("walking", 0.4), ("massage", 0.25))
        if rng.random() < chance
    ] or ["nothing"]
    return DemoCramp(
        started_at=started,
        muscle=rng.choices(
            ["calf", "foot", "hamstring", "quadriceps", "other"], [70, 12, 10, 4, 4]
        )[0],
        side=rng.choices(["left", "right", "both"], [45, 40, 15])[0],
        severity=round(min(max(rng.gauss(pain, 1.5), 1), 10)),
        duration_minutes=max(1, round(rng.lognormvariate(1.1, 0.6))),
        woke_me=rng.random() < 0.85,
        helped=helped,
    )


def _checkin(rng: random.Random, night: date, cramps: list[DemoCramp]) -> DemoCheckin:
    count = len(cramps)
    # Half the people with more than three cramps just tap "3+".
    said = 3 if count > 3 and rng.random() < 0.5 else count
    scored = count and rng.random() < 0.7
    return DemoCheckin(
        night=night,
        cramp_count=said,
        severity=round(sum(c.severity for c in cramps) / count) if scored else None,
        sleep_disruption=min(10, max(0, round(count * 1.8 + rng.gauss(0, 1))))
        if rng.random() < 0.6
        else None,
    )
