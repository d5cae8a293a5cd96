// The "cramp now" player. It turns the server-rendered list of steps into one step at a time with
// a big countdown, optional spoken cues (Web Speech API) and the screen kept awake (Wake Lock API).
// Without this file the page still works: a numbered list and plain "easing / still" links.
//
// State is mirrored on #relief for tests and styling: data-step (0-based), data-rep,
// data-phase ("ready" | "hold" | "rest" | "done"), data-remaining (whole seconds), data-paused.
(function () {
  "use strict";

  var root = document.getElementById("relief");
  if (!root) return;

  var START_KEY = "crampcare.relief.start";
  var VOICE_KEY = "crampcare.relief.voice";
  // A start time older than this belongs to an earlier cramp (same limit as the server's "since").
  var STALE_MS = 60 * 60 * 1000;
  // A few seconds to read the step and get into position before each countdown starts.
  var READY_SECONDS = 5;
  // Say how long is left once per hold, for holds long enough that it helps.
  var ANNOUNCE_LEFT_AT = 10;

  // Storage can throw (private modes, blocked cookies): the guide must work without it.
  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  var session = store("sessionStorage");
  var local = store("localStorage");
  function read(where, key) {
    try { return where ? where.getItem(key) : null; } catch (e) { return null; }
  }
  function write(where, key, value) {
    try {
      if (!where) return;
      if (value === null) where.removeItem(key); else where.setItem(key, value);
    } catch (e) { /* nothing to remember then */ }
  }

  // The easing page: the cramp is over, so the next one starts its own 10-minute count.
  if (root.dataset.finished) {
    write(session, START_KEY, null);
    return;
  }

  var steps = Array.prototype.slice.call(root.querySelectorAll(".relief-step"));
  if (!steps.length) return;

  var words = {};
  try { words = JSON.parse(document.getElementById("relief-text").textContent); } catch (e) { /* keys fall back to "" */ }
  function say(key, values) {
    var text = words[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }

  // FOR TESTS ONLY: ?speed=N (1-1000) runs every countdown N times faster, so a browser test can
  // walk a whole guide in about a second. Harmless in production: it only changes the pace for
  // whoever typed it into their own address bar, and it never changes what the steps say.
  var speed = 1;
  var speedMatch = /[?&]speed=(\d{1,4})(?:&|$)/.exec(window.location.search);
  if (speedMatch) speed = Math.min(1000, Math.max(1, parseInt(speedMatch[1], 10)));

  // --- when did this cramp's guide start? (for the "still cramping after 10 minutes" message) ---
  function validStart(value) {
    var time = parseInt(value, 10);
    var age = Date.now() - time;
    return time > 0 && age >= 0 && age <= STALE_MS ? time : NaN;
  }
  var fromUrl = /[?&]since=\d+/.test(window.location.search)
    ? validStart(parseInt(root.dataset.since, 10) * 1000) : NaN;
  var start = Math.min(validStart(read(session, START_KEY)) || Infinity, fromUrl || Infinity);
  if (!isFinite(start)) start = Date.now();
  write(session, START_KEY, String(start));

  function startTime() {
    // Re-read: another tab of the same session (or a test) may hold an earlier start.
    var stored = validStart(read(session, START_KEY));
    return stored && stored < start ? stored : start;
  }
  function elapsedSeconds() {
    return ((Date.now() - startTime()) * speed) / 1000;
  }
  var threshold = parseInt(root.dataset.threshold, 10) || 600;

  // --- elements ---
  var status = root.querySelector(".relief-status");
  var stepOf = document.getElementById("relief-step-of");
  var timer = root.querySelector(".relief-timer");
  var number = document.getElementById("relief-number");
  var progress = document.getElementById("relief-progress");
  var label = document.getElementById("relief-label");
  var controls = root.querySelector(".relief-controls");
  var pauseButton = root.querySelector('[data-action="pause"]');
  var voiceButton = document.getElementById("relief-voice");
  var checkTitle = document.getElementById("relief-check-title");
  var stillBox = document.getElementById("relief-still");
  var live = document.getElementById("relief-live");
  var nextNote = document.getElementById("relief-next");
  var easeNow = root.querySelector(".relief-ease-now");

  // The plain links carry the start time, so the easing page can pre-fill it in the diary.
  var since = Math.floor(startTime() / 1000);
  root.querySelectorAll('a[data-action="easing"], a[data-action="still"]').forEach(function (link) {
    link.href = link.getAttribute("href").replace(/since=\d*/, "since=" + since);
  });

  // --- voice, wake lock and announcements (shared with the session player: guide.js) ---
  var guide = window.crampcareGuide;
  var voice = guide.speaker();
  var voiceOn = voice.available && read(local, VOICE_KEY) === "on";
  function speak(text) {
    if (voiceOn) voice.speak(text);
  }
  function showVoice() {
    voiceButton.setAttribute("aria-pressed", voiceOn ? "true" : "false");
    voiceButton.title = say(voiceOn ? "voice_on" : "voice_off");
  }
  if (voice.available) {
    showVoice();
    voiceButton.addEventListener("click", function () {
      voiceOn = !voiceOn;
      write(local, VOICE_KEY, voiceOn ? "on" : "off");
      showVoice();
      if (voiceOn) speak(current().spoken); else voice.stop();
    });
  } else {
    voiceButton.hidden = true;
  }

  // The phone must not go dark mid-stretch.
  var keepAwake = guide.wakeLock(function (held) { root.dataset.awake = held ? "true" : "false"; });
  var announce = guide.announcer(live);

  // --- the step machine ---
  var state = { step: 0, rep: 1, phase: "ready", remaining: 0, total: 1, paused: false, toldLeft: false };

  function current() {
    var el = steps[state.step];
    return {
      hold: parseInt(el.dataset.hold, 10) || 30,
      repeat: parseInt(el.dataset.repeat, 10) || 1,
      rest: parseInt(el.dataset.rest, 10) || 0,
      spoken: el.dataset.spoken || "",
      text: (el.querySelector(".relief-step-text") || el).textContent.trim()
    };
  }

  function enter(phase, seconds) {
    state.phase = phase;
    // Published at once, not only at the next render: a slow tick may pass through a short rest
    // within one frame, and screen readers and tests still see each phase it went through.
    root.dataset.phase = phase;
    state.total = state.remaining = seconds * 1000;
    state.toldLeft = false;
  }

  function goToStep(index) {
    state.step = Math.max(0, Math.min(steps.length - 1, index));
    state.rep = 1;
    state.paused = false;
    steps.forEach(function (el, i) { el.classList.toggle("is-current", i === state.step); });
    var position = say("step_of", { n: state.step + 1, total: steps.length });
    stepOf.textContent = position;
    enter("ready", READY_SECONDS);
    announce(position + ". " + current().text);
    speak(current().spoken);
    render();
    fitRing(true);
  }

  // The ring gets whatever room is left between the step text and the controls, and when the
  // text is long the page scrolls so the step starts at the top: no need to scroll by hand.
  var WANT_RING = 224;
  var MIN_RING = 168;
  var MAX_RING = 300;
  function roomForRing() {
    var top = timer.getBoundingClientRect().top;
    var bottom = window.getComputedStyle(controls).position === "fixed"
      ? controls.getBoundingClientRect().top
      : window.innerHeight - controls.offsetHeight - 24;
    // The "It's easing" button sits under the ring and must stay on screen with it.
    return bottom - top - 16 - (easeNow ? easeNow.offsetHeight + 12 : 0);
  }
  function fitRing(mayScroll) {
    if (state.phase === "done") return;
    var room = roomForRing();
    if (mayScroll && room < WANT_RING) {
      window.scrollTo(0, status.getBoundingClientRect().top + window.scrollY - 8);
      room = roomForRing();
    }
    var width = document.documentElement.clientWidth * 0.72;
    var size = Math.max(MIN_RING, Math.min(MAX_RING, width, room));
    timer.style.setProperty("--ring", Math.round(size) + "px");
  }
  window.addEventListener("resize", function () { fitRing(false); });

  function startHold(again) {
    var step = current();
    enter("hold", step.hold);
    if (again) speak(say("again"));
    announce((step.repeat > 1 ? say("hold_of", { n: state.rep, total: step.repeat }) + ". " : "")
      + say("hold_for", { n: step.hold }));
  }

  function finish() {
    state.phase = "done";
    state.remaining = 0;
    state.paused = false;
    render();
    speak(say("check"));
    checkTitle.focus();
  }

  // The current phase has run out: what comes next.
  function advance() {
    var step = current();
    if (state.phase === "ready") {
      startHold(false);
    } else if (state.phase === "hold" && state.rep < step.repeat) {
      if (step.rest > 0) {
        enter("rest", step.rest);
        speak(say("rest"));
        announce(say("rest_for", { n: step.rest }));
      } else {
        state.rep += 1;
        startHold(true);
      }
    } else if (state.phase === "rest") {
      state.rep += 1;
      startHold(true);
    } else if (state.step < steps.length - 1) {
      goToStep(state.step + 1);
    } else {
      finish();
    }
  }

  function render() {
    var seconds = Math.max(0, Math.ceil(state.remaining / 1000));
    root.dataset.step = String(state.step);
    root.dataset.rep = String(state.rep);
    root.dataset.phase = state.phase;
    root.dataset.remaining = String(seconds);
    root.dataset.paused = state.paused ? "true" : "false";
    if (state.phase === "done") return;
    number.textContent = String(seconds);
    // The ring empties as the seconds run out.
    progress.style.strokeDashoffset = String(100 * (1 - state.remaining / state.total));
    var step = current();
    var text = state.phase === "ready" ? say("ready")
      : state.phase === "rest" ? say("rest")
      : step.repeat > 1 ? say("hold_of", { n: state.rep, total: step.repeat })
      : say("keep_going");
    if (state.paused) text = say("paused") + " · " + text;
    label.textContent = text;
    pauseButton.textContent = say(state.paused ? "resume" : "pause");
    if (state.phase === "hold" && !state.toldLeft && state.total >= 2 * ANNOUNCE_LEFT_AT * 1000
        && seconds <= ANNOUNCE_LEFT_AT && seconds > 0) {
      state.toldLeft = true;
      announce(say("seconds_left", { n: ANNOUNCE_LEFT_AT }));
    }
  }

  var last = Date.now();
  function tick() {
    var now = Date.now();
    var passed = (now - last) * speed;
    last = now;
    if (state.paused || state.phase === "done") return;
    state.remaining -= passed;
    // A slow tick (a hidden tab, or the fast test clock) may cover several holds and rests at
    // once, but never skips a step: a new step always starts from its beginning, so a person
    // coming back to the screen sees it, and hears its cue, in full.
    var step = state.step;
    for (var guard = 0; state.remaining <= 0 && state.phase !== "done" && guard < 100; guard += 1) {
      var overshoot = state.remaining;
      advance();
      if (state.step !== step || state.phase === "done") break;
      state.remaining += overshoot;
    }
    render();
  }

  function togglePause() {
    if (state.phase === "done") return;
    state.paused = !state.paused;
    if (state.paused) voice.stop();
    announce(state.paused ? say("paused") : say("resume"));
    render();
  }

  function back() { goToStep(state.step - 1); }
  function next() {
    if (state.step < steps.length - 1) goToStep(state.step + 1); else finish();
  }

  // "Still cramping" before the threshold: say what happens next, with the minutes left.
  function tellWhatIsNext() {
    var left = Math.max(1, Math.ceil((threshold - elapsedSeconds()) / 60));
    var text = say("next_" + Math.min(left, Math.round(threshold / 60))) || say("go_again");
    nextNote.textContent = text;
    nextNote.hidden = false;
    return text;
  }

  function restart(explain) {
    // Once shown, the still-cramping advice stays on the page above the steps.
    delete root.dataset.still;
    announce(explain ? tellWhatIsNext() : say("go_again"));
    goToStep(0);
    root.querySelector(".relief-player").scrollIntoView({ block: "start" });
  }

  function showStill() {
    stillBox.hidden = false;
    root.dataset.still = "true";
    speak(stillBox.dataset.spoken);
    document.getElementById("relief-still-title").focus();
  }

  // --- wiring ---
  root.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target) return;
    var action = target.dataset.action;
    if (action === "pause") togglePause();
    else if (action === "back") back();
    else if (action === "next") next();
    else if (action === "still") {
      event.preventDefault();
      if (elapsedSeconds() >= threshold) showStill(); else restart(true);
    } else if (action === "restart") {
      event.preventDefault();
      restart(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || state.phase === "done") return;
    var tag = event.target && event.target.tagName;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) return;
    if (event.key === " " || event.key === "Spacebar") {
      // A focused button already answers the space bar itself.
      if (tag === "BUTTON" || tag === "SUMMARY") return;
      event.preventDefault();
      togglePause();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      back();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      next();
    }
  });

  root.classList.add("is-live");
  status.hidden = false;
  timer.hidden = false;
  controls.hidden = false;
  goToStep(0);
  keepAwake();
  window.setInterval(tick, speed > 1 ? 16 : 200);
})();
