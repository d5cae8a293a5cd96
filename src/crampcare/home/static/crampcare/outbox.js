// The outbox (docs/app.md, "Logging without a connection"): a cramp logged, a morning check-in or
// a session finished while the phone is offline is kept here, in IndexedDB, with the time it
// happened, and sent to the API when the network is back. Each entry carries its own
// Idempotency-Key, so an answer lost on the way back never makes a second record: the retry gets
// the first answer. The pages (app.js, player.js) and the service worker (sw.js, on Background
// Sync) share this file; only one of them sends at a time.
(function (scope) {
  "use strict";
  var DB_NAME = "crampcare";
  var STORE = "outbox";
  var WAITING = "waiting";
  var REFUSED = "refused";

  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = function () { resolve(idbRequest.result); };
      idbRequest.onerror = function () { reject(idbRequest.error); };
    });
  }

  var opened = null;
  function database() {
    if (!opened) {
      var open = scope.indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore(STORE, { keyPath: "key" });
      };
      opened = request(open).then(function (db) {
        // Signing out clears the site's storage (Clear-Site-Data): let it go.
        db.onversionchange = function () { db.close(); opened = null; };
        return db;
      });
      opened.catch(function () { opened = null; });
    }
    return opened;
  }

  function withStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        Promise.resolve(work(transaction.objectStore(STORE))).then(function (value) { result = value; });
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function all() {
    return withStore("readonly", function (store) { return request(store.getAll()); })
      .then(function (entries) {
        return entries.sort(function (a, b) { return a.created < b.created ? -1 : a.created > b.created ? 1 : 0; });
      });
  }

  // entry: {owner, kind, url, body, label, slot?}. An entry with the same owner and slot (the
  // check-in of one night, the rating of one session) replaces the earlier one: the latest answer
  // is the one the person meant. A new body always gets a new key.
  function add(entry) {
    var record = {
      key: newKey(),
      owner: String(entry.owner),
      kind: entry.kind,
      url: entry.url,
      body: entry.body,
      label: entry.label,
      slot: entry.slot || null,
      csrf: entry.csrf || "",
      created: new Date().toISOString(),
      status: WAITING,
      problem: ""
    };
    return withStore("readwrite", function (store) {
      return request(store.getAll()).then(function (entries) {
        entries.forEach(function (old) {
          if (record.slot && old.slot === record.slot && old.owner === record.owner && old.status === WAITING) {
            store.delete(old.key);
          }
        });
        store.put(record);
        return record;
      });
    });
  }

  function remove(key) {
    return withStore("readwrite", function (store) { store.delete(key); });
  }

  function put(record) {
    return withStore("readwrite", function (store) { store.put(record); });
  }

  function problemOf(response) {
    return response.json().then(function (body) {
      return (body && body.detail) || ("HTTP " + response.status);
    }, function () { return "HTTP " + response.status; });
  }

  // Send what waits for this owner, oldest first. Stops at the first answer that says "later"
  // (no network, signed out, a server error, the same key still being answered); an answer that
  // refuses the entry (the program is held, a value is not valid) keeps it, marked refused with
  // the server's words, for the person to see. Resolves to {sent, waiting, refused}.
  var sending = null;
  // One sender at a time across the pages and the worker (Web Locks): a second one waits, then
  // finds the entries already gone.
  function exclusive(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("crampcare-outbox", work) : work();
  }
  function flush(options) {
    if (sending) return sending;
    sending = exclusive(function () { return sendAll(options); });
    var done = function () { sending = null; };
    sending.then(done, done);
    return sending;
  }
  function sendAll(options) {
    var owner = String(options.owner || "");
    return all().then(function (entries) {
      var mine = entries.filter(function (e) { return e.owner === owner && e.status === WAITING; });
      var sent = 0;
      function next(i) {
        if (i >= mine.length || !owner) return Promise.resolve(false);
        var entry = mine[i];
        return scope.fetch(entry.url, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            "Idempotency-Key": entry.key,
            "X-CSRFToken": options.csrf || entry.csrf || ""
          },
          body: JSON.stringify(entry.body)
        }).then(function (response) {
          if (response.ok) {
            sent += 1;
            return remove(entry.key).then(function () { return next(i + 1); });
          }
          var later = response.status === 401 || response.status === 403 || response.status === 429 ||
            response.status >= 500 || response.headers.has("Retry-After");
          if (later) return true;
          return problemOf(response).then(function (problem) {
            entry.status = REFUSED;
            entry.problem = problem;
            return put(entry).then(function () { return next(i + 1); });
          });
        }, function () { return true; /* no network: later */ });
      }
      return next(0).then(function (stopped) {
        return all().then(function (left) {
          var own = left.filter(function (e) { return e.owner === owner; });
          return {
            sent: sent,
            stopped: stopped,
            waiting: own.filter(function (e) { return e.status === WAITING; }).length,
            refused: own.filter(function (e) { return e.status === REFUSED; }).length
          };
        });
      });
    });
  }

  scope.CrampcareOutbox = {
    SYNC_TAG: "crampcare-outbox",
    WAITING: WAITING,
    REFUSED: REFUSED,
    add: add,
    all: all,
    remove: remove,
    flush: flush
  };
})(self);
