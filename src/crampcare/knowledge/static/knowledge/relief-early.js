// Loaded in <head>, before the page is drawn: with scripts on, the relief guide is laid out as the
// player from the first frame (relief.css keys on this class), so nothing jumps when relief.js runs.
document.documentElement.classList.add("relief-js");
// If the player itself never started (blocked, failed to load), fall back to the plain list.
window.addEventListener("load", function () {
  var root = document.getElementById("relief");
  if (root && !root.classList.contains("is-live") && !root.dataset.finished) {
    document.documentElement.classList.remove("relief-js");
  }
});
