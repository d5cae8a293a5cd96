// Progressive enhancement for the insights pages: nothing here is needed to read them.
(function () {
  "use strict";
  // On wide screens the numbers sit beside each chart, so show them; phones keep them folded.
  var wide = window.matchMedia("(min-width: 60rem)");
  function unfold() {
    document.querySelectorAll("details.chart-data").forEach(function (details) {
      if (wide.matches) details.open = true;
    });
  }
  unfold();
  wide.addEventListener("change", unfold);

  // A printed report shows every table.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });

  // The print button only makes sense with JavaScript, so it starts hidden.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
