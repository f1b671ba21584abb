// Today as a session player: one exercise at a time, then the finish screen. Without this
// file the page is the full list with a form per exercise, which does the same job.
// Marking done is the list's own form (htmx, the same view); nothing here writes.
(function () {
  "use strict";
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // --- the pain slider -------------------------------------------------------------------
  // The radios stay the form's field. The slider checks one only once the patient moves it,
  // so an untouched slider sends no pain at all (a range input would otherwise send its 5).
  var WORDS = ["no pain", "very mild", "mild", "mild", "moderate", "moderate", "moderate",
    "severe", "severe", "very severe", "worst imaginable"];

  function painSlider(field) {
    if (field.dataset.ready) { return; }
    field.dataset.ready = "1";
    var scale = field.querySelector("[data-pain-scale]");
    var radios = scale.querySelectorAll("input[type=radio]");
    var legend = field.querySelector("legend");
    var checked = scale.querySelector("input:checked");
    var id = legend.id.replace(/_legend$/, "");
    var wrap = document.createElement("div");
    wrap.className = "pain-slider";
    wrap.innerHTML =
      '<input type="range" min="0" max="10" step="1" value="5" id="' + id + '_slider">' +
      '<div class="pain-ends" aria-hidden="true"><span>0<br>No pain</span><span>10<br>Worst imaginable</span></div>' +
      '<p class="pain-readout" id="' + id + '_readout"></p>';
    var slider = wrap.querySelector("input");
    var readout = wrap.querySelector("p");
    slider.setAttribute("aria-labelledby", legend.id);
    var described = [field.querySelector(".help"), field.querySelector(".errorlist")]
      .filter(Boolean).map(function (el) { return el.id; });
    described.unshift(readout.id);
    slider.setAttribute("aria-describedby", described.join(" "));
    if (radios[0].getAttribute("aria-invalid")) { slider.setAttribute("aria-invalid", "true"); }

    function set(value) {
      radios[value].checked = true;
      wrap.dataset.state = "set";
      slider.setAttribute("aria-valuetext", value + ", " + WORDS[value]);
      readout.textContent = "Your pain: " + value + " out of 10, " + WORDS[value] + ".";
      slider.removeAttribute("aria-invalid");
    }
    if (checked) {
      slider.value = checked.value;
      set(parseInt(checked.value, 10));
    } else {
      wrap.dataset.state = "unset";
      slider.setAttribute("aria-valuetext", "not set");
      readout.textContent = "Not set yet: move the slider to your pain.";
    }
    // Any deliberate touch counts, even one that lands on the value shown (5).
    function touched() { set(parseInt(slider.value, 10)); }
    slider.addEventListener("input", touched);
    slider.addEventListener("change", touched);
    slider.addEventListener("pointerup", touched);
    slider.addEventListener("keyup", function (event) {
      if (/^(Arrow|Page|Home|End)/.test(event.key)) { touched(); }
    });
    // A hidden required radio would stop the form with no message: the server asks instead.
    radios.forEach(function (radio) { radio.required = false; });
    scale.hidden = true;
    scale.after(wrap);
  }

  // --- the player ------------------------------------------------------------------------
  var root, index = 0;

  function steps() {
    return Array.prototype.slice.call(
      root.querySelectorAll("#due-list > [data-exercise-card], [data-player-finish]"));
  }

  function focusHeading(step) {
    var heading = step.querySelector("[data-step-heading]");
    if (!heading) { return; }
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    step.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
  }

  function render(focus) {
    var all = steps();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(index, all.length - 1));
    var cards = all.length - 1;
    var done = root.querySelectorAll("#due-list > .is-done").length;
    all.forEach(function (step, i) { step.classList.toggle("is-current", i === index); });
    var onFinish = index === cards;
    root.querySelector("[data-player-position]").textContent = onFinish
      ? "Finish" : "Exercise " + (index + 1) + " of " + cards;
    root.querySelector("[data-player-bar]").style.width = Math.round(100 * done / cards) + "%";
    var prev = root.querySelector("[data-player-prev]");
    var next = root.querySelector("[data-player-next]");
    prev.disabled = index === 0;
    next.hidden = onFinish;
    next.textContent = index === cards - 1 ? "Go to finish" : "Next exercise";
    if (focus) { focusHeading(all[index]); }
  }

  function go(to) { index = to; render(true); }

  function start() {
    root.dataset.mode = "player";
    var all = steps();
    var first = all.findIndex(function (s) { return !s.classList.contains("is-done"); });
    go(first < 0 ? all.length - 1 : first);
  }

  function list() {
    root.dataset.mode = "list";
    var current = steps()[index];
    steps().forEach(function (s) { s.classList.remove("is-current"); });
    if (current) { focusHeading(current); }
  }

  function init() {
    root = document.querySelector("[data-today]");
    document.querySelectorAll("[data-pain-field]").forEach(painSlider);
    if (!root || !root.querySelector("#due-list")) { return; }
    root.querySelectorAll("[data-player-only]").forEach(function (el) { el.hidden = false; });
    var startButton = root.querySelector("[data-player-start]");
    if (startButton) { startButton.addEventListener("click", start); }
    root.querySelector("[data-player-list]").addEventListener("click", list);
    root.querySelector("[data-player-prev]").addEventListener("click", function () { go(index - 1); });
    root.querySelector("[data-player-next]").addEventListener("click", function () { go(index + 1); });
  }

  document.addEventListener("DOMContentLoaded", init);
  // A card or the finish step swapped by htmx: enhance its slider and keep the player's place.
  document.addEventListener("htmx:load", function (event) {
    event.target.querySelectorAll && event.target.querySelectorAll("[data-pain-field]").forEach(painSlider);
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-pain-field]").forEach(painSlider);
    // A card refused for its pain: the keyboard lands on the slider (app.js cannot see it).
    var bad = document.querySelector(".pain-slider input[aria-invalid=true]");
    var active = document.activeElement;
    if (bad && (!active || active === document.body)) { bad.focus(); }
    if (root && root.dataset.mode === "player") { render(false); }  // shown before focused
    var now = document.querySelector("[data-focus-now]");
    if (now) { now.removeAttribute("data-focus-now"); now.focus(); }
  });
})();
