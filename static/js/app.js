// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Fill an empty time-zone field with the browser's zone.
  document.addEventListener("DOMContentLoaded", function () {
    var tz;
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("input[name='time_zone'][data-detect]").forEach(function (input) {
      if (!input.value && tz) { input.value = tz; }
    });
  });
})();
