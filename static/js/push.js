// Reminder settings: turn on notifications in this browser (Web Push). Registers /sw.js,
// subscribes with the server's public (VAPID) key, and saves the subscription through the API.
(function () {
  "use strict";
  var box = document.getElementById("push-subscribe");
  var status = document.getElementById("push-status");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    if (status && box) { status.textContent = "This browser cannot show notifications from websites."; }
    return;
  }
  box.hidden = false;

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function deviceLabel() {
    var ua = navigator.userAgent;
    var browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "A browser";
    var system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iPhone or iPad" : /Mac OS X/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
    return system ? browser + " on " + system : browser;
  }

  function csrfToken() {
    var input = document.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function say(text) { status.textContent = text; }

  document.getElementById("push-subscribe-button").addEventListener("click", function () {
    say("Asking your browser…");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error("Notifications are blocked for this site in your browser's settings.");
      }
      return navigator.serviceWorker.register(box.dataset.worker, { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.publicKey)
        });
      });
    }).then(function (subscription) {
      var body = subscription.toJSON();
      body.device_label = deviceLabel();
      return fetch(box.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body)
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("We could not save this device. Please try again."); }
      say("Done: this device will get your reminders.");
      window.location.reload();
    }).catch(function (error) {
      say(error && error.message ? error.message : "Notifications could not be turned on here.");
    });
  });
})();
