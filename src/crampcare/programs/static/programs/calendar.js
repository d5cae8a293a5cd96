/* The plan page's calendar link: a "Copy the link" button (shown only where the browser can copy)
   that copies the private feed address and says so. */
(function () {
  "use strict";

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = button.closest("details, section").querySelector("[data-copy-status]");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() { if (status) status.textContent = button.dataset.copied; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          field.select();
          if (document.execCommand("copy")) done();
        });
      } else {
        field.select();
        if (document.execCommand("copy")) done();
      }
    });
  });
})();
