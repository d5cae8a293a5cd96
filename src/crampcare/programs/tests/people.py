"""Profiles the tests share."""

from crampcare.programs.profile import PlanProfile

# The trial's typical participant: 67 years old, night calf cramps, no risk factors [R1].
TYPICAL = PlanProfile(
    age=67,
    cramp_times=("night",),
    muscles=("calf",),
    exercise_level="light",
    sitting_hours_per_day=3,
)
