"""The relief guide under a red-flag hold (hazard P16): no rubbing the calf while a clot or muscle
breakdown is suspected, no stretching pitch under any hold, and tap-to-call numbers in the
still-cramping advice."""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts.models import User
from crampcare.assessment import services as assessment_services
from crampcare.assessment.tests.builders import answers

pytestmark = pytest.mark.django_db

RUB = "Rub the muscle gently"
PITCH = "gentle calf and hamstring stretches every night"
CAUTION = "Your last check found warning signs"


def _red_flag(user: User, *yes: str) -> None:
    assessment_services.save_assessment(user, answers(*yes).model_dump(mode="json"))


def _easing(client: Client) -> str:
    response = client.get("/cramp-now/calf/?state=easing")
    assert response.status_code == 200
    return response.content.decode()


def test_it_gives_the_usual_aftercare_without_a_hold(owner_client: Client, client: Client) -> None:
    for page in (_easing(owner_client), _easing(client)):
        assert RUB in page
        assert PITCH in page
        assert CAUTION not in page


def test_it_leaves_out_rubbing_and_stretching_while_a_clot_is_suspected(
    owner_client: Client, user: User
) -> None:
    _red_flag(user, "calf_swelling_one_side", "calf_red_warm")

    page = _easing(owner_client)

    assert RUB not in page
    assert PITCH not in page
    assert CAUTION in page
    assert "Do not rub or massage your leg" in page
    assert 'href="tel:' in page


def test_it_warns_against_rubbing_on_the_relief_steps_while_muscle_breakdown_is_suspected(
    owner_client: Client, user: User
) -> None:
    _red_flag(user, "dark_urine")

    page = owner_client.get("/cramp-now/calf/").content.decode()

    assert CAUTION in page
    assert "Do not rub or massage your leg" in page


def test_it_keeps_rubbing_but_drops_the_stretching_pitch_when_the_hold_is_not_about_the_calf(
    owner_client: Client, user: User
) -> None:
    _red_flag(user, "leg_pain_at_rest")

    page = _easing(owner_client)

    assert RUB in page
    assert PITCH not in page
    assert CAUTION not in page


def test_it_offers_tap_to_call_numbers_when_still_cramping_after_ten_minutes(
    client: Client,
) -> None:
    page = client.get("/cramp-now/calf/?state=still&since=0", HTTP_ACCEPT_LANGUAGE="en-AU").content
    text = page.decode()

    assert 'href="tel:000"' in text
    assert 'href="tel:1800022222"' in text
