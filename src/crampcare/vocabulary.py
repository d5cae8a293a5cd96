"""Vocabularies shared across apps: one definition each, so they cannot drift apart.

The assessment's answers, the exercise library, the program's tailoring and the relief guide all
speak these; docs/assessment.md lists them for API users.
"""

from __future__ import annotations

from typing import Literal

# Muscles as the exercise library and the knowledge base name them (anatomical groups).
MuscleId = Literal[
    "calf",
    "soleus",
    "hamstrings",
    "quadriceps",
    "foot",
    "shin",
    "glutes",
    "hip-flexors",
    "hip-rotators",
    "adductors",
]

# Where a person says the cramp is (plain areas, as in the questionnaire).
CrampArea = Literal["calf", "hamstring", "quadriceps", "foot", "other"]

CrampTime = Literal["night", "day", "during_exercise", "after_exercise"]

ExerciseLevel = Literal["none", "light", "moderate", "intense"]

# Health conditions the questionnaire asks about; conditions.yaml describes exactly these.
ConditionId = Literal[
    "diabetes",
    "peripheral_artery_disease",
    "neuropathy",
    "kidney_disease",
    "liver_cirrhosis",
    "thyroid_disease",
    "spinal_stenosis",
    "hip_replacement",
    "knee_replacement",
    "balance_problems",
    "knee_pain",
    "limited_mobility",
]
