/* Reminders on this phone (the plan page): turn Web Push reminders on or off for this browser.

   Without this script the page still lists the person's devices, each with a "Remove" form. With
   it, the section says whether reminders are on for this device, blocked by the browser or not
   possible here, and offers one button: on (ask for permission, subscribe with the server's key,
   send the subscription to the API) or off (unsubscribe here and remove it on the server). The
   device list is then fetched again from the page itself, so its markup lives in one place. */
(function () {
  "use strict";

  var root = document.querySelector("[data-push]");
  if (!root) return;
  var status = root.querySelector("[data-push-status]");
  var onButton = root.querySelector("[data-push-on]");
  var offButton = root.querySelector("[data-push-off]");
  var text = root.dataset;
  var API = "/api/v1/push/subscriptions";

  // A problem (blocked, not possible here, failed) reads as a warning, not as a state.
  function say(message, problem) {
    status.textContent = message;
    status.classList.toggle("notice", Boolean(problem));
    status.classList.toggle("warning", Boolean(problem));
  }

  function show(on, off) {
    onButton.hidden = !on;
    offButton.hidden = !off;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = root.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok && response.status !== 404) throw new Error("HTTP " + response.status);
      return response.status === 204 || response.status === 404 ? null : response.json();
    });
  }

  // The server's key as the bytes pushManager.subscribe wants.
  function keyBytes(base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/");
    padded += "===".slice((padded.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function supported() {
    return window.isSecureContext && "serviceWorker" in navigator &&
      "PushManager" in window && "Notification" in window;
  }

  // The worker app.js registers; registering the same script again is harmless and covers a
  // page where it has not happened yet. Subscribing needs it active, which on a first visit
  // waits for its precaching; a browser that never lets it run gets an error, not a wait.
  function registration() {
    var timeout = new Promise(function (resolve, reject) {
      window.setTimeout(function () { reject(new Error("no active service worker")); }, 30000);
    });
    var active = navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
    return Promise.race([active, timeout]);
  }

  // This browser's subscription, if any, without waiting for the worker.
  function currentSubscription() {
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    });
  }

  function markThisDevice(endpoint) {
    root.querySelectorAll("[data-push-devices] li").forEach(function (item) {
      var mine = Boolean(endpoint) && item.dataset.endpoint === endpoint;
      var marker = item.querySelector(".this-device");
      if (mine && !marker) {
        marker = document.createElement("span");
        marker.className = "this-device";
        marker.textContent = " (" + text.textThisDevice + ")";
        item.querySelector(".key-name").appendChild(marker);
      } else if (!mine && marker) {
        marker.remove();
      }
    });
  }

  function onServer(endpoint) {
    return Array.prototype.some.call(
      root.querySelectorAll("[data-push-devices] li"),
      function (item) { return item.dataset.endpoint === endpoint; });
  }

  // The device list, as the server renders it now.
  function refreshList() {
    return fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["[data-push-devices]", "[data-push-none]"].forEach(function (selector) {
          var now = root.querySelector(selector);
          var next = fresh.querySelector(selector);
          if (now && next) now.replaceWith(document.importNode(next, true));
        });
      });
  }

  function blocked() {
    return "Notification" in window && Notification.permission === "denied";
  }

  // The buttons and, unless ``keepMessage`` (a failure just said), the line saying the state.
  function showState(keepMessage) {
    if (!supported()) {
      say(text.textUnsupported, true);
      show(false, false);
      return Promise.resolve();
    }
    if (blocked()) {
      say(text.textBlocked, true);
      show(false, false);
      return Promise.resolve();
    }
    return currentSubscription().then(function (subscription) {
      var on = Boolean(subscription) && onServer(subscription.endpoint);
      markThisDevice(on ? subscription.endpoint : null);
      if (!keepMessage) say(on ? text.textOn : text.textOff);
      show(!on, on);
    });
  }

  function failed(error) {
    if (window.console) console.warn("push reminders:", error);
    say(blocked() ? text.textBlocked : text.textFailed, true);
    return showState(true).catch(function () {});
  }

  onButton.addEventListener("click", function () {
    say(text.textWorking);
    onButton.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        say(permission === "denied" ? text.textBlocked : text.textOff, permission === "denied");
        return null;
      }
      return registration().then(function (reg) {
        return reg.pushManager.getSubscription().then(function (existing) {
          return existing || reg.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(text.key)
          });
        });
      }).then(function (subscription) {
        return api("POST", API, subscription.toJSON());
      }).then(refreshList).then(function () { return showState(false); });
    }).catch(failed).then(function () { onButton.disabled = false; });
  });

  offButton.addEventListener("click", function () {
    say(text.textWorking);
    offButton.disabled = true;
    currentSubscription().then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      // The server first: once its record is gone, no reminder can be sent to this browser.
      return api("GET", API).then(function (devices) {
        var mine = (devices || []).filter(function (d) { return d.endpoint === endpoint; });
        return Promise.all(mine.map(function (d) { return api("DELETE", API + "/" + d.id); }));
      }).then(function () { return subscription.unsubscribe(); });
    }).then(refreshList).then(function () { return showState(false); }).catch(failed)
      .then(function () { offButton.disabled = false; });
  });

  // A browser that refuses service workers (a private window in some browsers) cannot take
  // reminders: say so, rather than that something failed.
  showState(false).catch(function (error) {
    if (window.console) console.warn("push reminders:", error);
    say(text.textUnsupported, true);
    show(false, false);
  });
})();
