"""Matching typed medicine names to classes: brands, generics, class ids, case and spacing."""

from __future__ import annotations

import pytest

from crampcare.assessment.clinical import load_clinical
from crampcare.assessment.medicines import classes_for, match_medications, suggest


def every_listed_name() -> list[tuple[str, str]]:
    pairs = []
    for item in load_clinical().medicines.classes:
        pairs += [(item.id, item.id), *((alias, item.id) for alias in item.aliases)]
        for generic in item.generics:
            names = [generic.name, *generic.aliases, *generic.brands]
            pairs += [(name, item.id) for name in names]
    return pairs


@pytest.mark.parametrize(("name", "class_id"), every_listed_name())
def test_it_matches_every_name_in_the_content_to_its_class(name: str, class_id: str) -> None:
    assert class_id in classes_for(name)
    assert class_id in classes_for(name.upper())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Lipitor", {"statin"}),
        ("atorvastatin", {"statin"}),
        ("  ATORVASTATIN  ", {"statin"}),
        ("atorvastatin 20 mg", {"statin"}),
        ("Lipitor 40mg tablets", {"statin"}),
        ("statin", {"statin"}),
        ("Statins", {"statin"}),
        ("potassium_sparing_diuretic", {"potassium_sparing_diuretic"}),
        ("potassium-sparing diuretic", {"potassium_sparing_diuretic"}),
        ("Lasix", {"loop_diuretic"}),
        ("frusemide", {"loop_diuretic"}),
        ("albuterol", {"salbutamol"}),
        ("Ventolin Evohaler", {"salbutamol"}),
        ("Advair", {"laba"}),
        ("Symbicort", {"laba"}),
        ("fluticasone/salmeterol", {"laba"}),
        ("Dyazide", {"thiazide_diuretic", "potassium_sparing_diuretic"}),
        (
            "triamterene and hydrochlorothiazide",
            {"thiazide_diuretic", "potassium_sparing_diuretic"},
        ),
        ("Premarin", {"conjugated_estrogens"}),
        ("Evista", {"raloxifene"}),
        ("Forteo", {"teriparatide"}),
        ("Venofer", {"iron_sucrose_iv"}),
        ("Aleve", {"naproxen"}),
        ("Procardia", {"nifedipine"}),
        ("Ambien", {"zolpidem"}),
        ("Lyrica", {"gabapentinoid"}),
        ("Neurontin", {"gabapentinoid"}),
        ("citalopram", {"antidepressant_anxiolytic"}),
        ("Klonopin", {"antidepressant_anxiolytic"}),
        ("the pill", {"oral_contraceptive"}),
        ("Qualaquin", {"quinine"}),
        ("Quinine Sulphate 300mg", {"quinine"}),
        ("aspirin", set()),
        ("", set()),
    ],
)
def test_it_matches_what_people_type(typed: str, expected: set[str]) -> None:
    assert classes_for(typed) == expected


def test_it_keeps_unknown_names_as_unrecognised_instead_of_failing() -> None:
    match = match_medications(["Lipitor", "Metformin", "vitamin D 1000 IU", "  "])

    assert match.classes == {"statin": ("Lipitor",)}
    assert match.unrecognised == ("Metformin", "vitamin D 1000 IU")


def test_it_lists_each_typed_name_under_every_class_it_belongs_to() -> None:
    match = match_medications(["Lipitor", "simvastatin", "Dyazide"])

    assert match.classes == {
        "potassium_sparing_diuretic": ("Dyazide",),
        "statin": ("Lipitor", "simvastatin"),
        "thiazide_diuretic": ("Dyazide",),
    }


def test_it_gives_the_same_match_whatever_the_order_or_repeats() -> None:
    names = ["zzz-tonic", "Lipitor", "ZZZ-Tonic", "lipitor", "Ventolin"]

    forwards = match_medications(names)
    backwards = match_medications(list(reversed(names)))

    assert forwards == backwards
    assert forwards.unrecognised == ("ZZZ-Tonic",)
    assert forwards.classes["statin"] == ("Lipitor", "lipitor")


def test_it_suggests_names_for_a_search_box() -> None:
    assert suggest("ator")[0].name == "atorvastatin"
    assert {item.class_id for item in suggest("lasi")} == {"loop_diuretic"}
    assert any(item.name == "Symbicort" for item in suggest("symbi"))
    assert suggest("   ") == []
    assert len(suggest("a", limit=5)) == 5


