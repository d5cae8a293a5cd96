// Diary enhancements; every diary page works without them.
(function () {
  "use strict";
  // After htmx swaps in the next check-in step, move focus to its heading so screen readers
  // announce it and keyboard users carry on from there.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var heading = event.detail.target && document.querySelector("#checkin-card h2");
    if (heading) heading.focus();
  });
})();
