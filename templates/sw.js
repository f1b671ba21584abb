{% load static %}importScripts("{% static 'js/sw-push.js' %}");
importScripts("{% static 'js/offline_queue.js' %}");
// Psoas Care's service worker. It keeps the app shell and the signed-in patient's Today page
// on the device, so Today opens without a connection; nothing else with health data is kept.
// Rendered by therapy/offline.py; docs/offline.md explains the rules.
"use strict";

var VERSION = "{{ version|escapejs }}";
var PREFIX = "psoas-shell-";
var CACHE = PREFIX + VERSION;
var SHELL = {{ shell_json|safe }};
var TODAY = "{{ today_url|escapejs }}";
var STATIC = "{{ static_url|escapejs }}";
var SYNC_TAG = "psoas-completions";

// Every stylesheet, script and image the Today page links from our own static files: the
// day's exercise illustrations among them.
function staticRefs(html) {
  var found = {};
  var pattern = /(?:src|href)="([^"]+)"/g;
  var match;
  while ((match = pattern.exec(html)) !== null) {
    var url = match[1].replace(/&amp;/g, "&");
    if (url.indexOf(STATIC) === 0) { found[url] = true; }
  }
  return Object.keys(found);
}

// Keep this copy of Today and what it links; an answer that is not the page (signed out, an
// error) removes the saved copy instead, so a signed-out device keeps no plan.
function keepToday(cache, response) {
  if (!response.ok || response.redirected || response.type !== "basic") {
    return cache.delete(TODAY);
  }
  return response.clone().text().then(function (html) {
    return cache.put(TODAY, response).then(function () {
      return Promise.all(staticRefs(html).map(function (url) {
        return cache.match(url).then(function (hit) {
          return hit || cache.add(url).catch(function () { return null; });
        });
      }));
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(SHELL).then(function () {
        // Marked as the worker's own fetch: the page does not count it as the patient's visit.
        var headers = { "{{ offline_copy_header|escapejs }}": "1" };
        return fetch(TODAY, { credentials: "same-origin", headers: headers })
          .then(function (response) { return keepToday(cache, response); })
          .catch(function () { return null; });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The saved Today, marked as the offline copy: the page shows its "You're offline" notice.
function savedToday() {
  return caches.open(CACHE).then(function (cache) { return cache.match(TODAY); }).then(function (hit) {
    if (!hit) { return offlinePage(); }
    return hit.text().then(function (html) {
      var headers = new Headers(hit.headers);
      headers.delete("Content-Length");
      var body = html.replace("data-offline-banner hidden", "data-offline-banner data-offline-copy");
      return new Response(body, { status: 200, headers: headers });
    });
  });
}

function offlinePage() {
  var html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Offline · Psoas Care</title></head><body><main><h1>You're offline</h1>" +
    "<p>This page needs a connection. Try again when you're back online.</p>" +
    "<p><a href=\"" + TODAY + "\">Open today's plan</a> (if it was saved on this device).</p>" +
    "</main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname === TODAY && request.mode === "navigate") {
    // Network first: the live page when there is a connection, the saved copy when not.
    event.respondWith(
      fetch(request).then(function (response) {
        event.waitUntil(caches.open(CACHE).then(function (cache) {
          return keepToday(cache, response.clone());
        }));
        return response;
      }, savedToday)
    );
  } else if (url.pathname.indexOf(STATIC) === 0) {
    // Static files: from the versioned cache, else the network (and kept).
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(request).then(function (hit) {
          return hit || fetch(request).then(function (response) {
            if (response.ok) { cache.put(request, response.clone()); }
            return response;
          });
        });
      })
    );
  } else if (request.mode === "navigate") {
    // Other pages are never kept (they hold health data beyond Today): network only.
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

function tellPages(results) {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "completions-sent", results: results }); });
  });
}

// Background Sync, where the browser has it: send completions queued offline even when no
// page of ours is open.
self.addEventListener("sync", function (event) {
  if (event.tag === SYNC_TAG) {
    event.waitUntil(self.PsoasQueue.flush().then(tellPages));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "logout") {
    // Signing out: drop every saved page; the logout answer's Clear-Site-Data does the rest.
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
        .map(function (name) { return caches.delete(name); }));
    }));
  } else if (data.type === "sync") {
    event.waitUntil(self.PsoasQueue.flush().then(tellPages));
  }
});
