// Web Push for reminders, imported by the service worker (/sw.js). The server's payload is
// JSON {title, body, url, tag}; it never carries health details (a lock screen is public),
// and the click only ever opens a page of this site.
(function () {
  "use strict";
  var HOME = "/today/";

  function sameOriginUrl(value) {
    try {
      var url = new URL(value || HOME, self.location.origin);
      return url.origin === self.location.origin ? url.href : new URL(HOME, self.location.origin).href;
    } catch (e) {
      return new URL(HOME, self.location.origin).href;
    }
  }

  self.addEventListener("push", function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
    var title = typeof data.title === "string" && data.title ? data.title : "Psoas Care";
    var options = {
      body: typeof data.body === "string" ? data.body : "Your exercises are ready when you are.",
      tag: typeof data.tag === "string" && data.tag ? data.tag : "exercise-reminder",
      icon: "/static/img/brand/icon-192.png",
      badge: "/static/img/brand/icon-192.png",
      data: { url: sameOriginUrl(data.url) }
    };
    event.waitUntil(self.registration.showNotification(title, options));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var target = sameOriginUrl(event.notification.data && event.notification.data.url);
    event.waitUntil(
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        for (var i = 0; i < windows.length; i += 1) {
          if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
        }
        for (var j = 0; j < windows.length; j += 1) {
          if ("navigate" in windows[j] && "focus" in windows[j]) {
            return windows[j].focus().then(function (client) { return client.navigate(target); });
          }
        }
        return self.clients.openWindow(target);
      })
    );
  });
})();
