// Today offline: a "mark done" made without a connection is kept on the device (with an id the
// browser makes) and sent when the connection is back. Hooks forms marked
// data-offline-completion; with a connection, the forms work as before (htmx or a plain post).
(function () {
  "use strict";
  var queue = window.PsoasQueue;
  if (!queue || !("indexedDB" in window)) { return; }
  var SYNC_TAG = "psoas-completions";

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function formFor(exercise) {
    return document.querySelector("form[data-offline-completion][data-exercise='" + exercise + "']");
  }

  // The signed-in patient (base.html's service-worker meta): only their entries are sent.
  function pageUser() {
    var meta = document.querySelector("meta[name='service-worker']");
    return meta ? meta.getAttribute("data-user") : null;
  }

  function pageCsrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : null;
  }

  function say(line, text, focus) {
    line.textContent = text;
    if (focus) { line.setAttribute("tabindex", "-1"); line.focus(); }
  }

  // Replace the card's form with a line saying the completion waits on this device.
  function showQueued(entry, focus) {
    var form = formFor(entry.exercise);
    if (!form) { return; }
    var line = document.createElement("p");
    line.className = "done-line queued-line";
    line.setAttribute("role", "status");
    line.setAttribute("data-queued", entry.client_id);
    form.replaceWith(line);
    say(line, "Saved on this device, waiting to send: pain " + entry.pain + " out of 10, " +
      entry.feel + ". It will be sent when you are back online.", focus);
  }

  function showSent(result) {
    var line = document.querySelector("[data-queued='" + result.entry.client_id + "']");
    if (!line) { return; }
    line.removeAttribute("data-queued");
    if (result.status === 400) {
      line.className = "form-errors";
      say(line, "Not sent: " + ((result.body && result.body.detail) || "the server refused it."));
      return;
    }
    line.className = "done-line";
    say(line, "Marked done: pain " + result.entry.pain + " out of 10, " + result.entry.feel + ".");
    var heading = line.closest(".exercise-card") && line.closest(".exercise-card").querySelector("h3");
    if (heading && !heading.querySelector(".badge-done")) {
      var badge = document.createElement("span");
      badge.className = "badge badge-done";
      badge.textContent = "Done";
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(badge);
    }
  }

  function sync() {
    var user = pageUser();
    if (navigator.onLine === false || !user) { return Promise.resolve([]); }
    return queue.flush(user, pageCsrf()).then(function (results) {
      results.forEach(showSent);
      if (results.length) {
        var banner = document.querySelector("[data-offline-copy]");
        if (banner) { banner.hidden = true; }
      }
      return results;
    });
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(SYNC_TAG); }
    }).catch(function () { return null; });
  }

  function enqueue(form) {
    // The pain radio the patient chose (the slider checks one only once moved): never a default.
    var pain = form.querySelector("[name$='-pain']:checked");
    var feel = form.querySelector("[name$='-difficulty']:checked");
    if (!pain || !feel) {
      var missing = form.querySelector(pain ? "[name$='-difficulty']" : "input[type=range], [name$='-pain']");
      if (missing) { missing.focus(); }
      return;
    }
    var entry = {
      client_id: newId(),
      user: pageUser(),
      api: form.getAttribute("data-api"),
      exercise: Number(form.getAttribute("data-exercise")),
      pain: Number(pain.value),
      difficulty: feel.value,
      feel: (feel.closest("label") ? feel.closest("label").textContent : feel.value).trim().toLowerCase(),
      completed_at: new Date().toISOString(),
      csrf: pageCsrf()
    };
    queue.add(entry).then(function () {
      showQueued(entry, true);
      askForBackgroundSync();
    });
  }

  // Offline: keep the completion here instead of posting (htmx never sees the submit).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-completion]")) { return; }
    if (navigator.onLine !== false) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    enqueue(form);
  }, true);

  // Online in name only (the request never got through): keep it as well.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.matches && form.matches("form[data-offline-completion]")) { enqueue(form); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var user = pageUser();
    if (!user) { return; }
    queue.all().then(function (entries) {
      entries.filter(function (e) { return e.user === user; }).forEach(function (e) { showQueued(e, false); });
      return sync();
    }).catch(function () { return null; });
  });
  window.addEventListener("online", function () { sync(); });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "completions-sent") { event.data.results.forEach(showSent); }
    });
  }

  // Logging out: the service worker drops the saved pages at once (the logout answer's
  // Clear-Site-Data header clears the rest).
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-logout]") &&
        navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "logout" });
    }
  });
})();
