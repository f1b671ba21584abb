// Hold timer for held exercises: a real button, keyboard operable, progress announced to
// screen readers through an aria-live region (every 10 seconds and at the end of each hold),
// the visible countdown updated every second. Hidden without JavaScript: the page still works.
(function () {
  "use strict";

  function describe(round, sets, sides) {
    var set = Math.floor(round / sides) + 1;
    var text = "set " + set + " of " + sets;
    if (sides === 2) { text += round % 2 === 0 ? ", left side" : ", right side"; }
    return text;
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function setUp(box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var hold = parseInt(box.dataset.seconds, 10);
    var sets = parseInt(box.dataset.sets, 10) || 1;
    var sides = parseInt(box.dataset.sides, 10) === 2 ? 2 : 1;
    var rounds = sets * sides;
    var button = box.querySelector("[data-timer-button]");
    var display = box.querySelector("[data-timer-display]");
    var live = box.querySelector("[data-timer-live]");
    var round = 0, left = hold, timer = null, endsAt = 0, lastAnnounced = hold;

    function say(text) { live.textContent = text; }
    function label() {
      if (timer) { button.textContent = "Pause timer"; return; }
      if (round >= rounds) { button.textContent = "Start the holds again"; return; }
      var resume = left < hold;
      button.textContent = (resume ? "Resume " : "Start ") + hold + " second hold, " + describe(round, sets, sides);
    }
    function tick() {
      left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      display.textContent = clock(left) + " — " + describe(round, sets, sides);
      if (left === 0) {
        clearInterval(timer); timer = null;
        round += 1; left = hold; lastAnnounced = hold;
        if (round >= rounds) {
          say("All holds done. Now mark the exercise done below.");
          display.textContent = "All holds done";
        } else {
          var next = describe(round, sets, sides);
          say("Hold done. Rest, then start the next one: " + next + ".");
        }
        label();
        return;
      }
      if (left % 10 === 0 && left < lastAnnounced) {
        lastAnnounced = left;
        say(left + " seconds left.");
      }
    }
    button.addEventListener("click", function () {
      if (timer) {
        clearInterval(timer); timer = null;
        say("Paused with " + left + " seconds left.");
        label();
        return;
      }
      if (round >= rounds) { round = 0; left = hold; }
      endsAt = Date.now() + left * 1000;
      say((left < hold ? "Resumed: " : "Hold for " + hold + " seconds: ") + describe(round, sets, sides) + ".");
      timer = setInterval(tick, 250);
      label();
      tick();
    });
    box.hidden = false;
    label();
  }

  function init(root) {
    (root || document).querySelectorAll("[data-hold-timer]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Cards swapped in by htmx bring their own timers.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
