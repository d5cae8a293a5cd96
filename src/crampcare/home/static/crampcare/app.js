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

// Logging without a connection (outbox.js, docs/app.md): "Log this cramp", the morning check-in
// and rating tonight's session are kept on the phone when it is offline, shown under "Waiting to
// be sent", and sent when it is back online (here, or by the service worker's Background Sync).
(function () {
  "use strict";
  var outbox = window.CrampcareOutbox;
  if (!outbox || !window.indexedDB) return;
  var USER_KEY = "crampcare.user";
  // How many wait, known without asking IndexedDB (which answers only later): signing out asks
  // first only when something waits.
  var WAITING_KEY = "crampcare.outbox.waiting";
  var me = document.body.getAttribute("data-user") || "";
  function store(key, value) {
    try { if (value) window.localStorage.setItem(key, value); else window.localStorage.removeItem(key); } catch (e) { /* private mode */ }
  }
  if (me) store(USER_KEY, me);
  // A page kept for everyone (the offline relief guide) does not know who is signed in: the
  // person last seen signed in on this phone does (signing out forgets them).
  if (!me) { try { me = window.localStorage.getItem(USER_KEY) || ""; } catch (e) { me = ""; } }
  var panel = document.querySelector("[data-outbox-panel]");
  var status = document.querySelector("[data-outbox-status]");
  if (!panel || !status) return;
  var lang = document.documentElement.lang || undefined;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return values[key] == null ? all : values[key]; });
  }
  // As every page writes times: 24-hour, on this phone's clock.
  function timeText(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function nowIso() { return new Date().toISOString(); }

  var lastWaiting = null;
  function render() {
    if (!me) { panel.hidden = true; return Promise.resolve(); }
    return outbox.all().then(function (entries) {
      var mine = entries.filter(function (e) { return e.owner === me; });
      var list = panel.querySelector("[data-outbox-list]");
      list.textContent = "";
      mine.forEach(function (entry) {
        var item = document.createElement("li");
        if (entry.status === outbox.REFUSED) {
          item.className = "refused";
          var strong = document.createElement("strong");
          strong.textContent = fill(panel.dataset.textRefused, { problem: entry.problem });
          item.appendChild(document.createTextNode(entry.label + " · "));
          item.appendChild(strong);
          if (entry.kind === "cramp" && entry.body && entry.body.started_at) {
            var add = document.createElement("a");
            add.href = panel.dataset.addUrl + "?started_at=" + encodeURIComponent(entry.body.started_at) +
              (entry.body.muscle ? "&muscle=" + encodeURIComponent(entry.body.muscle) : "");
            add.textContent = panel.dataset.textAdd;
            item.appendChild(document.createTextNode(" "));
            item.appendChild(add);
          }
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "secondary";
          remove.textContent = panel.dataset.textRemove;
          remove.addEventListener("click", function () { outbox.remove(entry.key).then(render); });
          item.appendChild(remove);
        } else {
          item.textContent = entry.label;
        }
        list.appendChild(item);
      });
      // An entry that was waiting and is gone was sent (by this page or by the worker in the
      // background); one the server refused stays, marked, and is not "sent".
      var waitingKeys = {};
      var left = {};
      mine.forEach(function (e) {
        left[e.key] = true;
        if (e.status === outbox.WAITING) waitingKeys[e.key] = true;
      });
      var sent = lastWaiting !== null && Object.keys(lastWaiting).some(function (key) { return !left[key]; });
      if (sent) {
        status.textContent = panel.dataset.textSent;
        status.hidden = false;
      }
      lastWaiting = waitingKeys;
      var waiting = Object.keys(waitingKeys).length;
      store(WAITING_KEY, waiting ? String(waiting) : "");
      panel.hidden = mine.length === 0;
      panel.setAttribute("data-outbox-count", String(mine.length));
      panel.querySelector("[data-outbox-send]").hidden = navigator.onLine === false ||
        !mine.some(function (e) { return e.status === outbox.WAITING; });
    });
  }

  function send() {
    if (!me || navigator.onLine === false) return render();
    return outbox.flush({ owner: me, csrf: csrfToken() }).then(render, render);
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(outbox.SYNC_TAG);
    }).catch(function () { /* sent on the next visit instead */ });
  }

  // What each kind of form becomes: the API call, its body and how the person sees it waiting.
  var kinds = {
    cramp: function (form, data) {
      var since = Number(data.get("since")) || Number(new URLSearchParams(window.location.search).get("since")) || 0;
      var now = new Date();
      var started = since ? new Date(since * 1000) : now;
      if (!(started <= now)) started = now;
      var body = { started_at: started.toISOString() };
      if (data.get("muscle")) body.muscle = data.get("muscle");
      return { body: body, label: fill(form.dataset.outboxLabel, { time: timeText(started) }) };
    },
    checkin: function (form, data, submitter) {
      var night = data.get("night");
      var count = Number(submitter && submitter.value);
      if (!night || !submitter || !/^\d+$/.test(submitter.value)) return null;
      return {
        body: { night: night, cramp_count: count },
        slot: "checkin:" + night,
        label: fill(form.dataset.outboxLabel, { date: form.dataset.outboxDate || night, answer: submitter.textContent.trim().replace(/\s+/g, " ") })
      };
    },
    "session-finish": function (form, data) {
      var difficulty = data.get("difficulty");
      var pain = data.get("pain");
      if (difficulty === null || pain === null) { form.reportValidity(); return null; }
      var night = form.dataset.outboxNight;
      return {
        body: { difficulty: Number(difficulty), pain: Number(pain), at: nowIso() },
        slot: "finish:" + night,
        label: fill(form.dataset.outboxLabel, { date: form.dataset.outboxDate || night, difficulty: difficulty, pain: pain })
      };
    }
  };

  function keep(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    var made = kinds[form.dataset.outbox](form, data, submitter);
    if (!made) return;
    form.setAttribute("aria-busy", "true");
    outbox.add({
      owner: me, kind: form.dataset.outbox, url: form.dataset.outboxUrl, body: made.body,
      label: made.label, slot: made.slot, csrf: csrfToken()
    }).then(function () {
      var note = document.createElement("p");
      note.className = "notice success";
      note.setAttribute("role", "status");
      note.setAttribute("data-outbox-kept", "");
      note.textContent = panel.dataset.textSaved;
      form.hidden = true;
      form.removeAttribute("aria-busy");
      form.parentNode.insertBefore(note, form);
      askForSync();
      return navigator.onLine === false ? render() : send();
    });
  }

  // Before htmx or the browser sends the form (capture, on the document): offline, the form is
  // kept on the phone instead of failing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.dataset || !form.dataset.outbox || !kinds[form.dataset.outbox] || !me) return;
    if (navigator.onLine !== false && !form.hasAttribute("data-outbox-always")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(form, event.submitter);
  }, true);

  // The offline relief guide's "Log this cramp", for someone signed in on this phone.
  if (me) {
    document.querySelectorAll("[data-outbox-device-user]").forEach(function (part) { part.hidden = false; });
    document.querySelectorAll("[data-outbox-visitor]").forEach(function (text) { text.hidden = true; });
  }

  panel.querySelector("[data-outbox-send]").addEventListener("click", send);
  window.addEventListener("online", send);
  window.addEventListener("offline", render);
  document.addEventListener("crampcare:outbox-changed", render);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") render();
    });
  }

  // Signing out deletes what this phone keeps (Clear-Site-Data): send it first, and ask before
  // losing anything still waiting.
  var confirmText = panel.getAttribute("data-text-signout");
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var waitingHint = "";
      try { waitingHint = window.localStorage.getItem(WAITING_KEY) || ""; } catch (e) { /* private mode */ }
      if (form.dataset.outboxChecked || !waitingHint) { store(USER_KEY, ""); return; }
      event.preventDefault();
      send().then(function () { return outbox.all(); }).then(function (entries) {
        var waiting = entries.filter(function (e) { return e.owner === me && e.status === outbox.WAITING; }).length;
        if (waiting && !window.confirm(fill(confirmText, { count: waiting }))) return;
        form.dataset.outboxChecked = "yes";
        store(USER_KEY, "");
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }, function () {
        form.dataset.outboxChecked = "yes";
        form.submit();
      });
    });
  });

  send();
})();
