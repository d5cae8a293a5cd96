"""The result page and the list of earlier checks at the edges: an unfinished check is never
green, pregnancy is sent to the midwife, medicines come first, and the new questions are asked."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment import services
from crampcare.assessment.models import Assessment
from crampcare.assessment.tests.builders import typical_payload
from crampcare.assessment.tests.pages import all_no, complete

pytestmark = pytest.mark.django_db

PREGNANT_PAGE = {"age": "31", "sex": "female", "pregnant": "yes", "pregnancy_weeks": "32"}


def _html(response: Any) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("slug", "flag"),
    [
        ("leg-signs", "recent_clot_risk"),
        ("leg-signs", "fever_spreading_redness"),
        ("leg-signs", "injury_at_onset"),
        ("nerves-and-muscles", "saddle_numbness_or_bladder_bowel"),
        ("other-signs", "confusion_drowsiness_or_fit"),
        ("other-signs", "pregnancy_headache_or_vision"),
        ("other-signs", "pregnancy_sudden_swelling"),
    ],
)
def test_it_asks_each_new_red_flag_on_its_page(
    client: Client, user: User, slug: str, flag: str
) -> None:
    page = _html(client.get(f"/assessment/step/{slug}/"))
    for answer in ("yes", "no", "unsure"):
        assert f'name="{flag}" value="{answer}"' in page


def test_it_leaves_out_the_pre_eclampsia_questions_for_a_man(client: Client, user: User) -> None:
    client.post("/assessment/step/about-you/", {"sex": "male"})
    page = _html(client.get("/assessment/step/other-signs/"))
    assert 'name="pregnancy_headache_or_vision"' not in page
    assert 'name="confusion_drowsiness_or_fit"' in page


def test_it_calls_an_unfinished_check_incomplete_and_asks_first(client: Client, user: User) -> None:
    complete(client, **{"leg-signs": all_no("leg-signs", recent_clot_risk="unsure")})
    page = _html(client.get("/assessment/result/"))

    assert "Your check is not finished</h1>" in page
    assert "Nothing in your answers needs a doctor soon" not in page
    assert "verdict notice success" not in page
    order = [
        page.index("Your check is not finished"),
        page.index("warning-sign question still needs an answer"),
        page.index('name="again-recent_clot_risk"'),
        page.index("What may be behind your cramps"),
    ]
    assert order == sorted(order)


def test_it_turns_green_only_once_every_red_flag_is_answered(client: Client, user: User) -> None:
    complete(client, **{"leg-signs": all_no("leg-signs", recent_clot_risk="unsure")})
    client.post("/assessment/result/", {"again-recent_clot_risk": "no"})
    page = _html(client.get("/assessment/result/"))
    assert "Your check is not finished" not in page
    assert "Nothing in your answers needs a doctor soon" in page


def test_it_never_lists_an_unfinished_check_as_self_care(owner_client: Client, user: User) -> None:
    services.save_assessment(user, typical_payload(symptoms={"dark_urine": False}))
    page = _html(owner_client.get("/assessment/"))
    saved = page[page.index("Your earlier checks") :]
    assert "level-incomplete" in saved
    assert "Incomplete" in saved
    assert "Self-care" not in saved
    assert "warning-sign questions still need an answer." in saved


def test_it_shows_the_time_and_a_one_line_summary_of_each_earlier_check(
    owner_client: Client, user: User
) -> None:
    with time_machine.travel("2026-03-04 09:15:00+00:00", tick=False):
        services.save_assessment(user, typical_payload(symptoms={"dark_urine": True}))
    with time_machine.travel("2026-03-05 21:40:00+00:00", tick=False):
        services.save_assessment(user, typical_payload())
    user.refresh_from_db()
    page = _html(owner_client.get("/assessment/"))
    saved = page[page.index("Your earlier checks") :]

    assert re.search(r"5 March 2026, \d\d:40</time>", saved)
    assert re.search(r"4 March 2026, \d\d:15</time>", saved)
    assert "Tea- or cola-coloured urine, or muscle pain or weakness far worse" in saved
    assert "No warning signs in your answers." in saved
    assert saved.index("5 March 2026") < saved.index("4 March 2026")
    assert "level-emergency" in saved
    assert "level-self_care" in saved


def test_it_reads_a_status_for_results_stored_before_it_existed(
    owner_client: Client, user: User
) -> None:
    stored = services.save_assessment(user, typical_payload(symptoms={}))
    old = {key: value for key, value in stored.result.items() if key != "status"}
    Assessment.objects.for_user(user).filter(pk=stored.pk).update(result=old)
    stored.refresh_from_db()

    assert stored.status == "incomplete"
    assert "level-incomplete" in _html(owner_client.get("/assessment/"))
    assert owner_client.get(f"/api/v1/assessments/{stored.pk}").json()["result"]["status"] == (
        "incomplete"
    )


def test_it_sends_a_pregnant_person_to_her_midwife(client: Client, user: User) -> None:
    complete(
        client,
        **{
            "about-you": PREGNANT_PAGE,
            "your-cramps": {"sleep_disrupted": "yes", "cramps_per_week": "4"},
        },
    )
    page = _html(client.get("/assessment/result/"))

    assert "Talk to your midwife or doctor soon" in page
    assert "Book an appointment with your doctor soon</h2>" not in page
    assert "next pregnancy check-up" not in page
    assert "midwife or antenatal team" in page


def test_it_sends_pregnancy_warning_signs_to_the_maternity_unit_today(
    client: Client, user: User
) -> None:
    complete(
        client,
        **{
            "about-you": PREGNANT_PAGE,
            "other-signs": all_no("other-signs", pregnancy_sudden_swelling="yes"),
        },
    )
    page = _html(client.get("/assessment/result/"))
    assert "Contact your midwife or maternity unit today</h1>" in page
    assert "need checking today by your midwife, maternity unit or a doctor" in page
    assert "If you cannot reach your midwife" in page
    checked_first = page[page.index("Get checked first") :]
    assert "Contact your midwife or maternity unit today, as the box above says" in checked_first
    assert "See a doctor today" not in checked_first


def test_it_says_including_in_pregnancy_only_to_the_pregnant(client: Client, user: User) -> None:
    complete(client, **{"leg-signs": all_no("leg-signs", calf_swelling_one_side="yes")})
    page = _html(client.get("/assessment/result/"))
    assert "deep vein thrombosis" in page
    assert "pregnan" not in page.lower().split("your answers")[0]


def test_it_calls_sudden_breathlessness_an_emergency_without_leg_signs(
    client: Client, user: User
) -> None:
    complete(client, **{"other-signs": all_no("other-signs", breathless_or_chest_pain="yes")})
    page = _html(client.get("/assessment/result/"))
    assert "Call emergency services now</h1>" in page
    assert "even when the legs look normal" in page


def test_it_shows_the_medicine_cards_first_for_a_medicine_driven_profile(
    client: Client, user: User
) -> None:
    complete(
        client,
        medicines={
            "medications": "Cozaar\nbendroflumethiazide",
            "started_medication_recently": "yes",
        },
        **{"daily-life": {"sitting_hours_per_day": "9"}},
    )
    page = _html(client.get("/assessment/result/"))
    profile = page[page.index("What may be behind your cramps") :]

    assert profile.index("Your medicines") < profile.index("Things you can change")
    assert profile.index("Angiotensin receptor blockers") < profile.index("Sitting for long hours")


def test_it_puts_emergency_help_before_the_statin_talk(client: Client, user: User) -> None:
    complete(
        client,
        medicines={"medications": "Lipitor 40 mg"},
        **{"other-signs": all_no("other-signs", dark_urine="yes")},
    )
    page = _html(client.get("/assessment/result/"))
    assert "Get emergency help first. The team who sees you will advise about your statin" in page
    assert "Ask the person who prescribed it whether it could be playing a part" not in page


def test_it_sends_cirrhosis_to_the_liver_team_not_a_green_headline(
    client: Client, user: User
) -> None:
    complete(client, health={"conditions": ["liver_cirrhosis"]})
    page = _html(client.get("/assessment/result/"))
    assert "Nothing you told us points to a problem" not in page
    assert "Book an appointment with your doctor soon" in page
    assert "liver or kidney (renal) team" in page


def test_it_prints_the_medicine_cards_and_an_unfinished_status(
    owner_client: Client, user: User
) -> None:
    stored = services.save_assessment(user, typical_payload(medications=["Cozaar"], symptoms={}))
    page = _html(owner_client.get(f"/assessment/{stored.pk}/?print=1"))
    assert "Result: Your check is not finished" in page
    assert "verdict-incomplete" in page
    assert "Angiotensin receptor blockers" in page


@pytest.mark.parametrize(
    ("step", "flag"),
    [
        ("nerves-and-muscles", "saddle_numbness_or_bladder_bowel"),
        ("other-signs", "breathless_or_chest_pain"),
    ],
)
def test_it_forbids_rubbing_the_calf_when_a_clot_sits_under_another_emergency(
    client: Client, user: User, step: str, flag: str
) -> None:
    # The swollen calf is "urgent", below the box's emergency: its warning must still show.
    complete(
        client,
        **{
            "leg-signs": all_no("leg-signs", calf_swelling_one_side="yes"),
            step: all_no(step, **{flag: "yes"}),
        },
    )
    page = _html(client.get("/assessment/result/"))
    assert "Call emergency services now</h1>" in page
    assert "Do not rub, massage, stretch or exercise the calf" in page


@pytest.mark.parametrize(
    ("language", "number", "others"),
    [
        ("en-AU", "000", ("911", "999")),
        ("en-GB", "999", ("911", "000")),
        ("en-US", "911", ("999",)),
    ],
)
def test_it_names_only_the_emergency_numbers_of_the_persons_country(
    client: Client, user: User, language: str, number: str, others: tuple[str, ...]
) -> None:
    complete(client, **{"other-signs": all_no("other-signs", breathless_or_chest_pain="yes")})
    for url in ("/assessment/result/", "/assessment/result/?print=1"):
        page = _html(client.get(url, HTTP_ACCEPT_LANGUAGE=language))
        assert f'href="tel:{number}"' in page, url
        for other in others:
            assert not re.search(rf"\b{other}\b", page), (url, other)
