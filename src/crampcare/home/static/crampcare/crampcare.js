// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Fill hidden time-zone fields with the browser's zone so nights are counted in the person's own time.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll('input[name="time_zone"][type="hidden"]').forEach(function (input) {
      if (!input.value && zone) input.value = zone;
    });
  } catch (e) { /* old browser: the server default applies */ }
  // htmx sends the CSRF token on every request it makes.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  });
})();
