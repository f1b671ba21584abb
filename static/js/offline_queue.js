// Completions marked done offline, kept in the browser's IndexedDB until they are sent.
// Loaded by the pages (offline.js) and by the service worker (templates/sw.js), which share it.
// Each entry carries the id the browser made for it (client_id): the server records a
// completion once per id, so sending twice (page and worker, a retry) never doubles it.
(function (root) {
  "use strict";
  var DB = "psoas-offline";
  var STORE = "completions";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = root.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function add(entry) { return run("readwrite", function (store) { return store.put(entry); }); }
  function all() { return run("readonly", function (store) { return store.getAll(); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }

  function send(entry, csrf) {
    return fetch(entry.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || entry.csrf },
      body: JSON.stringify({
        exercise: entry.exercise, pain: entry.pain, difficulty: entry.difficulty,
        client_id: entry.client_id, completed_at: entry.completed_at
      })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        // Recorded (201), recorded before (200) or refused for good (400): done with it.
        // Anything else (signed out, a server error) stays queued for the next try.
        var settled = response.status === 200 || response.status === 201 || response.status === 400;
        var result = { entry: entry, status: response.status, body: body };
        return settled ? remove(entry.client_id).then(function () { return result; }) : null;
      });
    }, function () { return null; });  // still no connection
  }

  var inFlight = null;

  // Send every queued completion (of `user` only, when given), one after another. Resolves
  // to the settled ones: [{entry, status, body}].
  function flush(user, csrf) {
    if (inFlight) { return inFlight; }
    inFlight = all().then(function (entries) {
      var mine = entries.filter(function (e) { return !user || e.user === user; });
      return mine.reduce(function (chain, entry) {
        return chain.then(function (results) {
          return send(entry, csrf).then(function (result) {
            if (result) { results.push(result); }
            return results;
          });
        });
      }, Promise.resolve([]));
    }).then(function (results) { inFlight = null; return results; },
            function () { inFlight = null; return []; });
    return inFlight;
  }

  root.PsoasQueue = { add: add, all: all, flush: flush };
})(self);
