// Exercise library: after htmx swaps in new results, tell screen readers how many there are.
// The page works fully without this (the filter form is a plain GET form).
(function () {
  "use strict";
  var announcer = document.getElementById("results-announcer");
  if (!announcer) return;
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "exercise-results") return;
    var count = document.getElementById("results-title");
    if (count) announcer.textContent = count.textContent.replace(/\s+/g, " ").trim();
  });
})();
