// Hold timer for held exercises: a real button, keyboard operable, a ring that empties as the
// hold runs, then a clear rest phase before the next set or side (as long as the hold, at most
// 10 seconds). Each change of phase is announced to screen readers through an aria-live
// region; the ticking seconds are not. Exercises done in reps get a set counter instead.
// An optional beep and vibration mark the end of a hold: off by default, remembered on this
// device. Hidden without JavaScript: the page still works.
(function () {
  "use strict";
  var MAX_REST = 10; // seconds between holds, never longer than the hold itself
  var CUE_KEY = "psoas.timer.cue";

  function describe(round, sets, sides) {
    var set = Math.floor(round / sides) + 1;
    var text = "Set " + set + " of " + sets;
    if (sides === 2) { text += round % 2 === 0 ? " · left side" : " · right side"; }
    return text;
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function cuesOn() {
    try { return window.localStorage.getItem(CUE_KEY) === "on"; } catch (e) { return false; }
  }

  function cue() {
    if (!cuesOn()) { return; }
    if (navigator.vibrate) { navigator.vibrate(200); }
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no sound on this device */ }
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
    var phaseText = box.querySelector("[data-timer-phase]");
    var ring = box.querySelector("[data-timer-ring]");
    var live = box.querySelector("[data-timer-live]");
    var cueBox = box.querySelector("[data-timer-cue]");
    var REST = Math.min(MAX_REST, hold);
    var progress = box.querySelector("[data-set-progress]");
    var round = 0, left = hold, timer = null, endsAt = 0;
    var phase = "ready"; // ready, hold, paused, rest, done

    function say(text) { live.textContent = text; }
    function draw(fraction) {
      box.dataset.phase = phase;
      if (ring) { ring.setAttribute("stroke-dashoffset", String(100 - Math.round(fraction * 100))); }
    }
    function show(seconds, text) {
      display.textContent = clock(seconds);
      if (progress) { progress.textContent = phase === "done" ? "All " + sets + " set" + (sets > 1 ? "s" : "") + " done" : describe(round, sets, sides); }
      if (phaseText) { phaseText.textContent = text; }
    }
    function label() {
      if (phase === "hold") { button.textContent = "Pause timer"; return; }
      if (phase === "rest") { button.textContent = "Skip the rest, start " + describe(round, sets, sides); return; }
      if (phase === "done") { button.textContent = "Start the holds again"; return; }
      button.textContent = (phase === "paused" ? "Resume " : "Start ") + hold + " second hold, " + describe(round, sets, sides);
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; } }
    function ready() {
      phase = "ready"; left = hold;
      show(hold, "Ready: " + describe(round, sets, sides));
      draw(1); label();
    }
    function rest() {
      phase = "rest";
      endsAt = Date.now() + REST * 1000;
      say("Hold done. Rest for " + REST + " seconds. Next: " + describe(round, sets, sides) + ".");
      timer = setInterval(restTick, 250);
      label(); restTick();
    }
    function restTick() {
      var restLeft = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      show(restLeft, "Rest. Next: " + describe(round, sets, sides));
      draw(restLeft / REST);
      if (restLeft === 0) {
        stop(); ready();
        say("Rest over. Start when you are ready: " + describe(round, sets, sides) + ".");
      }
    }
    function holdTick() {
      left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      if (left === 0) {
        stop(); cue();
        round += 1;
        if (round >= rounds) {
          phase = "done"; show(0, "All holds done");
          draw(0); label();
          say("All holds done. Now mark the exercise done below.");
          return;
        }
        rest();
        return;
      }
      show(left, "Hold: " + describe(round, sets, sides));
      draw(left / hold);
    }
    function startHold() {
      phase = "hold";
      endsAt = Date.now() + left * 1000;
      say((left < hold ? "Resumed: " : "Hold for " + hold + " seconds: ") + describe(round, sets, sides) + ".");
      timer = setInterval(holdTick, 250);
      label(); holdTick();
    }
    button.addEventListener("click", function () {
      if (phase === "hold") {
        stop(); phase = "paused";
        say("Paused with " + left + " seconds left.");
        show(left, "Paused: " + describe(round, sets, sides));
        label();
        return;
      }
      if (phase === "rest") { stop(); left = hold; }
      if (phase === "done") { round = 0; left = hold; }
      startHold();
    });
    if (cueBox) {
      cueBox.checked = cuesOn();
      cueBox.addEventListener("change", function () {
        try { window.localStorage.setItem(CUE_KEY, cueBox.checked ? "on" : "off"); } catch (e) { /* private mode */ }
      });
    }
    box.hidden = false;
    ready();
  }

  // Reps: a button that moves the set and side on ("Set 2 of 3 · left side").
  function setUpCounter(box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var sets = parseInt(box.dataset.sets, 10) || 1;
    var sides = parseInt(box.dataset.sides, 10) === 2 ? 2 : 1;
    var rounds = sets * sides, round = 0;
    var progress = box.querySelector("[data-set-progress]");
    var button = box.querySelector("[data-set-button]");
    function draw() {
      if (round >= rounds) {
        progress.textContent = "All " + sets + " set" + (sets > 1 ? "s" : "") + " done: mark it done below.";
        button.textContent = "Count the sets again";
      } else {
        progress.textContent = describe(round, sets, sides);
        button.textContent = sides === 2 ? "Done with this side" : "Done with this set";
      }
    }
    button.addEventListener("click", function () {
      round = round >= rounds ? 0 : round + 1;
      draw();
    });
    box.hidden = false;
    draw();
  }

  function init(root) {
    (root || document).querySelectorAll("[data-hold-timer]").forEach(setUp);
    (root || document).querySelectorAll("[data-set-counter]").forEach(setUpCounter);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Cards swapped in by htmx bring their own timers.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
