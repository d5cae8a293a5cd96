"""The "cramp now" player in a real browser: countdown, steps, voice, wake lock and both endings.

The player reads ``?speed=N`` to run its clock N times faster, so a whole guide takes about a
second here; state is read from the data attributes it keeps on ``#relief``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from crampcare.knowledge.loader import get_library
from crampcare.knowledge.schema import RELIEF_AREA_ORDER
from crampcare.testing.browser import look, look_both_schemes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAST = 200

# Installed before the page's own scripts: records every step and phase the player goes through.
RECORD_STATES = """
window.__relief = {steps: [], phases: []};
// Read every change from the mutation records (a value and the one it replaced), not only the
// state when the callback runs: a slow tick under load may pass a short rest within one frame.
new MutationObserver((records) => {
  const log = window.__relief;
  const push = (list, value) => { if (value && list.at(-1) !== value) list.push(value); };
  for (const record of records) {
    if (record.target.id !== 'relief') continue;
    const list = record.attributeName === 'data-step' ? log.steps : log.phases;
    push(list, record.oldValue);
    push(list, record.target.getAttribute(record.attributeName));
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-step', 'data-phase']});
"""

# Resolves with two readings of the same hold, the second lower: the countdown counts down.
TWO_READINGS_OF_ONE_HOLD = """
() => new Promise((resolve, reject) => {
  const root = document.getElementById('relief');
  let first = null;
  const read = () => ({step: root.dataset.step, rep: root.dataset.rep,
                       phase: root.dataset.phase, remaining: Number(root.dataset.remaining)});
  const check = () => {
    const now = read();
    if (now.phase !== 'hold') { first = null; return; }
    if (first && first.step === now.step && first.rep === now.rep) {
      if (now.remaining < first.remaining) { observer.disconnect(); resolve([first, now]); }
    } else {
      first = now;
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(root, {attributes: true, attributeFilter: ['data-remaining', 'data-phase']});
  check();
  setTimeout(() => reject(new Error('no hold counted down')), 8000);
})
"""

# A stand-in for the Web Speech API that writes down what would have been said.
FAKE_VOICE = """
window.__spoken = [];
class FakeUtterance { constructor(text) { this.text = text; } }
Object.defineProperty(window, 'SpeechSynthesisUtterance', {value: FakeUtterance, configurable: true});
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  speak(utterance) { window.__spoken.push(utterance.text); }, cancel() {},
}});
"""

# A stand-in for the Wake Lock API that counts requests and lets the test drop the lock.
FAKE_WAKE_LOCK = """
window.__wake = {requests: [], sentinels: []};
Object.defineProperty(navigator, 'wakeLock', {configurable: true, value: {
  request(type) {
    window.__wake.requests.push(type);
    const listeners = [];
    const sentinel = {addEventListener(name, fn) { if (name === 'release') listeners.push(fn); },
                      release() { listeners.forEach((fn) => fn()); }};
    window.__wake.sentinels.push(sentinel);
    return Promise.resolve(sentinel);
  },
}});
"""


def relief_state(page: Any) -> dict[str, str]:
    return page.evaluate("() => ({...document.getElementById('relief').dataset})")


def wait_for_phase(page: Any, phase: str, timeout: int = 10_000) -> None:
    page.wait_for_function(
        f"() => document.getElementById('relief').dataset.phase === {phase!r}", timeout=timeout
    )


def open_guide(page: Any, base: str, area_id: str, speed: int = FAST) -> None:
    page.goto(f"{base}/cramp-now/{area_id}/?speed={speed}")
    page.wait_for_function("() => document.getElementById('relief').classList.contains('is-live')")


def walk_to_the_end(page: Any) -> None:
    wait_for_phase(page, "done")
    page.get_by_role("heading", name="Is it easing?").wait_for()


def test_it_lets_a_person_choose_where_the_cramp_is(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    assert page.url.endswith("/welcome/")  # nobody has signed up; the guide must still open
    page.get_by_role("link", name="Cramp now").first.click()
    page.get_by_role("heading", name="Where is the cramp?").wait_for()
    look(page, "relief-chooser")
    page.get_by_role("link", name="Back of thigh").click()
    page.wait_for_url("**/cramp-now/hamstring/")
    page.get_by_role("heading", name="Back of thigh").wait_for()
    assert page.get_by_text("Keep the knee of the cramping leg straight").is_visible()
    assert relief_state(page)["phase"] == "ready"


def test_it_looks_calm_in_the_dark(dark_page: Any, live_server: Any) -> None:
    dark_page.goto(live_server.url + "/cramp-now/")
    look(dark_page, "relief-chooser")
    # A gentle clock so the screenshot shows a hold in progress.
    open_guide(dark_page, live_server.url, "calf", speed=5)
    wait_for_phase(dark_page, "hold")
    look(dark_page, "relief-guide-calf")
    open_guide(dark_page, live_server.url, "hamstring", speed=5)
    wait_for_phase(dark_page, "hold")
    look(dark_page, "relief-guide-hamstring")


@pytest.mark.parametrize("area_id", RELIEF_AREA_ORDER)
def test_it_walks_each_guide_to_aftercare(page: Any, live_server: Any, area_id: str) -> None:
    area = get_library().relief_areas[area_id]
    page.add_init_script(RECORD_STATES)
    open_guide(page, live_server.url, area_id)
    first, second = page.evaluate(TWO_READINGS_OF_ONE_HOLD)
    assert second["remaining"] < first["remaining"]
    assert first["step"] == second["step"]

    walk_to_the_end(page)
    seen = page.evaluate("window.__relief")
    assert seen["steps"] == [str(index) for index in range(len(area.steps))]
    for phase in ("ready", "hold", "done"):
        assert phase in seen["phases"]
    if any(step.repeat > 1 and step.rest_seconds for step in area.steps):
        assert "rest" in seen["phases"]
    assert not page.locator(".relief-controls").is_visible()
    if area_id == "calf":
        look(page, "relief-guide-done")

    page.get_by_role("link", name="It’s easing").click()
    page.get_by_role("heading", name="Good. Let the muscle settle.").wait_for()
    for item in get_library().relief.aftercare:
        assert page.get_by_text(item.text.en).is_visible()
    assert page.get_by_role("link", name="Log this cramp").is_visible()
    if area_id == "calf":
        look(page, "relief-easing")


def test_it_logs_the_cramp_in_one_tap_at_the_end(page: Any, live_server: Any, user: Any) -> None:
    from django.test import Client

    from crampcare.diary.models import CrampEpisode

    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    open_guide(page, live_server.url, "quadriceps")
    walk_to_the_end(page)
    page.get_by_role("link", name="It’s easing").click()
    page.get_by_role("button", name="Log this cramp").click()
    page.get_by_text("Cramp logged at").wait_for()
    assert CrampEpisode.objects.for_user(user).get().muscle == "quadriceps"


def test_it_counts_down_in_real_seconds_and_pauses_from_the_keyboard(
    page: Any, live_server: Any
) -> None:
    open_guide(page, live_server.url, "foot", speed=1)
    wait_for_phase(page, "hold", timeout=8_000)
    before = int(relief_state(page)["remaining"])
    page.keyboard.press("Space")
    paused = relief_state(page)
    assert paused["paused"] == "true"
    assert page.get_by_role("button", name="Resume").is_visible()
    time.sleep(1.3)
    assert relief_state(page)["remaining"] == paused["remaining"]
    page.keyboard.press("Space")
    assert page.get_by_role("button", name="Pause").is_visible()
    page.wait_for_function(
        f"() => Number(document.getElementById('relief').dataset.remaining) < {int(paused['remaining'])}",
        timeout=3_000,
    )
    assert int(relief_state(page)["remaining"]) < before


def test_it_moves_between_steps_with_buttons_and_arrow_keys(page: Any, live_server: Any) -> None:
    open_guide(page, live_server.url, "hamstring", speed=1)
    assert relief_state(page)["step"] == "0"
    page.keyboard.press("ArrowRight")
    assert relief_state(page)["step"] == "1"
    assert page.locator("#relief-step-of").inner_text() == "Step 2 of 4"
    page.get_by_role("button", name="Next").click()
    assert relief_state(page)["step"] == "2"
    page.keyboard.press("ArrowLeft")
    assert relief_state(page)["step"] == "1"
    page.get_by_role("button", name="Back").click()
    assert relief_state(page)["step"] == "0"
    assert relief_state(page)["phase"] == "ready"
    for _ in range(4):
        page.get_by_role("button", name="Next").click()
    assert relief_state(page)["phase"] == "done"
    assert page.evaluate("document.activeElement.id") == "relief-check-title"


def test_it_keeps_its_controls_big_and_within_thumb_reach(dark_page: Any, live_server: Any) -> None:
    open_guide(dark_page, live_server.url, "calf", speed=1)
    viewport = dark_page.viewport_size
    for name in ("Back", "Pause", "Next"):
        box = dark_page.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 56
        assert box["width"] >= 56
        # In the bottom quarter of the screen, where the thumb of the hand holding the phone is.
        assert box["y"] > viewport["height"] * 0.75
        assert box["y"] + box["height"] <= viewport["height"]
    number = dark_page.locator("#relief-number").bounding_box()
    assert number["height"] >= 64
    assert number["y"] + number["height"] < viewport["height"]


def test_it_speaks_the_cues_once_the_voice_is_turned_on(page: Any, live_server: Any) -> None:
    page.add_init_script(FAKE_VOICE)
    open_guide(page, live_server.url, "calf", speed=1)
    voice = page.get_by_role("button", name="Voice")
    assert voice.get_attribute("aria-pressed") == "false"
    assert page.evaluate("window.__spoken") == []  # off by default

    voice.click()
    assert voice.get_attribute("aria-pressed") == "true"
    cue = get_library().relief_areas["calf"].steps[0].spoken.en
    assert page.evaluate("window.__spoken") == [cue]

    # Remembered: the next guide speaks on its own, including "rest" and "again" between holds.
    open_guide(page, live_server.url, "calf", speed=FAST)
    assert page.get_by_role("button", name="Voice").get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => window.__spoken.includes('Again')")
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == cue
    assert "Rest" in spoken


def test_it_keeps_the_screen_awake_and_takes_the_lock_back(page: Any, live_server: Any) -> None:
    page.add_init_script(FAKE_WAKE_LOCK)
    open_guide(page, live_server.url, "calf", speed=1)
    page.wait_for_function("() => document.getElementById('relief').dataset.awake === 'true'")
    assert page.evaluate("window.__wake.requests") == ["screen"]
    # The browser drops the lock when the page is hidden; coming back must take it again.
    page.evaluate("window.__wake.sentinels[0].release()")
    assert relief_state(page)["awake"] == "false"
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("() => window.__wake.requests.length === 2")
    assert relief_state(page)["awake"] == "true"


def test_it_works_without_wake_lock_or_voice(page: Any, live_server: Any) -> None:
    page.add_init_script(
        "delete Navigator.prototype.wakeLock; delete window.speechSynthesis;"
        "Object.defineProperty(window, 'speechSynthesis', {value: undefined});"
    )
    open_guide(page, live_server.url, "quadriceps")
    assert not page.get_by_role("button", name="Voice").is_visible()
    walk_to_the_end(page)


def test_it_asks_for_care_after_ten_minutes_of_still_cramping(page: Any, live_server: Any) -> None:
    still = get_library().relief.still_cramping
    open_guide(page, live_server.url, "calf")
    restarts = 0
    # At 200x a round of the calf guide is 4 minutes of guide time: the third "still cramping"
    # passes the 10 minutes.
    for _ in range(6):
        walk_to_the_end(page)
        page.get_by_role("link", name="Still cramping").click()
        if page.locator("#relief-still").is_visible():
            break
        restarts += 1
        assert relief_state(page)["phase"] in {"ready", "hold"}
        assert relief_state(page)["step"] == "0"
    assert restarts >= 1
    box = page.locator("#relief-still")
    assert box.is_visible()
    assert still.title.en in box.inner_text()
    assert still.message.en in box.inner_text()
    assert get_library().relief.emergency.text.en in box.inner_text()
    assert page.evaluate("document.activeElement.id") == "relief-still-title"


def test_it_remembers_when_the_cramp_started_across_a_reload(
    dark_page: Any, live_server: Any
) -> None:
    page = dark_page
    page.add_init_script(FAKE_VOICE)
    open_guide(page, live_server.url, "foot", speed=1)
    # Eleven minutes ago, as if the person had been stretching all that time.
    page.evaluate(
        "sessionStorage.setItem('crampcare.relief.start', String(Date.now() - 11 * 60 * 1000))"
    )
    page.evaluate("localStorage.setItem('crampcare.relief.voice', 'on')")
    open_guide(page, live_server.url, "foot")
    walk_to_the_end(page)
    page.get_by_role("link", name="Still cramping").click()
    box = page.locator("#relief-still")
    box.wait_for()
    spoken = get_library().relief.still_cramping.spoken.en
    assert page.evaluate("window.__spoken").count(spoken) == 1
    look(page, "relief-still-cramping")

    page.get_by_role("link", name="Keep stretching gently").click()
    assert relief_state(page)["step"] == "0"
    assert relief_state(page)["phase"] != "done"
    assert box.is_visible()  # the advice stays on the page while the person keeps going
    page.get_by_role("link", name="It’s easing now").click()
    page.get_by_role("heading", name="Good. Let the muscle settle.").wait_for()
    assert page.evaluate("sessionStorage.getItem('crampcare.relief.start')") is None


def test_it_shows_every_step_when_the_player_script_does_not_load(
    page: Any, live_server: Any
) -> None:
    # Blocking the player (rather than all JavaScript) keeps axe-core able to run on the page.
    page.route("**/knowledge/relief.js", lambda route: route.abort())
    page.goto(live_server.url + "/cramp-now/hamstring/")
    steps = page.locator(".relief-step")
    assert steps.count() == len(get_library().relief_areas["hamstring"].steps)
    assert all(steps.nth(index).is_visible() for index in range(steps.count()))
    assert not page.get_by_role("button", name="Pause").is_visible()
    look(page, "relief-guide-no-js")
    page.get_by_role("link", name="Still cramping").click()
    page.get_by_text("If it has not eased after 10 minutes in all").wait_for()
    page.locator(".relief-check").get_by_role("link", name="It’s easing").click()
    page.get_by_role("heading", name="Good. Let the muscle settle.").wait_for()


# Sums the layout shifts of the page load (what Lighthouse reports as cumulative layout shift).
LAYOUT_SHIFT = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({type: 'layout-shift', buffered: true});
"""


def in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


# Dark first: the journey is walked at night; light too, for the screenshots of both.
@pytest.mark.parametrize("scheme", ["dark_page", "page"])
def test_it_eases_a_calf_cramp_and_offers_the_log_first_on_a_fresh_install(
    request: pytest.FixtureRequest, live_server: Any, scheme: str
) -> None:
    page = request.getfixturevalue(scheme)
    page.add_init_script(LAYOUT_SHIFT)
    page.goto(live_server.url + "/")
    assert page.url.endswith("/welcome/")  # a fresh install: nobody has signed up
    page.goto(live_server.url + "/cramp-now/calf/")
    # From the first second, before any countdown has run: the way out is on screen.
    easing = page.locator(".relief-ease-now").get_by_role("link", name="It’s easing")
    assert easing.is_visible()
    assert in_view(page, ".relief-ease-now")
    assert in_view(page, ".relief-ring")
    page.wait_for_function("() => document.getElementById('relief').classList.contains('is-live')")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__cls") < 0.1
    look(page, "relief-journey-calf")

    easing.click()
    page.get_by_role("heading", name="Good. Let the muscle settle.").wait_for()
    first_action = page.locator("main a.button, main button").first
    assert first_action.inner_text().strip() == "Log this cramp"
    assert in_view(page, ".relief-log")
    look(page, "relief-journey-easing")


def test_it_keeps_the_hamstring_countdown_on_the_phone_screen(
    dark_page: Any, live_server: Any
) -> None:
    open_guide(dark_page, live_server.url, "hamstring", speed=1)
    assert dark_page.get_by_text("Keep the knee of the cramping leg straight").is_visible()
    assert in_view(dark_page, ".relief-ring")
    assert in_view(dark_page, ".relief-ease-now")
    controls = dark_page.locator(".relief-controls").bounding_box()
    ease = dark_page.locator(".relief-ease-now").bounding_box()
    assert ease["y"] + ease["height"] <= controls["y"]
    look_both_schemes(dark_page, "relief-guide-hamstring-start")


def test_it_says_what_happens_next_when_still_cramping_early(page: Any, live_server: Any) -> None:
    open_guide(page, live_server.url, "calf")
    walk_to_the_end(page)
    page.get_by_role("link", name="Still cramping").click()
    note = page.locator("#relief-next")
    note.wait_for()
    text = note.inner_text()
    assert "If it has not eased after 10 minutes in all, we will tell you where to get help" in text
    assert "more minute" in text
    assert relief_state(page)["phase"] != "done"
    # Paused, so both colour schemes show the same moment (axe and screenshots take a while).
    page.get_by_role("button", name="Pause").click()
    # "Resume" is longer than "Pause": the row of controls still fits the phone's width.
    next_box = page.locator(".relief-controls [data-action=next]").bounding_box()
    assert next_box is not None
    # Inside the bar's side padding (0.8rem), as the other buttons are.
    assert next_box["x"] + next_box["width"] <= page.viewport_size["width"] - 12
    look_both_schemes(page, "relief-still-early")
    assert note.is_visible()


def test_it_walks_the_lying_hamstring_steps(page: Any, live_server: Any) -> None:
    lying = get_library().relief_areas["hamstring"].variant("lying")
    assert lying is not None
    page.add_init_script(RECORD_STATES)
    open_guide(page, live_server.url, "hamstring")
    page.get_by_role("link", name=lying.label.en).click()
    page.wait_for_url("**/cramp-now/hamstring/?variant=lying")
    page.locator(".relief-step.is-current").get_by_text(lying.steps[0].text.en).wait_for()
    page.wait_for_function("() => document.getElementById('relief').classList.contains('is-live')")
    assert in_view(page, ".relief-ring")
    assert in_view(page, ".relief-ease-now")
    look(page, "relief-guide-hamstring-lying")
    page.goto(f"{live_server.url}/cramp-now/hamstring/?variant=lying&speed={FAST}")
    walk_to_the_end(page)
    assert page.evaluate("window.__relief")["steps"] == [str(i) for i in range(len(lying.steps))]
    # Easing, then it came back: still the lying steps, never the sitting ones.
    page.locator("#relief-check").get_by_role("link", name="It’s easing").click()
    page.get_by_role("heading", name="Good. Let the muscle settle.").wait_for()
    assert "variant=lying" in page.url
    page.get_by_role("link", name="It came back").click()
    page.locator(".relief-step.is-current").get_by_text(lying.steps[0].text.en).wait_for()
    assert "variant=lying" in page.url
