// crampcare's service worker (home/pwa.py): the relief guide, the exercise library and the topics
// work without a connection; the person's own pages show their last copy when offline.
// Version {{ version }}: a new version precaches again and deletes the old caches.
"use strict";

const VERSION = "{{ version }}";
const PUBLIC = "crampcare-public-" + VERSION;
const PERSONAL = "crampcare-personal-" + VERSION;
const PRECACHE = {{ precache|safe }};
const PERSONAL_PREFIXES = {{ personal_prefixes|safe }};
const PERSONAL_EXACT = {{ personal_exact|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const RELIEF_AREA = /^\/cramp-now\/[a-z0-9-]+\/$/;
const PICTURE = /^\/exercises\/[a-z0-9-]+\/picture\.svg$/;
const ME_URL = {{ me_url|safe }};
// The language the pages are precached in: the one the person reads. Choosing another changes
// this script, so the browser installs it again and precaches the pages in that language.
const LANGUAGE = {{ language|safe }};
importScripts({{ outbox_script|safe }});

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(PUBLIC);
    // Without cookies: these copies are everyone's, never a signed-in person's page.
    await Promise.all(PRECACHE.map(async (url) => {
      // Pages ask for the language by name (without cookies the server cannot know it).
      const source = url.startsWith("/static/") ? url
        : url + (url.includes("?") ? "&" : "?") + "language=" + encodeURIComponent(LANGUAGE);
      const response = await fetch(new Request(source, { credentials: "omit", cache: "reload" }));
      if (!response.ok) throw new Error("precache failed: " + url + " " + response.status);
      await cache.put(url, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith("crampcare-") && name !== PUBLIC && name !== PERSONAL)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function forgetProgramCopies() {
  const personal = await caches.open(PERSONAL);
  for (const request of await personal.keys()) {
    const path = new URL(request.url).pathname;
    if (path === "/" || path.startsWith("/program/")) await personal.delete(request);
  }
}

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  // The page says the person signed out (the server also sends Clear-Site-Data).
  if (type === "signed-out") event.waitUntil(caches.delete(PERSONAL));
  // A red flag holds the program: no copy of a session or plan may offer exercise offline.
  if (type === "program-held") event.waitUntil(forgetProgramCopies());
});

function isPersonal(url) {
  return PERSONAL_EXACT.includes(url.pathname) ||
    PERSONAL_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
}

async function offlineCopy(request, url) {
  const personal = await caches.open(PERSONAL);
  const mine = await personal.match(request, { ignoreVary: true });
  if (mine) return mine;
  const everyone = await caches.open(PUBLIC);
  if (RELIEF_AREA.test(url.pathname) && url.searchParams.get("state") === "easing") {
    const easing = await everyone.match(url.pathname + "?state=easing&offline=1");
    if (easing) return easing;
  }
  const exact = await everyone.match(url.pathname + url.search);
  if (exact) return exact;
  // The relief guide and the library under any query (a start time, a variant, a filter).
  const page = await everyone.match(url.pathname, { ignoreSearch: true });
  if (page) return page;
  return (await everyone.match(OFFLINE_URL)) || Response.error();
}

async function fromNetworkFirst(request, url) {
  try {
    const response = await fetch(request);
    if (isPersonal(url)) {
      const personal = await caches.open(PERSONAL);
      if (response.ok && !response.redirected && response.type === "basic" &&
          (response.headers.get("Content-Type") || "").startsWith("text/html")) {
        await personal.put(request, response.clone());
      } else {
        // Held, gone or signed out: the old copy must not stand in for this answer offline.
        await personal.delete(request);
      }
    }
    return response;
  } catch (error) {
    return offlineCopy(request, url);
  }
}

async function fromCacheFirst(request) {
  const everyone = await caches.open(PUBLIC);
  const cached = await everyone.match(request, { ignoreSearch: true });
  if (cached) return cached;
  return fetch(request);
}

// An exercise's picture: the precached copy (made for this version), else the network; offline,
// the still pair falls back to the animated picture.
async function picture(request, url) {
  const everyone = await caches.open(PUBLIC);
  const exact = await everyone.match(url.pathname + url.search);
  if (exact) return exact;
  try {
    return await fetch(request);
  } catch (error) {
    return (await everyone.match(url.pathname, { ignoreSearch: true })) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(request, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromCacheFirst(request));
  } else if (PICTURE.test(url.pathname)) {
    event.respondWith(picture(request, url));
  }
});

// -- the outbox: what was logged offline, sent when the network is back (Background Sync) -------

async function csrfToken() {
  // Chromium's service workers can read the cookie; elsewhere the token kept with each entry.
  if (!self.cookieStore) return "";
  try {
    const cookie = await self.cookieStore.get("csrftoken");
    return cookie ? cookie.value : "";
  } catch (error) {
    return "";
  }
}

async function sendOutbox() {
  const waiting = (await self.CrampcareOutbox.all()).filter((e) => e.status === "waiting");
  if (!waiting.length) return;
  // Only the person signed in now sends what they kept: never someone else's, on a shared phone.
  const me = await fetch(ME_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (me.status === 401) return; // signed out: sent after signing in again, from a page
  if (!me.ok) throw new Error("the server cannot answer yet: " + me.status);
  const owner = String((await me.json()).id);
  const result = await self.CrampcareOutbox.flush({ owner: owner, csrf: await csrfToken() });
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "outbox-changed" });
  }
  // Some still wait (the network went again): the browser retries the sync later.
  if (result.stopped) throw new Error("not everything was sent");
}

