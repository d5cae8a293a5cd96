"""Emergency numbers as data (content/emergency_numbers.yaml) and the tap-to-call buttons: the
country from the account, else from the browser's language, else 112 and "your local number"
(hazard P18)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment.tests.builders import answers
from crampcare.knowledge import emergency
from crampcare.knowledge.base import read_yaml
from crampcare.knowledge.loader import ContentError

EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]

# (country, emergency numbers, urgent number or None)
EXPECTED = [
    ("GB", ["999"], "111"),
    ("US", ["911"], None),
    ("CA", ["911"], "811"),
    ("AU", ["000"], "1800022222"),
    ("NZ", ["111"], "0800611116"),
    ("IE", ["112", "999"], None),
    ("DE", ["112"], "116117"),
    ("FR", ["15", "112"], None),
    ("ES", ["112"], None),
    # Spanish-speaking countries of the Americas: the number for an ambulance, no advice line.
    ("MX", ["911"], None),
    ("GT", ["122", "123"], None),
    ("HN", ["911"], None),
    ("SV", ["132"], None),
    ("NI", ["128"], None),
    ("CR", ["911"], None),
    ("PA", ["911"], None),
    ("CU", ["104"], None),
    ("DO", ["911"], None),
    ("PR", ["911"], None),
    ("CO", ["123"], None),
    ("VE", ["911"], None),
    ("EC", ["911"], None),
    ("PE", ["106"], None),
    ("CL", ["131"], None),
    ("AR", ["911"], None),
    ("UY", ["911", "105"], None),
    ("PY", ["141"], None),
]

# Where Spanish is the main language. Bolivia (BO) and Equatorial Guinea (GQ) are left out until
# a reliable source names one national number (see the note in emergency_numbers.yaml).
SPANISH_SPEAKING = [
    "ES", "MX", "GT", "HN", "SV", "NI", "CR", "PA", "CU", "DO", "PR",
    "CO", "VE", "EC", "PE", "CL", "AR", "UY", "PY",
]  # fmt: skip


@pytest.mark.parametrize(("country", "emergencies", "urgent"), EXPECTED)
def test_it_has_the_right_numbers_for_the_country(
    country: str, emergencies: list[str], urgent: str | None
) -> None:
    numbers = emergency.numbers_for(country)

    assert numbers.country == country
    assert [phone.number for phone in numbers.entry.emergency] == emergencies
    assert numbers.entry.urgent.number == urgent


def test_it_has_112_for_every_eu_country() -> None:
    for country in EU:
        numbers = emergency.numbers_for(country).entry
        assert "112" in [phone.number for phone in numbers.emergency], country


def test_it_cites_a_known_reference_or_a_source_for_every_country() -> None:
    data = emergency.load_numbers()

    assert data.countries[0].code == "GB"
    assert data.countries[0].references == ["R24"]
    for country in data.countries:
        assert country.references or country.source, country.code


def test_every_spanish_speaking_country_has_its_own_numbers_in_spanish() -> None:
    listed = set(emergency.country_codes())

    assert set(SPANISH_SPEAKING) <= listed
    assert not {"BO", "GQ"} & listed  # no number without a source
    for code in SPANISH_SPEAKING:
        entry = emergency.numbers_for(code).entry
        assert emergency.numbers_for(code).country == code
        assert entry.source is not None or entry.references, code
        texts = [emergency_country(code).name, entry.urgent.text]
        texts += [phone.label for phone in entry.emergency if phone.label]
        assert all(text.es for text in texts), code


def emergency_country(code: str) -> emergency.Country:
    return next(c for c in emergency.load_numbers().countries if c.code == code)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["countries"][0]["emergency"][0].update(number="99 9"), "string should match"),
        (lambda d: d["countries"][0].update(code="gb"), "string should match"),
        (lambda d: d["countries"].append(dict(d["countries"][0])), "country listed twice: gb"),
        (lambda d: d["countries"][1].pop("source"), "give references"),
        (lambda d: d["countries"][0].update(references=["R999"]), "unknown references r999"),
        (lambda d: d["countries"][0].update(colour="red"), "extra inputs are not permitted"),
    ],
    ids=["spaces in number", "lower-case code", "duplicate", "uncited", "bad reference", "extra"],
)
def test_it_refuses_numbers_that_are_malformed_or_uncited(change: Any, problem: str) -> None:
    import copy

    data = copy.deepcopy(read_yaml(emergency.NUMBERS_FILE))
    change(data)

    with pytest.raises(ContentError) as error:
        emergency.parse_numbers(data)

    assert problem in str(error.value).lower()
    assert "emergency_numbers.yaml" in str(error.value)


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("en-us", "US"),
        ("de-DE,de;q=0.9,en;q=0.8", "DE"),
        ("fr", None),  # a language without a region says nothing about the country
        ("en, en-AU;q=0.8", "AU"),
        ("es-MX,es;q=0.9", "MX"),
        ("es-419,es-AR;q=0.8", "AR"),  # "419" (Latin America) is no country; AR is
        ("es", None),
        ("zh-Hant-TW", None),
        ("xx-ZZ", None),
        ("", None),
        ("*", None),
    ],
)
def test_it_takes_the_country_from_the_browser_language(header: str, country: str | None) -> None:
    assert emergency.country_from_accept_language(header) == country


def test_it_prefers_the_account_country_to_the_browser() -> None:
    assert emergency.numbers_for("NZ", "en-GB").country == "NZ"
    assert emergency.numbers_for("", "en-GB").country == "GB"
    assert emergency.numbers_for("QQ", "en-GB").country == "GB"
    fallback = emergency.numbers_for("", "fr")
    assert fallback.country is None
    assert [phone.number for phone in fallback.entry.emergency] == ["112"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_country_list_is_in_alphabetical_order_whatever_the_accents(language: str) -> None:
    from django.utils import translation

    with translation.override(language):
        names = [name for _, name in emergency.country_choices()]

    def plain(name: str) -> str:
        return "".join(
            letter
            for letter in unicodedata.normalize("NFKD", name.casefold())
            if not unicodedata.combining(letter)
        )

    assert [plain(name) for name in names] == sorted(plain(name) for name in names)
    assert len(names) == len(emergency.country_codes())


def test_accented_spanish_names_sort_among_their_letters() -> None:
    from django.utils import translation

    with translation.override("es"):
        names = [name for _, name in emergency.country_choices()]

    assert names.index("Austria") < names.index("Bélgica") < names.index("Bulgaria")
    assert names.index("Dinamarca") < names.index("Eslovaquia") < names.index("España")
    assert sorted(["Perú", "Polonia", "Panamá", "Paraguay"], key=emergency.alphabetical) == [
        "Panamá",
        "Paraguay",
        "Perú",
        "Polonia",
    ]


# -- the buttons on the pages ---------------------------------------------------------------------

URGENT = answers("leg_pain_at_rest").model_dump(mode="json")
EMERGENCY = answers("dark_urine").model_dump(mode="json")


@pytest.fixture
def visitor_result(client: Client) -> Any:
    from crampcare.assessment import drafts

    def show(payload: dict[str, Any], language: str) -> str:
        session = client.session
        session[drafts.SESSION_ANSWERS] = payload
        session[drafts.SESSION_FINISHED] = True
        session.save()
        response = client.get("/assessment/result/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return response.content.decode()

    return show


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "calls"),
    [
        ("en-GB", ["tel:999", "tel:111"]),
        ("en-US", ["tel:911"]),
        ("en-AU", ["tel:000", "tel:1800022222"]),
        ("de-DE", ["tel:112", "tel:116117"]),
        ("fr-FR", ["tel:15", "tel:112"]),
        ("en-NZ", ["tel:111", "tel:0800611116"]),
        ("en-CA", ["tel:911", "tel:811"]),
        ("es-CL", ["tel:131"]),
        ("es-UY", ["tel:911", "tel:105"]),
        ("ja", ["tel:112"]),
    ],
)
def test_it_shows_tap_to_call_buttons_for_the_browsers_country(
    visitor_result: Any, language: str, calls: list[str]
) -> None:
    page = visitor_result(URGENT, language)

    shown = [call for call in calls if f'href="{call}"' in page]
    assert shown == calls
    assert page.count('class="call-button call-') == len(calls)
    if language == "ja":
        assert "Call your local emergency number" in page


@pytest.mark.django_db
def test_it_uses_the_country_in_the_account(client: Client, user: User) -> None:
    from crampcare.assessment import services

    user.country = "AU"
    user.save()
    assessment = services.save_assessment(user, EMERGENCY)
    client.force_login(user)

    page = client.get(
        f"/assessment/{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB"
    ).content.decode()

    assert 'href="tel:000"' in page
    assert 'href="tel:999"' not in page
    assert "Numbers for Australia" in page
    assert "Change your country" in page


@pytest.mark.django_db
def test_it_saves_the_country_in_the_account_settings(owner_client: Client, user: User) -> None:
    response = owner_client.post(
        "/account/",
        {"display_name": "Olive", "time_zone": "Europe/London", "country": "IE"},
    )
    bad = owner_client.post(
        "/account/",
        {"display_name": "Olive", "time_zone": "Europe/London", "country": "XX"},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.country == "IE"
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


@pytest.mark.django_db
def test_it_puts_the_advice_line_first_when_urgent_and_the_ambulance_first_in_an_emergency(
    visitor_result: Any,
) -> None:
    urgent = visitor_result(URGENT, "en-GB")
    emergency_page = visitor_result(EMERGENCY, "en-GB")

    assert urgent.index('href="tel:111"') < urgent.index('href="tel:999"')
    assert emergency_page.index('href="tel:999"') < emergency_page.index('href="tel:111"')
    assert "Change your country" not in urgent  # a visitor has no settings to change
