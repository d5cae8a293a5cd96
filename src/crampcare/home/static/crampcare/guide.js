// What every guided page shares (the relief guide and the session player): spoken cues through the
// Web Speech API, the screen kept awake through the Wake Lock API, and screen-reader
// announcements in a live region. Each page keeps its own steps and clock; this file only talks
// to the browser. Every part degrades quietly: no voice, no lock, the screen still says it all.
(function () {
  "use strict";

  // The best voice for a language: the exact tag ("es-ES"), else one of the same language
  // ("es" matches "es-MX"), preferring the phone's own voices (they work offline).
  function voiceFor(synth, lang) {
    var voices = [];
    try { voices = synth.getVoices() || []; } catch (e) { return null; }
    var wanted = lang.toLowerCase();
    var base = wanted.split("-")[0];
    var best = null;
    var bestScore = 0;
    voices.forEach(function (voice) {
      var tag = String(voice.lang || "").toLowerCase().replace("_", "-");
      var score = tag === wanted ? 4 : tag.split("-")[0] === base ? 2 : 0;
      if (score && voice.localService) score += 1;
      if (score > bestScore) { best = voice; bestScore = score; }
    });
    return best;
  }

  // A speaker that says one cue at a time (a new cue cuts the last one short).
  function speaker() {
    var synth = window.speechSynthesis && typeof window.SpeechSynthesisUtterance === "function"
      ? window.speechSynthesis : null;
    var blocked = null;
    function speak(text) {
      if (!synth || !text) return;
      try {
        synth.cancel();
        var utterance = new window.SpeechSynthesisUtterance(text);
        // In the page's language (<html lang>), with a voice for it when the phone has one;
        // without one the browser picks its own for that language.
        var lang = document.documentElement.lang || "en";
        utterance.lang = lang;
        var chosen = voiceFor(synth, lang);
        if (chosen) utterance.voice = chosen;
        utterance.rate = 0.95;
        utterance.onerror = function (event) {
          if (event.error === "not-allowed") blocked = text;
        };
        synth.speak(utterance);
      } catch (e) { /* no voice: the screen says it all */ }
    }
    // Browsers let a page speak only after a tap; if a cue was refused, say it on the next tap.
    document.addEventListener("pointerdown", function () {
      if (blocked) { var text = blocked; blocked = null; speak(text); }
    }, true);
    // Some browsers list their voices only after a moment; asking once starts that.
    if (synth) { try { synth.getVoices(); } catch (e) { /* no voices */ } }
    return {
      available: synth !== null,
      speak: speak,
      stop: function () { blocked = null; if (synth) synth.cancel(); }
    };
  }

  // The screen kept awake while wanted. The browser drops the lock whenever the page is hidden;
  // it is taken again when the person comes back. `onChange(true|false)` hears whether it holds.
  function wakeLock(onChange) {
    var wanted = false;
    var lock = null;
    var tell = onChange || function () {};
    function take() {
      if (!wanted || lock || !("wakeLock" in navigator) || document.visibilityState !== "visible") return;
      navigator.wakeLock.request("screen").then(function (sentinel) {
        if (!wanted) { sentinel.release().catch(function () {}); return; }
        lock = sentinel;
        tell(true);
        sentinel.addEventListener("release", function () { lock = null; tell(false); });
      }).catch(function () { tell(false); /* not allowed now (battery saver, hidden tab) */ });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") take();
    });
    return function keepAwake(on) {
      wanted = on !== false;
      if (wanted) { take(); return; }
      if (lock) { var held = lock; lock = null; held.release().catch(function () {}); tell(false); }
    };
  }

  // Announcements on changes that matter, never every second. Emptying the region first makes a
  // repeated message ("Rest for 5 seconds.") be read again.
  function announcer(region) {
    var timer = null;
    return function announce(text) {
      if (!region || !text) return;
      region.textContent = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { region.textContent = text; }, 60);
    };
  }

  window.crampcareGuide = { speaker: speaker, wakeLock: wakeLock, announcer: announcer };
})();