self.addEventListener("sync", (event) => {
  if (event.tag === self.CrampcareOutbox.SYNC_TAG) event.waitUntil(sendOutbox());
});

// ---------------------------------------------------------------------------------------------
// Reminders on the phone (Web Push; accounts/push.py, programs/reminders.py). Kept apart from
// the offline code above. The server sends {title, body, url, tag}, encrypted for this browser.
// ---------------------------------------------------------------------------------------------
{% load static %}
const PUSH_ICON = "{% static 'crampcare/icons/icon-any-192.png' %}";
const PUSH_BADGE = "{% static 'crampcare/icons/badge-96.png' %}";
const PUSH_FALLBACK_URL = "/program/session/";

// Only a path on this site: a message can never send the person elsewhere.
function sameOriginPath(value) {
  try {
    const url = new URL(value, self.location.origin);
    if (url.origin === self.location.origin) return url.pathname + url.search + url.hash;
  } catch (error) { /* not a URL */ }
  return PUSH_FALLBACK_URL;
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) { /* not JSON: show the plain reminder */ }
  const title = message.title || "crampcare";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    icon: PUSH_ICON,
    badge: PUSH_BADGE,
    tag: message.tag || "crampcare-reminder",
    data: { url: sameOriginPath(message.url || PUSH_FALLBACK_URL) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = sameOriginPath((event.notification.data || {}).url || PUSH_FALLBACK_URL);
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const ours = open.find((client) => new URL(client.url).origin === self.location.origin);
    if (ours) {
      const focused = await ours.focus();
      if ("navigate" in focused) return focused.navigate(path);
      return focused;
    }
    return self.clients.openWindow(path);
  })());
});

// The browser replaced the subscription (it expired, or the push service rotated it): subscribe
// again with the same key and tell the server, while the person is still signed in.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    const options = old && old.options ? old.options : null;
    if (!options || !options.applicationServerKey) return;
    const fresh = event.newSubscription ||
      await self.registration.pushManager.subscribe(options);
    // The CSRF token: from the cookie where the worker can read it (csrfToken, above), else
    // from a form on the plan page.
    let token = await csrfToken();
    if (!token) {
      const page = await fetch("/program/plan/", { credentials: "same-origin" });
      const match = (await page.text()).match(/name="csrfmiddlewaretoken" value="([^"]+)"/);
      if (!page.ok || !match) return;
      token = match[1];
    }
    await fetch("/api/v1/push/subscriptions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(fresh.toJSON()),
    });
  })().catch(() => { /* signed out or offline: the plan page offers to turn them on again */ }));
});
