// The app on the phone (home/pwa.py): the service worker, the offline notice and the "add to
// home screen" hint. Every page works without this file.
(function () {
  "use strict";
  var banner = document.querySelector("[data-offline-banner]");
  function showConnection() {
    if (banner) banner.hidden = navigator.onLine !== false;
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* no offline copies then; every page still works online */
    });
    // A red flag holds the program (this page says so): the worker forgets its copies of the
    // program's pages, so none can offer exercise offline.
    if (document.querySelector("[data-program-held]")) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "program-held" });
      });
    }
    // Signing out: the worker drops its copies of the person's pages at once (the server's
    // Clear-Site-Data answer does the same for the whole browser).
    document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
      form.addEventListener("submit", function () {
        var worker = navigator.serviceWorker.controller;
        if (worker) worker.postMessage({ type: "signed-out" });
      });
    });
  }

  // "Add to home screen": offered where the browser can install (Chrome, Edge, Samsung), with a
  // note for iPhones and iPads, where it is the Share menu; never once installed or dismissed.
  var hints = document.querySelectorAll("[data-install-hint]");
  if (!hints.length) return;
  var DISMISSED = "crampcare.install.dismissed";
  var installed = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  var dismissed = false;
  try { dismissed = window.localStorage.getItem(DISMISSED) === "yes"; } catch (e) { /* private mode */ }
  if (installed || dismissed) return;
  var deferred = null;
  function show(kind) {
    hints.forEach(function (hint) {
      hint.hidden = false;
      hint.querySelectorAll("[data-install-kind]").forEach(function (part) {
        part.hidden = part.getAttribute("data-install-kind") !== kind;
      });
    });
  }
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    show("prompt");
  });
  var apple = /iphone|ipad|ipod/i.test(navigator.userAgent) && !window.MSStream;
  if (apple) show("apple");
  hints.forEach(function (hint) {
    var install = hint.querySelector("[data-install]");
    if (install) install.addEventListener("click", function () {
      if (!deferred) return;
      deferred.prompt();
      deferred.userChoice.finally(function () { deferred = null; hints.forEach(function (h) { h.hidden = true; }); });
    });
    var dismiss = hint.querySelector("[data-install-dismiss]");
    if (dismiss) dismiss.addEventListener("click", function () {
      try { window.localStorage.setItem(DISMISSED, "yes"); } catch (e) { /* shown again next time */ }
      hints.forEach(function (h) { h.hidden = true; });
    });
  });
  window.addEventListener("appinstalled", function () { hints.forEach(function (h) { h.hidden = true; }); });
})();
