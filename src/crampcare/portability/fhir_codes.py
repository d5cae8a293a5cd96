"""The codes and code systems of the FHIR export and the medicine import (docs/interop.md).

Standard codes where one exists and could be checked against a published source (SNOMED CT,
LOINC, UCUM, RxNorm); otherwise a crampcare code system under the site's own address
(``settings.SITE_URL``), which docs/interop.md lists code by code.
"""

from __future__ import annotations

from typing import Final

from django.conf import settings

SNOMED: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"
RXNORM: Final = "http://www.nlm.nih.gov/research/umls/rxnorm"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"

# SNOMED CT 449917004 |Cramp in lower limb (finding)|, the concept the CADEC corpus (CSIRO) maps
# "leg cramps" to; see docs/interop.md.
CRAMP: Final = ("449917004", "Cramp in lower limb")
# SNOMED CT 272741003 |Laterality (attribute)|, the code of the laterality component.
LATERALITY: Final = ("272741003", "Laterality")

# The diary's muscles as SNOMED CT body structures, from DICOM PS3.16 CID 4031 "Common Anatomic
# Regions" (CALF, THIGH, FOOT); the hamstring and the quadriceps are the back and the front of
# the thigh, so they are the thigh with the muscle named in the text. "other" has no code.
BODY_SITES: Final[dict[str, tuple[str, str]]] = {
    "calf": ("53840002", "Calf of leg"),
    "hamstring": ("68367000", "Thigh"),
    "quadriceps": ("68367000", "Thigh"),
    "foot": ("56459004", "Foot"),
}
# SNOMED CT qualifier values for laterality (DICOM CID 244 and the FHIR laterality value set).
SIDES: Final[dict[str, tuple[str, str]]] = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}

# LOINC: pain severity 0-10 (72514-3), exercise duration (55411-3), alcoholic drinks per day
# (74013-4). Drinks (cups) and sitting have no LOINC code we could verify: crampcare codes.
PAIN_SEVERITY: Final = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
EXERCISE_DURATION: Final = ("55411-3", "Exercise duration")
ALCOHOLIC_DRINKS: Final = ("74013-4", "Alcoholic drinks per day")

# crampcare's own codes, each a (code, display) pair of the "observation" code system.
OWN_CODES: Final[dict[str, str]] = {
    "cramp-duration": "How long the cramp lasted",
    "woke-me": "The cramp woke me up",
    "night-checkin": "Cramps that night (morning check-in)",
    "night-cramp-count": "Number of cramps in the night",
    "sleep-disruption": "How much the cramps spoiled sleep (0 to 10)",
    "daily-factors": "The day's possible cramp triggers (diary)",
    "fluid-cups": "Drinks in the day (cups)",
    "sitting-hours": "Time sitting in the day",
    "exercise-intensity": "How hard the exercise was",
    "exercise-in-heat": "Exercise in the heat",
    "footwear": "Footwear in the day",
    "cramp-nights": "Nights with cramps",
}


def site_system(name: str) -> str:
    """A crampcare code system's URL, under the site's own address."""
    return f"{settings.SITE_URL}/fhir/CodeSystem/{name}"


def own_system() -> str:
    return site_system("observation")


# RxNorm ingredient codes (RXCUI) of the medicines the knowledge base names, each to its class
# in knowledge/content/medicines.yaml. Only codes checked against a published table are here:
# CPIC's drug table (cpicpgx/cpic-schema, drug.sql, whose RxNorm ids come from the NLM's RxNorm);
# other medicines are matched by name (docs/interop.md).
RXNORM_INGREDIENTS: Final[dict[str, tuple[str, str]]] = {
    "83367": ("atorvastatin", "statin"),
    "36567": ("simvastatin", "statin"),
    "301542": ("rosuvastatin", "statin"),
    "42463": ("pravastatin", "statin"),
    "5487": ("hydrochlorothiazide", "thiazide_diuretic"),
    "4603": ("furosemide", "loop_diuretic"),
    "9997": ("spironolactone", "potassium_sparing_diuretic"),
    "36117": ("salmeterol", "laba"),
    "435": ("salbutamol", "salbutamol"),  # albuterol
    "2556": ("citalopram", "antidepressant_anxiolytic"),
    "321988": ("escitalopram", "antidepressant_anxiolytic"),
    "36437": ("sertraline", "antidepressant_anxiolytic"),
    "4493": ("fluoxetine", "antidepressant_anxiolytic"),
    "32937": ("paroxetine", "antidepressant_anxiolytic"),
    "9071": ("quinine", "quinine"),
}
