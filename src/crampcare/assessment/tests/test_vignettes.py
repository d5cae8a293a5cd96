"""Clinical vignettes: realistic answers with the level and rules a clinician would expect.

Each row is one person. The baseline (``builders.typical_payload``) is a 67-year-old with
ordinary night calf cramps twice a week and every red flag answered "no". Rows change only what
the vignette is about, so each red flag is tested alone, in combinations, and next to near-misses
that must stay at self_care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from crampcare.assessment.engine import evaluate
from crampcare.assessment.schema import SYMPTOM_IDS
from crampcare.assessment.tests.builders import answers

PREGNANCY_FLAGS = (
    "pregnancy_bleeding_or_fluid_leak",
    "pregnancy_contractions_or_dizziness",
    "pregnancy_headache_or_vision",
    "pregnancy_sudden_swelling",
)
PRE_ECLAMPSIA_FLAGS = ("pregnancy_headache_or_vision", "pregnancy_sudden_swelling")
# The red flags added for the edges: clot risk, cauda equina, injury, infection, low sodium.
EDGE_FLAGS = (
    "recent_clot_risk",
    "saddle_numbness_or_bladder_bowel",
    "injury_at_onset",
    "fever_spreading_redness",
    "confusion_drowsiness_or_fit",
)
NON_PREGNANCY_FLAGS = tuple(flag for flag in SYMPTOM_IDS if flag not in PREGNANCY_FLAGS)
PREGNANT = {"age": 31, "sex": "female", "pregnant": True, "pregnancy_weeks": 32}
ATHLETE = {
    "age": 24,
    "sex": "male",
    "cramp_times": ["during_exercise"],
    "exercise_level": "intense",
    "exercise_in_heat": True,
}


@dataclass(frozen=True)
class Vignette:
    name: str
    level: str
    rules: frozenset[str]
    yes: tuple[str, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict)
    unanswered: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()


def v(name: str, level: str, rules: set[str], *yes: str, **kwargs: Any) -> Vignette:
    options = {
        key: kwargs.pop(key) for key in ("unanswered", "missing", "incomplete") if key in kwargs
    }
    return Vignette(name, level, frozenset(rules), tuple(yes), kwargs, **options)


PE = {"possible_clot_in_lung", "possible_clot_in_leg", "chest_symptoms"}
NERVE = {"nerve_or_body_salt_problem"}
WIDE = {"widespread_or_unusual_cramps"}
PREG = {"pregnancy_warning_signs", "cramps_common_in_pregnancy"}

VIGNETTES = [
    # --- typical cramps and near-misses that must stay at self_care ---
    v("typical night calf cramps", "self_care", set()),
    v("foot cramps at night", "self_care", set(), muscles=["foot"]),
    v("sleep disturbed but only twice a week", "self_care", set(), sleep_disrupted=True),
    v("five a week without waking", "self_care", set(), cramps_per_week=5),
    v("daytime cramps once a week", "self_care", set(), cramp_times=["day"], cramps_per_week=1),
    v("cramps last exactly 10 minutes", "self_care", set(), typical_duration_minutes=10),
    v("on a statin, no red flags", "self_care", set(), medications=["Lipitor"]),
    v(
        "artery disease and diabetes, no symptoms",
        "self_care",
        set(),
        conditions=["peripheral_artery_disease", "diabetes"],
    ),
    v("severe but brief cramps", "self_care", set(), typical_severity=10),
    v("athlete with calf cramps in the heat", "self_care", set(), muscles=["calf"], **ATHLETE),
    # --- emergency, each alone ---
    v(
        "swollen calf and breathless",
        "emergency",
        PE,
        "calf_swelling_one_side",
        "breathless_or_chest_pain",
    ),
    v("red warm calf and coughing blood", "emergency", PE, "calf_red_warm", "coughing_blood"),
    v("tea-coloured urine", "emergency", {"possible_muscle_breakdown"}, "dark_urine"),
    v(
        "extreme pain on a statin",
        "emergency",
        {"possible_muscle_breakdown"},
        "extreme_muscle_pain_or_weakness",
        medications=["atorvastatin"],
    ),
    v(
        "extreme weakness after exercise in heat",
        "emergency",
        {"possible_muscle_breakdown"},
        "extreme_muscle_pain_or_weakness",
        muscles=["calf"],
        **ATHLETE,
    ),
    v(
        "spasms after a dirty wound",
        "emergency",
        {"possible_tetanus_or_poisoning"},
        "dirty_wound_or_toxin",
    ),
    v("cold pale numb leg", "emergency", {"possible_blocked_leg_artery"}, "leg_cold_pale_numb"),
    # --- urgent, each alone ---
    v("one swollen calf", "urgent", {"possible_clot_in_leg"}, "calf_swelling_one_side"),
    v("one red warm calf", "urgent", {"possible_clot_in_leg"}, "calf_red_warm"),
    v("chest pain without calf signs", "emergency", {"chest_symptoms"}, "breathless_or_chest_pain"),
    v("coughing blood alone", "emergency", {"chest_symptoms"}, "coughing_blood"),
    v(
        "cramp over 10 minutes despite stretching",
        "urgent",
        {"cramp_not_easing"},
        "cramp_over_10_min_despite_stretching",
    ),
    v("cramps with weakness", "urgent", NERVE, "weakness"),
    v("cramps with numbness", "urgent", NERVE, "numbness_or_tingling"),
    v("cramps with twitching", "urgent", NERVE, "twitching"),
    v("cramps in arms and trunk", "urgent", NERVE, "trunk_or_arm_cramps"),
    v("cramps after heavy fluid loss", "urgent", NERVE, "heavy_fluid_loss"),
    v("rest pain in the foot", "urgent", {"leg_pain_at_rest"}, "leg_pain_at_rest"),
    # --- see a doctor, each alone ---
    v(
        "walking calf pain easing with rest",
        "see_doctor",
        {"calf_pain_on_walking"},
        "calf_pain_walking_eases_with_rest",
    ),
    v(
        "slowly progressive weakness and wasting",
        "see_doctor",
        {"progressive_weakness_or_wasting"},
        "muscle_wasting",
    ),
    v(
        "frequent cramps waking at night",
        "see_doctor",
        {"frequent_cramps_disturbing_sleep"},
        sleep_disrupted=True,
        cramps_per_week=4,
    ),
    v("both legs swollen", "see_doctor", {"swelling_in_both_legs"}, "both_legs_swollen"),
    v(
        "cramps after a new medicine",
        "see_doctor",
        {"new_medicine"},
        started_medication_recently=True,
    ),
    v(
        "cramps after starting a statin",
        "see_doctor",
        {"new_medicine"},
        started_medication_recently=True,
        medications=["rosuvastatin 10 mg"],
    ),
    v("daytime and widespread cramps", "see_doctor", WIDE, "daytime_or_widespread_cramps"),
    v("thigh cramps at night", "see_doctor", WIDE, muscles=["calf", "quadriceps"]),
    v("cramps in another muscle", "see_doctor", WIDE, muscles=["other"]),
    v("frequent daytime cramps", "see_doctor", WIDE, cramp_times=["day"], cramps_per_week=4),
    v("athlete with hamstring cramps", "self_care", set(), muscles=["hamstring"], **ATHLETE),
    v(
        "cramps usually 15 minutes",
        "see_doctor",
        {"long_lasting_cramps"},
        typical_duration_minutes=15,
    ),
    v("takes quinine by brand", "see_doctor", {"taking_quinine"}, medications=["Qualaquin"]),
    v(
        "takes quinine by generic and dose",
        "see_doctor",
        {"taking_quinine"},
        medications=["QUININE SULFATE 300 mg"],
    ),
    # --- restless legs: explained, not escalated ---
    v(
        "restless legs pattern",
        "self_care",
        {"restless_legs_pattern"},
        "urge_to_move_relieved_by_moving",
    ),
    v(
        "restless legs with frequent waking",
        "see_doctor",
        {"restless_legs_pattern", "frequent_cramps_disturbing_sleep"},
        "urge_to_move_relieved_by_moving",
        sleep_disrupted=True,
        cramps_per_week=6,
    ),
    # --- pregnancy ---
    v("typical calf cramps at 32 weeks", "self_care", {"cramps_common_in_pregnancy"}, **PREGNANT),
    v("pregnancy with bleeding", "urgent", PREG, "pregnancy_bleeding_or_fluid_leak", **PREGNANT),
    v(
        "pregnancy with contractions",
        "urgent",
        PREG,
        "pregnancy_contractions_or_dizziness",
        **PREGNANT,
    ),
    v(
        "pregnancy with one swollen calf",
        "urgent",
        PREG | {"possible_clot_in_leg"},
        "calf_swelling_one_side",
        **PREGNANT,
    ),
    v(
        "pregnancy with chest pain",
        "emergency",
        {"chest_symptoms", "cramps_common_in_pregnancy"},
        "breathless_or_chest_pain",
        **PREGNANT,
    ),
    v(
        "pregnancy with swollen calf and breathless",
        "emergency",
        PREG | PE,
        "calf_swelling_one_side",
        "breathless_or_chest_pain",
        **PREGNANT,
    ),
    v(
        "fluid leak while pregnancy not stated",
        "urgent",
        {"pregnancy_warning_signs"},
        "pregnancy_bleeding_or_fluid_leak",
        pregnant=None,
    ),
    v(
        "pregnant and taking quinine",
        "see_doctor",
        {"taking_quinine", "cramps_common_in_pregnancy"},
        medications=["quinine"],
        **PREGNANT,
    ),
    # --- combinations ---
    v(
        "walking pain that now hurts at rest",
        "urgent",
        {"calf_pain_on_walking", "leg_pain_at_rest"},
        "calf_pain_walking_eases_with_rest",
        "leg_pain_at_rest",
    ),
    v(
        "wasting with weakness getting worse",
        "urgent",
        NERVE | {"progressive_weakness_or_wasting"},
        "muscle_wasting",
        "weakness",
    ),
    v(
        "dark urine on quinine after a new medicine",
        "emergency",
        {"possible_muscle_breakdown", "taking_quinine", "new_medicine"},
        "dark_urine",
        medications=["Qualaquin"],
        started_medication_recently=True,
    ),
    v(
        "weakness numbness and twitching",
        "urgent",
        NERVE,
        "weakness",
        "numbness_or_tingling",
        "twitching",
    ),
    # --- unanswered red flags: listed, never read as "no" ---
    v(
        "red flags all unanswered",
        "self_care",
        set(),
        unanswered=SYMPTOM_IDS,
        incomplete=NON_PREGNANCY_FLAGS,
    ),
    v(
        "red flags all missing, sex and pregnancy unknown",
        "self_care",
        set(),
        missing=SYMPTOM_IDS,
        sex=None,
        pregnant=None,
        incomplete=SYMPTOM_IDS,
    ),
    v(
        "pregnant with pregnancy flags unanswered",
        "self_care",
        {"cramps_common_in_pregnancy"},
        unanswered=PREGNANCY_FLAGS,
        incomplete=PREGNANCY_FLAGS,
        **PREGNANT,
    ),
    v(
        "man not asked pregnancy flags",
        "self_care",
        set(),
        missing=PREGNANCY_FLAGS,
        sex="male",
        pregnant=None,
    ),
    v(
        "breathless with calf swelling unanswered",
        "emergency",
        {"chest_symptoms"},
        "breathless_or_chest_pain",
        unanswered=("calf_swelling_one_side", "calf_red_warm"),
        incomplete=("calf_swelling_one_side", "calf_red_warm"),
    ),
    v(
        "sleep disturbed, frequency unknown",
        "self_care",
        set(),
        sleep_disrupted=True,
        cramps_per_week=None,
    ),
    *[
        # --- chest symptoms: an emergency with or without leg signs, pregnant or not ---
        v(
            "coughing blood at 30 weeks pregnant",
            "emergency",
            {"chest_symptoms", "cramps_common_in_pregnancy"},
            "coughing_blood",
            **{**PREGNANT, "pregnancy_weeks": 30},
        ),
        v(
            "breathless after a long flight, legs normal",
            "emergency",
            {"chest_symptoms"},
            "breathless_or_chest_pain",
            "recent_clot_risk",
        ),
        # --- clot risk raises the one-sided calf rule ---
        v(
            "one swollen calf after surgery",
            "urgent",
            {"possible_clot_in_leg", "clot_risk_with_calf_symptoms"},
            "calf_swelling_one_side",
            "recent_clot_risk",
        ),
        v(
            "cramp in one calf after a long flight",
            "urgent",
            {"clot_risk_with_calf_symptoms"},
            "recent_clot_risk",
            sides="left",
        ),
        v("one-sided calf cramps without clot risk", "self_care", set(), sides="right"),
        v(
            "long journey, cramps in both calves",
            "self_care",
            set(),
            "recent_clot_risk",
            sides="both",
        ),
        v(
            "leg in plaster with one-sided thigh cramps at night",
            "see_doctor",
            WIDE,
            "recent_clot_risk",
            sides="right",
            muscles=["hamstring"],
        ),
        v(
            "after surgery, red warm calf and breathless",
            "emergency",
            PE | {"clot_risk_with_calf_symptoms"},
            "calf_red_warm",
            "breathless_or_chest_pain",
            "recent_clot_risk",
        ),
        v(
            "one-sided calf cramps, clot risk unanswered",
            "self_care",
            set(),
            sides="left",
            unanswered=("recent_clot_risk",),
            incomplete=("recent_clot_risk",),
        ),
        # --- pre-eclampsia ---
        v(
            "pregnant with severe headache",
            "emergency",
            {"possible_severe_pre_eclampsia", "cramps_common_in_pregnancy"},
            "pregnancy_headache_or_vision",
            **PREGNANT,
        ),
        v(
            "pregnant with blurred vision and swollen hands",
            "emergency",
            {
                "possible_severe_pre_eclampsia",
                "possible_pre_eclampsia",
                "cramps_common_in_pregnancy",
            },
            "pregnancy_headache_or_vision",
            "pregnancy_sudden_swelling",
            **PREGNANT,
        ),
        v(
            "pregnant with sudden face swelling only",
            "urgent",
            {"possible_pre_eclampsia", "cramps_common_in_pregnancy"},
            "pregnancy_sudden_swelling",
            **PREGNANT,
        ),
        v(
            "pre-eclampsia signs while pregnancy not stated",
            "emergency",
            {"possible_severe_pre_eclampsia"},
            "pregnancy_headache_or_vision",
            pregnant=None,
        ),
        v(
            "pregnant, pre-eclampsia questions unanswered",
            "self_care",
            {"cramps_common_in_pregnancy"},
            unanswered=PRE_ECLAMPSIA_FLAGS,
            incomplete=PRE_ECLAMPSIA_FLAGS,
            **PREGNANT,
        ),
        v(
            "man not asked pre-eclampsia questions",
            "self_care",
            set(),
            missing=PRE_ECLAMPSIA_FLAGS,
            sex="male",
            pregnant=None,
        ),
        # --- low sodium ---
        v(
            "on a thiazide, confused and drowsy",
            "urgent",
            {"possible_low_sodium"},
            "confusion_drowsiness_or_fit",
            medications=["bendroflumethiazide 2.5 mg"],
        ),
        v(
            "water tablet and a fit",
            "urgent",
            {"possible_low_sodium"},
            "confusion_drowsiness_or_fit",
            medications=["water tablet"],
        ),
        v(
            "confused after drinking very large amounts",
            "urgent",
            {"possible_low_sodium"},
            "confusion_drowsiness_or_fit",
            fluid_cups_per_day=30,
        ),
        v("on a loop diuretic, no sodium symptoms", "self_care", set(), medications=["Lasix"]),
        # --- cauda equina ---
        v(
            "saddle numbness with back pain",
            "emergency",
            {"possible_cauda_equina"},
            "saddle_numbness_or_bladder_bowel",
        ),
        v(
            "new bladder trouble with leg numbness",
            "emergency",
            {"possible_cauda_equina"} | NERVE,
            "saddle_numbness_or_bladder_bowel",
            "numbness_or_tingling",
        ),
        # --- injury ---
        v(
            "pop in the calf playing tennis",
            "urgent",
            {"possible_muscle_or_tendon_injury"},
            "injury_at_onset",
            muscles=["calf"],
            **ATHLETE,
        ),
        v(
            "cannot bear weight since a sudden pain at 70",
            "urgent",
            {"possible_muscle_or_tendon_injury"},
            "injury_at_onset",
            age=70,
        ),
        v(
            "injury and clot risk in one calf",
            "urgent",
            {"possible_muscle_or_tendon_injury", "clot_risk_with_calf_symptoms"},
            "injury_at_onset",
            "recent_clot_risk",
            sides="left",
        ),
        # --- infection ---
        v(
            "fever with spreading redness",
            "urgent",
            {"possible_skin_infection"},
            "fever_spreading_redness",
        ),
        v(
            "fever, spreading redness and one red warm calf",
            "urgent",
            {"possible_skin_infection", "possible_clot_in_leg"},
            "fever_spreading_redness",
            "calf_red_warm",
        ),
        # --- conditions with an organic cause: never "nothing points to a problem" ---
        v(
            "liver cirrhosis with night cramps",
            "see_doctor",
            {"condition_with_organic_cause"},
            conditions=["liver_cirrhosis"],
        ),
        v(
            "kidney disease on dialysis",
            "see_doctor",
            {"condition_with_organic_cause"},
            conditions=["kidney_disease"],
        ),
        v(
            "cirrhosis on spironolactone",
            "see_doctor",
            {"condition_with_organic_cause"},
            conditions=["liver_cirrhosis"],
            medications=["Aldactone"],
        ),
        # --- athletes: thigh cramps with exercise stay self-care; at rest they do not ---
        v(
            "athlete with thigh cramps after exercise",
            "self_care",
            set(),
            muscles=["quadriceps", "hamstring"],
            **{**ATHLETE, "cramp_times": ["during_exercise", "after_exercise"]},
        ),
        v(
            "athlete with hamstring cramps at night too",
            "see_doctor",
            WIDE,
            muscles=["hamstring"],
            **{**ATHLETE, "cramp_times": ["during_exercise", "night"]},
        ),
        v(
            "athlete with thigh cramps at rest in the day",
            "see_doctor",
            WIDE,
            muscles=["quadriceps"],
            **{**ATHLETE, "cramp_times": ["day", "after_exercise"]},
        ),
        v(
            "thigh cramps, timing not given",
            "see_doctor",
            WIDE,
            muscles=["hamstring"],
            cramp_times=[],
        ),
        # --- medicines ---
        v(
            "statin with dark urine",
            "emergency",
            {"possible_muscle_breakdown"},
            "dark_urine",
            medications=["Lipostat"],
        ),
        v("angiotensin receptor blocker by brand", "self_care", set(), medications=["Cozaar"]),
        # --- incomplete: the new questions unanswered are listed in question order ---
        v(
            "edge questions all unanswered",
            "self_care",
            set(),
            unanswered=EDGE_FLAGS,
            incomplete=EDGE_FLAGS,
        ),
    ],
]


def test_it_has_at_least_forty_distinct_vignettes() -> None:
    assert len(VIGNETTES) >= 40
    assert len({vignette.name for vignette in VIGNETTES}) == len(VIGNETTES)


def test_it_covers_every_red_flag_and_every_rule() -> None:
    from crampcare.assessment.clinical import load_clinical

    flagged = {flag for vignette in VIGNETTES for flag in vignette.yes}
    assert flagged == set(SYMPTOM_IDS)
    fired = set().union(*(vignette.rules for vignette in VIGNETTES))
    assert fired == {rule.id for rule in load_clinical().rules}


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda vignette: vignette.name)
def test_it_triages_the_vignette_as_a_clinician_would(vignette: Vignette) -> None:
    data = answers(
        *vignette.yes, unanswered=vignette.unanswered, missing=vignette.missing, **vignette.fields
    )

    result = evaluate(data)

    assert result.triage == vignette.level
    assert {reason.rule for reason in result.reasons} == vignette.rules
    assert result.incomplete == list(vignette.incomplete)
    open_check = vignette.level == "self_care" and vignette.incomplete
    assert result.status == ("incomplete" if open_check else vignette.level)
