// Loaded in <head>, before the page is drawn: with scripts on, the relief guide is laid out as the
// player from the first frame (relief.css keys on this class), so nothing jumps when relief.js runs.
document.documentElement.classList.add("relief-js");
