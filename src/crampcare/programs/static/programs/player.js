/* The bedtime session player: one exercise at a time, a big countdown, spoken cues, screen kept
   awake, progress saved on the server at every step (and kept locally until the server has it),
   so a reload or a dropped connection resumes where it was.

   State for tests and styling is on #player: data-state (idle, running, paused, done),
   data-item (exercise index), data-step, data-phase (ready, hold, rest, reps, switch) and
   data-remaining (whole seconds left in the phase); data-saved is "true" once the server has the
   latest progress.

   Test-only: ?speed=N runs the clock N times faster (1 to 1000; see docs/programs.md). Spoken
   cues are silent when the clock is sped up. */
(function () {
  "use strict";

  var root = document.getElementById("player");
  var dataNode = document.getElementById("player-data");
  var textNode = document.getElementById("player-text");
  if (!root || !dataNode || !textNode) return;
  if (root.dataset.state === "done" || root.dataset.state === "skipped") return;
  var data = JSON.parse(dataNode.textContent);
  var T = JSON.parse(textNode.textContent);
  var ui = root.querySelector(".player-ui");
  if (!ui || !data.items.length) return;

  var SECONDS_PER_REP = 3;
  var SAVE_DELAY_MS = 600;
  var RETRY_MS = 5000;
  var TICK_MS = 100;
  var params = new URLSearchParams(window.location.search);
  var speed = Math.min(1000, Math.max(1, Number(params.get("speed")) || 1));
  var storageKey = "crampcare-session-" + data.night;
  var saveUrl = root.dataset.saveUrl;

  function el(name) { return ui.querySelector('[data-el="' + name + '"]'); }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }

  /* The whole session as a list of timed steps. It follows the plan's own clock: getting into
     position, each hold with a rest between holds, one rest to change legs. */
  function buildTimeline(items) {
    var steps = [];
    function add(step) { if (step.duration > 0) steps.push(step); }
    items.forEach(function (item, i) {
      add({ item: i, phase: "ready", side: 1, set: 1, rep: 1, duration: item.setup });
      for (var side = 1; side <= item.sides; side++) {
        if (side > 1) add({ item: i, phase: "switch", side: side, set: 1, rep: 1, duration: Math.max(item.rest, 5) });
        for (var set = 1; set <= item.sets; set++) {
          if (item.hold) {
            for (var rep = 1; rep <= item.reps; rep++) {
              add({ item: i, phase: "hold", side: side, set: set, rep: rep, duration: item.hold });
              if (rep < item.reps) add({ item: i, phase: "rest", side: side, set: set, rep: rep, duration: item.rest });
            }
          } else {
            add({ item: i, phase: "reps", side: side, set: set, rep: 1, duration: item.reps * SECONDS_PER_REP });
          }
          if (set < item.sets) add({ item: i, phase: "rest", side: side, set: set, rep: item.reps, duration: item.rest });
        }
      }
    });
    var start = 0;
    steps.forEach(function (step) { step.start = start; start += step.duration; });
    return { steps: steps, total: start };
  }

  var timeline = buildTimeline(data.items);
  var steps = timeline.steps;
  var index = 0;
  var remaining = steps[0].duration * 1000; // milliseconds of session time left in this step
  var running = false;
  var started = false;
  var finished = false;
  var lastTick = 0;
  var timer = null;
  var shownItem = -1;
  var lastRep = 0;
  var voice = localStorage.getItem("crampcare-voice") !== "off";

  /* -- resuming ------------------------------------------------------------------------------ */
  function readLocal() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
  }
  // synced: true once the server has it, false while it does not, "queued" once the finished
  // session waits in the outbox (outbox.js) for the phone to be back online.
  function writeLocal(progress, synced) {
    var record = { progress: progress, synced: synced, finished_at: finishedAt ? finishedAt.toISOString() : null };
    try { localStorage.setItem(storageKey, JSON.stringify(record)); } catch (e) { /* private mode */ }
  }
  var pushLocal = false;
  // Exercises (by number) the clock ran on. None at the end: every one was skipped.
  var played = {};
  var finishedLocally = false;
  var finishedAt = null;
  (function restore() {
    var saved = data.progress && typeof data.progress.step === "number" ? data.progress : null;
    var local = readLocal();
    // A local copy the server never confirmed is newer than what the server has.
    if (local && (local.synced === false || local.synced === "queued") && local.progress && typeof local.progress.step === "number") {
      saved = local.progress;
      pushLocal = true;
      if (local.finished_at) finishedAt = new Date(local.finished_at);
    }
    if (saved && Array.isArray(saved.played)) {
      saved.played.forEach(function (n) { if (typeof n === "number") played[n] = true; });
    }
    // Finished here but the server never heard: show "How did it feel?" and tell it again.
    if (saved && saved.phase === "done" && pushLocal) finishedLocally = true;
    if (saved && saved.step < steps.length && saved.phase !== "done") {
      index = saved.step;
      remaining = Math.min(steps[index].duration, Math.max(0, Number(saved.remaining) || 0)) * 1000;
      if (remaining <= 0) remaining = steps[index].duration * 1000;
      started = true;
    }
  })();

  /* -- showing ------------------------------------------------------------------------------- */
  var toggle = ui.querySelector('[data-action="toggle"]');
  var voiceButton = ui.querySelector('[data-action="voice"]');
  var announcer = el("announce");

  // An SVG shown as an image may not see the reduced-motion setting: ask for the still picture.
  var stillPictures = window.matchMedia("(prefers-reduced-motion: reduce)");

  function showItem(item, i) {
    shownItem = i;
    el("name").textContent = item.name;
    el("dose").textContent = item.dose;
    el("count-text").textContent = fmt(T.exercise_of, { n: i + 1, total: data.items.length });
    var list = el("steps");
    list.textContent = "";
    item.steps.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    var caution = el("caution");
    caution.hidden = !item.cautions.length;
    caution.textContent = item.cautions.join(" ");
    var template = ui.querySelector('template[data-position="' + item.position + '"]') ||
      ui.querySelector('template[data-position="floor"]');
    var drawing = el("drawing");
    drawing.textContent = "";
    if (item.picture) {
      // The exercise's own picture (named by the heading above it, so no alt text of its own).
      var picture = document.createElement("img");
      picture.className = "figure-drawing pose-picture";
      picture.src = item.picture + (stillPictures.matches ? "?motion=0" : "");
      picture.alt = "";
      picture.width = 240;
      picture.height = 160;
      drawing.appendChild(picture);
    } else if (template) {
      drawing.appendChild(template.content.cloneNode(true));
    }
    el("figure-caption").textContent = T.positions[item.position] || "";
  }

  function currentRep(step) {
    if (step.phase !== "reps") return step.rep;
    var elapsed = step.duration * 1000 - remaining;
    return Math.min(data.items[step.item].reps, Math.floor(elapsed / (SECONDS_PER_REP * 1000)) + 1);
  }

  function counterText(step, item) {
    if (step.phase === "reps") return fmt(T.reps_of, { n: currentRep(step), total: item.reps });
    if (item.hold && step.phase !== "ready") {
      // While resting, say what comes next: the following hold, or the other leg.
      var upcoming = step.phase === "rest" || step.phase === "switch";
      var n = step.phase === "rest" ? (step.rep % item.reps) + 1 : step.rep;
      var text = fmt(upcoming ? T.next_hold_of : T.hold_of, { n: n, total: item.reps });
      if (item.sets > 1) text += ", " + fmt(T.set_of, { n: step.set, total: item.sets });
      return text;
    }
    return "";
  }

  function render() {
    var step = steps[index];
    var item = data.items[step.item];
    if (step.item !== shownItem) showItem(item, step.item);
    var seconds = Math.max(0, Math.ceil(remaining / 1000));
    root.dataset.step = String(index);
    root.dataset.item = String(step.item);
    root.dataset.phase = step.phase;
    root.dataset.remaining = String(seconds);
    el("count").textContent = step.phase === "reps" ? String(currentRep(step)) : String(seconds);
    el("phase").textContent = T.phases[step.phase];
    el("rep").textContent = counterText(step, item);
    el("side").textContent = item.sides > 1 ? T.sides[step.side - 1] : "";
    var elapsed = step.duration * 1000 - remaining;
    el("ring").style.strokeDashoffset = String(Math.min(100, (100 * elapsed) / (step.duration * 1000)));
    var done = step.start + elapsed / 1000;
    el("bar").style.width = Math.min(100, (100 * done) / timeline.total) + "%";
  }

  /* -- voice, announcements, wake lock (shared with the relief guide: guide.js) -------------- */
  var guide = window.crampcareGuide;
  var speaker = guide.speaker();
  function say(text) {
    if (voice && speed <= 1) speaker.speak(text);
  }
  var announce = guide.announcer(announcer);
  var keepAwake = guide.wakeLock();

  function cue(step) {
    var item = data.items[step.item];
    var seconds = step.duration;
    var parts = [];
    if (step.phase === "ready") {
      parts.push(fmt(T.say.ready, { name: item.name }));
      if (item.steps.length) parts.push(item.steps[0]);
    } else if (step.phase === "reps") {
      parts.push(fmt(T.say.reps, { n: item.reps }));
    } else {
      parts.push(T.say[step.phase]);
    }
    say(parts.join(" "));
    var side = item.sides > 1 ? T.sides[step.side - 1] + ". " : "";
    announce(item.name + ". " + T.phases[step.phase] + ", " + seconds + " " + T.seconds + ". " + side + counterText(step, item));
  }

  /* -- saving -------------------------------------------------------------------------------- */
  var saveTimer = null;
  var retryTimer = null;
  var inFlight = false;
  var again = false;
  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function snapshot() {
    var step = steps[index];
    return {
      step: index,
      item: step.item,
      set: step.set,
      rep: currentRep(step),
      side: step.side,
      phase: finished ? "done" : step.phase,
      remaining: Math.round(Math.max(0, remaining) / 100) / 10,
      paused: !running,
      played: Object.keys(played).map(Number)
    };
  }
  function scheduleSave() {
    root.dataset.saved = "false";
    writeLocal(snapshot(), false);
    if (!saveTimer) saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
  }
  function saveNow() {
    clearTimeout(saveTimer);
    saveTimer = null;
    clearTimeout(retryTimer);
    var progress = snapshot();
    writeLocal(progress, false);
    root.dataset.saved = "false";
    if (inFlight) { again = true; return; }
    inFlight = true;
    el("saved").textContent = T.saving;
    fetch(saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      // Outlives the page only when it is being hidden or closed (its one use).
      keepalive: document.visibilityState === "hidden",
      body: JSON.stringify(progress)
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      inFlight = false;
      if (again) { again = false; saveNow(); return; }
      writeLocal(progress, true);
      root.dataset.saved = "true";
      el("saved").textContent = T.saved;
    }).catch(function () {
      inFlight = false;
      again = false;
      // Finished while this save was on its way: keep the final state, not this one.
      if (finished && keepFinished(snapshot())) return;
      el("saved").textContent = T.unsaved;
      retryTimer = setTimeout(saveNow, RETRY_MS);
    });
  }

  /* Finished without a connection: the outbox keeps it with the time it was finished and sends
     it when the phone is back online, even if this page is closed by then. */
  function keepFinished(progress) {
    var outbox = window.CrampcareOutbox;
    var owner = document.body.getAttribute("data-user");
    if (!outbox || !owner || !window.indexedDB) return false;
    var at = finishedAt || new Date();
    var body = {};
    Object.keys(progress).forEach(function (key) { body[key] = progress[key]; });
    body.at = at.toISOString();
    outbox.add({
      owner: owner, kind: "session", url: saveUrl, body: body, slot: "progress:" + data.night,
      label: fmt(T.kept, { time: ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2) }),
      csrf: csrfToken()
    }).then(function () {
      writeLocal(progress, "queued");
      root.dataset.saved = "queued";
      el("saved").textContent = T.queued;
      document.dispatchEvent(new CustomEvent("crampcare:outbox-changed"));
      if (navigator.serviceWorker) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register(outbox.SYNC_TAG);
        }).catch(function () { /* sent on the next visit */ });
      }
    }, function () {
      el("saved").textContent = T.unsaved;
      retryTimer = setTimeout(saveNow, RETRY_MS);
    });
    return true;
  }

  /* -- moving through the session ------------------------------------------------------------- */
  function enterStep() {
    lastRep = 0;
    cue(steps[index]);
    scheduleSave();
  }

  function goTo(next) {
    if (next >= steps.length) { finish(); return; }
    index = Math.max(0, next);
    remaining = steps[index].duration * 1000;
    enterStep();
    render();
  }

  function tick() {
    var now = performance.now();
    remaining -= (now - lastTick) * speed;
    lastTick = now;
    played[steps[index].item] = true;
    while (remaining <= 0) {
      if (index >= steps.length - 1) { finish(); return; }
      var carry = remaining;
      index += 1;
      remaining = steps[index].duration * 1000 + carry;
      enterStep();
    }
    var step = steps[index];
    if (step.phase === "reps") {
      var rep = currentRep(step);
      if (rep !== lastRep) { lastRep = rep; if (rep > 1) say(String(rep)); }
    }
    render();
  }

  function setState(state) {
    root.dataset.state = state;
    toggle.textContent = state === "running" ? T.pause : started ? T.resume : T.start;
  }

  function start() {
    if (running) return;
    running = true;
    var first = !started;
    started = true;
    setState("running");
    lastTick = performance.now();
    timer = setInterval(tick, TICK_MS);
    keepAwake(true);
    if (first) enterStep(); else { cue(steps[index]); saveNow(); }
  }

  function pause() {
    if (!running) return;
    running = false;
    clearInterval(timer);
    setState("paused");
    keepAwake(false);
    say(T.say.paused);
    announce(T.say.paused);
    saveNow();
  }

  function finish() {
    running = false;
    finished = true;
    finishedAt = finishedAt || new Date();
    clearInterval(timer);
    keepAwake(false);
    index = steps.length - 1;
    remaining = 0;
    render();
    var skippedAll = Object.keys(played).length === 0;
    root.dataset.state = skippedAll ? "skipped" : "done";
    root.dataset.phase = "done";
    saveNow();
    var heading;
    if (skippedAll) {
      ui.hidden = true;
      var note = document.getElementById("skipped-note");
      if (note) note.hidden = false;
      heading = document.getElementById("skipped-note-title");
    } else {
      say(T.say.done);
      heading = document.getElementById("feedback-title");
    }
    if (heading) heading.focus();
  }

  function back() {
    var step = steps[index];
    var elapsed = step.duration * 1000 - remaining;
    // Early in a step, go to the one before; later on, start this one again.
    goTo(elapsed > 2000 ? index : index - 1);
  }

  toggle.addEventListener("click", function () { if (running) pause(); else start(); });
  ui.querySelector('[data-action="back"]').addEventListener("click", back);
  ui.querySelector('[data-action="skip"]').addEventListener("click", function () { goTo(index + 1); });

  function showVoice() {
    voiceButton.setAttribute("aria-pressed", voice ? "true" : "false");
    voiceButton.textContent = voice ? T.voice_on : T.voice_off;
  }
  voiceButton.addEventListener("click", function () {
    voice = !voice;
    try { localStorage.setItem("crampcare-voice", voice ? "on" : "off"); } catch (e) { /* ignore */ }
    if (!voice) speaker.stop();
    showVoice();
  });

  document.addEventListener("keydown", function (event) {
    if (finished || event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(tag)) return;
    // Space on a focused button or link does what that control does; anywhere else it pauses.
    if (event.key === " " && !/^(BUTTON|A|SUMMARY)$/.test(tag)) { event.preventDefault(); toggle.click(); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); back(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); goTo(index + 1); }
  });

  document.addEventListener("visibilitychange", function () {
    // (Not once the finished session waits in the outbox: that sends it.)
    if (document.visibilityState === "hidden") { if (started && root.dataset.saved !== "queued") saveNow(); }
    // (guide.js takes the wake lock again by itself when the page is visible.)
  });
  window.addEventListener("online", function () { if (root.dataset.saved === "false") saveNow(); });

  root.classList.add("js");
  ui.hidden = false;
  showVoice();
  setState(started ? "paused" : "idle");
  render();
  if (finishedLocally) finish();
  else if (pushLocal) saveNow();
})();
