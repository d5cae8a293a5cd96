"""Exercise pictures in a real browser: drawn on the exercise page, the relief guide and the session
player, moving unless reduced motion is asked for, accessible, in light and dark."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs.tests.builders import make_program
from crampcare.testing.browser import look_both_schemes, sign_in_with_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The picture <img> has loaded and been drawn (an SVG that failed would have no natural width).
LOADED = "img => img.complete && img.naturalWidth > 0"


def _picture_shown(page: Any, slug: str) -> Any:
    picture = page.locator(f'img.pose-picture[src^="/exercises/{slug}/picture.svg"]').first
    picture.wait_for()
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        f"() => {{ const img = document.querySelector('img.pose-picture'); return ({LOADED})(img); }}"
    )
    box = picture.bounding_box()
    assert box is not None
    assert box["width"] >= 150
    return picture


def test_the_exercise_page_shows_its_moving_picture(page: Any, live_server: Any) -> None:
    # The test pages ask for reduced motion (steady screenshots); this one wants movement.
    page.emulate_media(reduced_motion="no-preference")
    page.goto(live_server.url + "/exercises/calf-stretch-towel-bed/")
    page.get_by_role("heading", level=1, name="Towel calf stretch in bed").wait_for()
    picture = _picture_shown(page, "calf-stretch-towel-bed")
    assert picture.get_attribute("alt") == "Towel calf stretch in bed"
    assert picture.evaluate("img => img.currentSrc").endswith("/picture.svg")
    look_both_schemes(page, "exercise-picture")

    # The picture moves: over one loop (7 s: holds of 1 and 3 s, two moves of 1.5 s) it is not
    # the same picture throughout.
    seen = set()
    for _ in range(16):
        seen.add(picture.screenshot())
        page.wait_for_timeout(500)
    assert len(seen) > 1


def test_it_keeps_the_picture_still_for_reduced_motion(page: Any, live_server: Any) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + "/exercises/calf-stretch-wall/")
    picture = _picture_shown(page, "calf-stretch-wall")
    assert picture.evaluate("img => img.currentSrc").endswith("/picture.svg?motion=0")
    seen = set()
    for _ in range(10):
        seen.add(picture.screenshot())
        page.wait_for_timeout(500)
    assert len(seen) == 1


def test_the_still_pair_opens_from_the_exercise_page(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/exercises/calf-stretch-wall/")
    page.get_by_role("link", name="start and end, still").click()
    page.wait_for_url("**/picture.svg?still=1")
    assert page.evaluate("document.documentElement.getAttribute('viewBox')") == "0 0 480 160"


def test_the_relief_guide_pictures_the_step(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/cramp-now/calf/")
    _picture_shown(page, "cramp-release-calf-in-bed")
    look_both_schemes(page, "relief-calf-picture")


def test_the_player_shows_each_exercises_picture(page: Any, live_server: Any, user: User) -> None:
    program = make_program(user, now=timezone.now())
    first = program.get_plan().items[0].exercise_id
    sign_in_with_form(page, live_server, user)
    page.goto(live_server.url + "/program/session/")
    page.get_by_role("button", name="Start").wait_for()
    _picture_shown(page, first)
    look_both_schemes(page, "player-picture")


def test_the_calf_relief_page_stays_light_with_its_pictures(page: Any, live_server: Any) -> None:
    """Everything the page loads, pictures included, uncompressed: under 150 KB (the target in
    benchmarks/lighthouse_run.py)."""
    sizes: dict[str, int] = {}
    page.on(
        "requestfinished",
        lambda request: sizes.update({request.url: len(request.response().body())}),
    )
    page.goto(live_server.url + "/cramp-now/calf/", wait_until="networkidle")
    _picture_shown(page, "cramp-release-calf-in-bed")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/picture.svg?motion=0") for url in sizes)
    assert sum(sizes.values()) < 150 * 1024, sorted(sizes.items(), key=lambda item: -item[1])
