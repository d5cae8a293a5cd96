// Exercise library enhancements; the page works fully without them (a plain GET form).
(function () {
  "use strict";
  var announcer = document.getElementById("results-announcer");
  if (!announcer) return;
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "exercise-results") return;
    // Tell screen readers how many exercises match now.
    var count = document.getElementById("results-title");
    if (count) announcer.textContent = count.textContent.replace(/\s+/g, " ").trim();
    // "Show N exercises" was pressed: on a phone the results are below the form, so go there.
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.type === "submit") {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    }
  });
})();
