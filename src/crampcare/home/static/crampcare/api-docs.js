// The API docs page (Swagger UI) follows the person's colour scheme: Swagger UI's own dark
// styles apply under html.dark-mode, which it only sets from a toggle we do not show.
// Two of Swagger UI's controls have no name screen readers can say: the dialog's close button (an
// icon) and the request body's text box; they get one as Swagger UI draws them.
(function () {
  "use strict";
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function follow() {
    document.documentElement.classList.toggle("dark-mode", dark.matches);
  }
  follow();
  dark.addEventListener("change", follow);

  // The names in the page's language (swagger.html's data-label-… attributes).
  var names = [];
  function nameControls() {
    names.forEach(function (pair) {
      document.querySelectorAll(pair[0] + ":not([aria-label])").forEach(function (control) {
        control.setAttribute("aria-label", pair[1]);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    names = [
      [".swagger-ui .close-modal", document.body.dataset.labelClose || "Close"],
      [".swagger-ui textarea.body-param__text", document.body.dataset.labelRequestBody || "Request body"],
    ];
    new MutationObserver(nameControls).observe(document.body, { childList: true, subtree: true });
  });
})();
