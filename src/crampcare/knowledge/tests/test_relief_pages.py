"""The "cramp now" pages as served, without JavaScript: the fallback must be a complete guide."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.knowledge.loader import get_library
from crampcare.knowledge.relief_clock import SINCE_MAX_AGE_SECONDS, parse_since
from crampcare.knowledge.schema import RELIEF_AREA_ORDER, ReliefArea

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 4, 2, 30, tzinfo=UTC)


def text_of(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def area(area_id: str) -> ReliefArea:
    return get_library().relief_areas[area_id]


def area_url(area_id: str, **query: str) -> str:
    url = reverse("knowledge:relief_area", args=[area_id])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def test_it_lists_the_four_areas_on_the_chooser(client: Client) -> None:
    response = client.get(reverse("knowledge:relief"))
    page = text_of(response)
    guide = get_library().relief
    assert guide.question.en in page
    assert guide.intro.en in page
    assert guide.emergency.text.en in page
    body = response.content.decode()
    for area_id in RELIEF_AREA_ORDER:
        assert area(area_id).title.en in page
        assert area(area_id).description.en in page
        assert f'href="{reverse("knowledge:relief_area", args=[area_id])}"' in body
    titles = [area(area_id).title.en for area_id in RELIEF_AREA_ORDER]
    assert titles == ["Calf", "Back of thigh", "Front of thigh", "Foot or toes"]


@pytest.mark.parametrize("area_id", RELIEF_AREA_ORDER)
def test_it_shows_every_step_with_its_timing(client: Client, area_id: str) -> None:
    page = text_of(client.get(area_url(area_id)))
    for step in area(area_id).steps:
        assert step.text.en in page
        if step.repeat > 1:
            expected = (
                f"{step.hold_seconds} seconds, {step.repeat} times, "
                f"with {step.rest_seconds} seconds of rest between"
            )
        else:
            expected = f"{step.hold_seconds} seconds"
        assert expected in page


@pytest.mark.parametrize("area_id", RELIEF_AREA_ORDER)
def test_it_cites_each_step(client: Client, area_id: str) -> None:
    body = client.get(area_url(area_id)).content.decode()
    for step in area(area_id).steps:
        for ref in step.references:
            assert f">{ref}</" in body


def test_it_links_citations_to_the_references_page(client: Client) -> None:
    body = client.get(area_url("calf")).content.decode()
    assert f'href="{reverse("knowledge:references")}#R25"' in body


def test_it_puts_the_straight_knee_warning_before_the_hamstring_steps(client: Client) -> None:
    page = text_of(client.get(area_url("hamstring")))
    warning = area("hamstring").avoid[0].text.en
    assert "Keep the knee of the cramping leg straight" in warning
    assert page.index(warning) < page.index(area("hamstring").steps[0].text.en)


def test_it_never_tells_a_hamstring_cramp_to_bend_the_knee(client: Client) -> None:
    page = text_of(client.get(area_url("hamstring")))
    warning = area("hamstring").avoid[0].text.en
    # The warning names the wrong move in order to rule it out; nothing else may suggest it.
    instructions = page.replace(warning, "")
    assert not re.search(r"\bbend", instructions, re.IGNORECASE)
    assert not re.search(r"\bheel\b.{0,60}\b(buttock|bottom)", instructions, re.IGNORECASE)
    assert "knee straight" in page.lower()


def test_it_answers_404_for_an_unknown_area(client: Client) -> None:
    assert client.get("/cramp-now/elbow/").status_code == 404
    assert client.get("/cramp-now/Calf/").status_code == 404


def test_it_works_before_anyone_has_signed_up(client: Client) -> None:
    assert not User.objects.exists()
    assert client.get(reverse("knowledge:relief")).status_code == 200
    for area_id in RELIEF_AREA_ORDER:
        assert client.get(area_url(area_id)).status_code == 200
        assert client.get(area_url(area_id, state="easing")).status_code == 200
        assert client.get(area_url(area_id, state="still", since="0")).status_code == 200


def test_it_offers_easing_and_still_cramping_as_plain_links(client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        body = client.get(area_url("calf")).content.decode()
    since = int(NOW.timestamp())
    assert f'href="?state=easing&amp;since={since}"' in body
    assert f'href="?state=still&amp;since={since}"' in body
    assert "Is it easing?" in body


def test_it_has_the_still_cramping_advice_in_the_page_but_hidden_at_first(client: Client) -> None:
    response = client.get(area_url("calf"))
    body = response.content.decode()
    still = get_library().relief.still_cramping
    assert still.message.en in text_of(response)
    assert re.search(r'<section class="relief-still"[^>]*\bhidden\b', body)


def test_it_repeats_the_steps_while_under_ten_minutes(client: Client) -> None:
    start = NOW - timedelta(minutes=4)
    with time_machine.travel(NOW, tick=False):
        response = client.get(area_url("foot", state="still", since=str(int(start.timestamp()))))
    page, body = text_of(response), response.content.decode()
    # It says what happens next, with the time left until the advice to get help (6 minutes).
    assert "Keep going with the steps" in page
    assert "If it has not eased after 10 minutes in all, we will tell you where to get help" in page
    assert "about 6 more minutes" in page
    assert area("foot").steps[0].text.en in page
    assert re.search(r'<section class="relief-still"[^>]*\bhidden\b', body)
    # The count keeps its start, so the next "still cramping" knows how long it has been.
    assert f"since={int(start.timestamp())}" in body


def test_it_tells_a_person_to_seek_care_after_ten_minutes_without_javascript(
    client: Client,
) -> None:
    still = get_library().relief.still_cramping
    start = NOW - timedelta(minutes=still.threshold_minutes, seconds=5)
    with time_machine.travel(NOW, tick=False):
        response = client.get(area_url("calf", state="still", since=str(int(start.timestamp()))))
    page, body = text_of(response), response.content.decode()
    assert still.title.en in page
    assert still.message.en in page
    assert get_library().relief.emergency.text.en in page
    assert not re.search(r'<section class="relief-still"[^>]*\bhidden\b', body)
    # First thing after the heading, before the steps.
    assert page.index(still.message.en) < page.index(area("calf").steps[0].text.en)


@pytest.mark.parametrize("bad", ["", "soon", "-5", "99999999999", "1e9", "１２"])
def test_it_treats_a_bad_since_as_starting_now(client: Client, bad: str) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client.get(area_url("calf", state="still", since=bad))
    assert response.status_code == 200
    assert f"since={int(NOW.timestamp())}" in response.content.decode()


def test_it_parses_since_within_the_last_hour_only() -> None:
    now_seconds = int(NOW.timestamp())
    assert parse_since(str(now_seconds - 120), NOW) == now_seconds - 120
    assert parse_since(str(now_seconds - SINCE_MAX_AGE_SECONDS), NOW) == (
        now_seconds - SINCE_MAX_AGE_SECONDS
    )
    assert parse_since(str(now_seconds - SINCE_MAX_AGE_SECONDS - 1), NOW) == now_seconds
    assert parse_since(str(now_seconds + 1), NOW) == now_seconds
    assert parse_since(None, NOW) == now_seconds


def test_it_shows_aftercare_when_it_is_easing(client: Client) -> None:
    page = text_of(client.get(area_url("quadriceps", state="easing")))
    for item in get_library().relief.aftercare:
        assert item.text.en in page
    assert "Log this cramp" in page
    assert "sign in" in page


def test_it_sends_a_visitor_to_the_one_tap_log_after_signing_in(client: Client) -> None:
    # With the guide's start time, so the cramp is logged when it began (issue 10.2).
    since = int(datetime.now(UTC).timestamp()) - 90
    body = client.get(area_url("hamstring", state="easing", since=str(since))).content.decode()
    log_next = f"%2Fdiary%2Fcramp%2F%3Fmuscle%3Dhamstring%26since%3D{since}"
    assert f'href="{reverse("account_login")}?next={log_next}"' in body
    assert f'href="{reverse("account_signup")}?next={log_next}"' in body


def test_it_sends_a_visitor_to_sign_in_when_sign_up_is_closed(
    client: Client, user: User, settings
) -> None:
    # The owner exists and this server takes no new accounts: no tap on a dead end.
    settings.OPEN_SIGNUP = False
    since = int(datetime.now(UTC).timestamp()) - 90
    body = client.get(area_url("calf", state="easing", since=str(since))).content.decode()
    log_next = f"%2Fdiary%2Fcramp%2F%3Fmuscle%3Dcalf%26since%3D{since}"
    assert f'href="{reverse("account_login")}?next={log_next}"' in body
    assert reverse("account_signup") not in body
    for page in ("/", "/accounts/login/"):
        assert reverse("account_signup") not in client.get(page).content.decode(), page
    settings.OPEN_SIGNUP = True
    assert reverse("account_signup") in client.get("/").content.decode()


def test_it_logs_the_cramp_in_one_tap_when_signed_in(owner_client: Client, user: User) -> None:
    from crampcare.diary.models import CrampEpisode

    response = owner_client.get(area_url("hamstring", state="easing"))
    page, body = text_of(response), response.content.decode()
    assert "Create an account" not in page
    assert get_library().relief.aftercare[0].text.en in page
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', body, re.DOTALL)
    assert form is not None
    assert form.group(1) == reverse("diary:log_cramp")
    assert '<input type="hidden" name="muscle" value="hamstring">' in form.group(2)
    assert "Log this cramp" in form.group(2)

    owner_client.post(form.group(1), {"muscle": "hamstring"})
    logged = CrampEpisode.objects.for_user(user).get()
    assert logged.muscle == "hamstring"


def test_it_ignores_an_unknown_state(client: Client) -> None:
    page = text_of(client.get(area_url("calf", state="banana")))
    assert area("calf").steps[0].text.en in page


def test_it_counts_down_the_minutes_until_the_advice_in_the_singular_too(client: Client) -> None:
    start = NOW - timedelta(minutes=9, seconds=30)
    with time_machine.travel(NOW, tick=False):
        page = text_of(
            client.get(area_url("calf", state="still", since=str(int(start.timestamp()))))
        )
    assert "about 1 more minute." in page


def test_it_puts_log_this_cramp_first_on_the_easing_page(
    client: Client, owner_client: Client
) -> None:
    first_aftercare = get_library().relief.aftercare[0].text.en
    for who in (client, owner_client):
        page = text_of(who.get(area_url("calf", state="easing")))
        heading = page.index("Good. Let the muscle settle.")
        assert heading < page.index("Log this cramp") < page.index(first_aftercare)


def test_it_offers_its_easing_button_with_the_countdown_from_the_start(client: Client) -> None:
    body = client.get(area_url("calf")).content.decode()
    timer = body.index('class="relief-timer"')
    easing = body.index('class="relief-ease-now"')
    controls = body.index('class="relief-controls"')
    assert timer < easing < controls
    assert "It’s easing" in body[easing:controls]
    # Drawn as the player from the first frame: the first step is current, nothing waits to appear.
    assert re.search(r'class="relief-step is-current"', body)
    assert 'data-phase="ready"' in body
    assert not re.search(r'class="relief-(timer|status|controls)"[^>]*\bhidden\b', body)


def test_it_tells_an_injury_apart_from_a_cramp_on_the_chooser_and_the_steps(client: Client) -> None:
    warning = get_library().relief.not_a_cramp.text.en
    assert "Do not stretch it" in warning
    assert warning in text_of(client.get(reverse("knowledge:relief")))
    for area_id in RELIEF_AREA_ORDER:
        assert warning in text_of(client.get(area_url(area_id)))


def test_it_offers_lying_hamstring_steps_for_a_hip_replacement(client: Client) -> None:
    usual = client.get(area_url("hamstring")).content.decode()
    assert "?variant=lying" in usual
    lying = area("hamstring").variant("lying")
    assert lying is not None
    page = text_of(client.get(area_url("hamstring", variant="lying")))
    for step in lying.steps:
        assert step.text.en in page
    # Not the sitting forward lean, which bends the hip past a right angle.
    assert area("hamstring").steps[1].text.en not in page
    assert "Back to the usual steps" in page
    # An unknown variant shows the usual steps rather than an error.
    fallback = text_of(client.get(area_url("hamstring", variant="upside-down")))
    assert area("hamstring").steps[1].text.en in fallback


def _state_links(body: str) -> list[str]:
    """Every link of the guide that moves to another state (easing, still cramping)."""
    return [html.unescape(href) for href in re.findall(r'href="([^"]*state=[^"]*)"', body)]


@pytest.mark.parametrize(
    ("state", "minutes_ago"),
    [(None, 0), ("still", 2), ("still", 30), ("easing", 2)],
    ids=["steps", "still-early", "still-overdue", "easing"],
)
def test_every_link_of_the_guide_keeps_the_variant(
    client: Client, state: str | None, minutes_ago: int
) -> None:
    # A hip-replacement patient on the lying hamstring steps must never be sent back to the
    # sitting ones: "It's easing", "Still cramping" and "It came back" all carry the variant.
    since = str(int((NOW - timedelta(minutes=minutes_ago)).timestamp()))
    query = {"variant": "lying", "since": since} | ({"state": state} if state else {})
    with time_machine.travel(NOW, tick=False):
        body = client.get(area_url("hamstring", **query)).content.decode()
    links = _state_links(body)
    assert links, "the page offers no way on"
    for link in links:
        assert "variant=lying" in link, link
        assert f"since={since}" in link, link
    if state == "still" and minutes_ago == 30:
        assert "It’s easing now" in text_of(client.get(area_url("hamstring", **query)))


def test_it_says_the_foot_steps_rest_on_lower_quality_sources(client: Client) -> None:
    note = area("foot").evidence_note
    assert note is not None
    assert "No study has tested them" in note.text.en
    assert note.text.en in text_of(client.get(area_url("foot")))