# The common brand names in the US, UK, EU and Australia of every listed class, typed as people
# type them; combination products match each class they contain.
BRANDS = {
    "thiazide_diuretic": ["Microzide", "Esidrix", "Natrilix SR", "Tensaid", "Dapa-Tabs", "Aprinox"],
    "loop_diuretic": ["Lasix", "Frusol", "Uremide", "Burinex", "Torem"],
    "potassium_sparing_diuretic": ["Aldactone", "Spiractin", "Inspra", "Kaluril", "Dyrenium"],
    "diuretic_unspecified": ["water tablet", "Water Pills", "water pill", "diuretics"],
    "arb": ["Cozaar", "Diovan", "Atacand", "Amias", "Avapro", "Aprovel", "Karvea", "Olmetec"],
    "laba": ["Serevent", "Seretide", "Fostair", "Flutiform", "DuoResp", "Breo", "Relvar"],
    "statin": ["Lipitor", "Lipostat", "Zocor", "Lipex", "Crestor", "Sortis", "Lescol", "Livazo"],
    "conjugated_estrogens": ["Premarin", "Premique", "Prempak-C", "Duavee", "Duavive"],
    "raloxifene": ["Evista", "Optruma"],
    "teriparatide": ["Forteo", "Forsteo", "Terrosa", "Movymia"],
    "iron_sucrose_iv": ["Venofer"],
    "naproxen": ["Aleve", "Naprosyn", "Naprogesic", "Synflex"],
    "nifedipine": ["Adalat", "Procardia", "Coracten", "Adefin"],
    "salbutamol": ["Ventolin", "ProAir", "Salamol", "Asmol"],
    "oral_contraceptive": ["Microgynon", "Levlen", "Yaz", "Hana", "Sprintec", "Noriday"],
    "antidepressant_anxiolytic": ["Cipramil", "Celapram", "Lexapro", "Lustral", "Lovan", "Aropax"],
    "gabapentinoid": ["Neurontin", "Nupentin", "Lyrica", "Alzain"],
    "zolpidem": ["Ambien", "Stilnoct", "Stilnox", "Edluar"],
    "quinine": ["Qualaquin", "Quinbisul"],
}
COMBINATIONS = {
    "Hyzaar": {"arb", "thiazide_diuretic"},
    "Co-Diovan": {"arb", "thiazide_diuretic"},
    "CoAprovel": {"arb", "thiazide_diuretic"},
    "Moduretic": {"thiazide_diuretic", "potassium_sparing_diuretic"},
    "co-amilozide": {"thiazide_diuretic", "potassium_sparing_diuretic"},
    "Aldactazide": {"thiazide_diuretic", "potassium_sparing_diuretic"},
    "Frumil": {"loop_diuretic", "potassium_sparing_diuretic"},
    "Frusene": {"loop_diuretic", "potassium_sparing_diuretic"},
    "Tenoretic": {"thiazide_diuretic"},
}


def test_it_knows_brands_for_every_class() -> None:
    assert set(BRANDS) == {item.id for item in load_clinical().medicines.classes}


@pytest.mark.parametrize(
    ("brand", "class_id"),
    [(brand, class_id) for class_id, brands in BRANDS.items() for brand in brands],
)
def test_it_matches_the_common_brand_names_of_each_class(brand: str, class_id: str) -> None:
    assert classes_for(brand) == {class_id}
    assert classes_for(f"{brand.lower()} 10 mg") == {class_id}


@pytest.mark.parametrize(("brand", "classes"), list(COMBINATIONS.items()))
def test_it_matches_a_combination_brand_to_each_class_in_it(brand: str, classes: set[str]) -> None:
    assert classes_for(brand) == classes


def test_it_finds_the_diuretics_when_someone_types_water_tablet() -> None:
    names = {item.name for item in suggest("water", limit=10)}
    assert {"water tablet", "water pill"} <= names
    assert {item.class_id for item in suggest("water pill")} == {"diuretic_unspecified"}
    assert match_medications(["Water tablet"]).classes == {
        "diuretic_unspecified": ("Water tablet",)
    }
