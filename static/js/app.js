// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // The service worker keeps Today usable offline (templates/sw.js); base.html names it for
  // signed-in patients only.
  var worker = document.querySelector("meta[name='service-worker']");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker.getAttribute("content"), { scope: "/" })
      .catch(function () { return null; });
  }
  // Fill an empty time-zone field with the browser's zone.
  document.addEventListener("DOMContentLoaded", function () {
    var tz;
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("input[name='time_zone'][data-detect]").forEach(function (input) {
      if (!input.value && tz) { input.value = tz; }
    });
  });
  // An exercise card replaced by htmx (marked done, or refused) takes the keyboard focus with
  // it: to the error when there is one, else to the "Marked done" line. Focus would otherwise
  // fall back to the page body and a keyboard or screen reader user would lose their place.
  var swappedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swappedId = target && target.id && target.id.indexOf("exercise-") === 0 ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swappedId) { return; }
    var card = document.getElementById(swappedId);
    swappedId = null;
    if (!card) { return; }
    // The first one shown: the pain radios stand hidden behind their slider.
    var spot = Array.prototype.find.call(
      card.querySelectorAll("[aria-invalid='true'], .form-errors, .done-line"),
      function (el) { return el.getClientRects().length > 0; });
    if (!spot) { return; }
    if (!spot.matches("input, select, textarea")) { spot.setAttribute("tabindex", "-1"); }
    spot.focus();
  });
})();
